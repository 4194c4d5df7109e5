/*
 * libFuzzer harness of the option parser, options_parse() (src/options.c).
 *
 * The input is the command line after "daemonize": its words separated by
 * NUL bytes (at most MAX_WORDS). Beyond the sanitizers' findings it checks
 * what a parse that succeeds promises its callers (options.h, DESIGN.md):
 * a start has a command, --stop and --status a pidfile, every --keep-fd
 * and fd:N is 3 or more, the umask is at most 0777, and the timeout is -1
 * (none) only for a plain start.
 */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_WORDS	64
#define INPUT_MAX	4096

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_parsed(const struct options *o)
{
	size_t i;

	if (o->help || o->version)
		return;
	if (o->mode == MODE_START)
		check(o->argv != NULL && o->argv[0] != NULL &&
		    (o->timeout >= 0 || (o->timeout == -1 && o->nwait == 0)));
	else
		check(o->pidfile != NULL && o->nwait == 0 &&
		    o->argv != NULL && o->argv[0] == NULL);
	check(o->umask <= 0777);
	check(o->signal > 0 && o->signal < NSIG);
	for (i = 0; i < o->nkeep; i++)
		check(o->keep[i] >= 3);
	for (i = 0; i < o->nwait; i++) {
		check(o->wait[i].given != NULL);
		if (o->wait[i].kind == WAIT_FD)
			check(o->wait[i].fd >= 3);
		if (o->wait[i].kind == WAIT_TCP)
			check(o->wait[i].host != NULL &&
			    o->wait[i].port != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[INPUT_MAX + 1];
	char *argv[MAX_WORDS + 2];
	struct options o;
	size_t at = 0;
	int argc = 0;

	if (size > INPUT_MAX)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)"daemonize";
	/* Words end at a NUL; a trailing NUL adds no empty word. */
	while (at < size && argc <= MAX_WORDS) {
		argv[argc++] = buf + at;
		at += strlen(buf + at) + 1;
	}
	argv[argc] = NULL;
	optind = 0;			/* getopt starts afresh */
	if (options_parse(&o, argc, argv) == 0)
		check_parsed(&o);
	options_free(&o);
	return 0;
}
