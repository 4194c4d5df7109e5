/*
 * libFuzzer harness of the option parser, options_parse() (src/options.c).
 *
 * The input is the command line after "daemonize": its words separated by
 * NUL bytes (at most MAX_WORDS). Beyond the sanitizers' findings it checks
 * what a parse that succeeds promises its callers (options.h, DESIGN.md):
 * a start has a command, --stop, --status and --signal a pidfile and no
 * command, every --keep-fd and fd:N is 3 or more, the umask is at most
 * 0777, a signal is 0 to NSIG-1 and 0 never with --stop, --nice and
 * --oom-score-adj are within the kernel's ranges, and the timeout is -1
 * (none) only for a plain start.
 *
 * Found by this harness within a minute: glibc's regcomp() takes memory
 * and time exponential in a run of repetition operators, and -w log:REGEX
 * compiles the REGEX while parsing, before any timeout runs: 'log:a' and
 * 20 '+' took 0.7 GB and 3 s. A repetition of a repetition is now a usage
 * error (waitspec.c).
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
	/* 0 only asks whether it may signal: never for --stop. */
	check(o->signal >= 0 && o->signal < NSIG &&
	    !(o->signal == 0 && o->mode == MODE_STOP));
	check(o->nice_arg == NULL || (o->nice >= -20 && o->nice <= 19));
	check(o->oom_score_adj_arg == NULL ||
	    (o->oom_score_adj >= -1000 && o->oom_score_adj <= 1000));
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
