/*
 * daemonize: run a command as a Unix daemon, and tell the caller the truth
 * about whether it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "control.h"
#include "exitcodes.h"
#include "msg.h"
#include "options.h"
#include "start.h"

/*
 * With 0, 1 or 2 closed, the next open would land there and a log or lock
 * would become the daemon's stdin or stdout: fill them with /dev/null.
 */
static int
ensure_std_fds(void)
{
	int fd;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		/* The lowest free number: fd itself. */
		if (open("/dev/null", O_RDWR) == -1) {
			msg("cannot open '/dev/null': %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * Output that cannot be written counts, as util-linux's close_stdout()
 * has it: --help and --version fail with 1; a mode with an exit code of
 * its own (--status) keeps it, and says why its line is missing.
 */
static int
close_stdout(int rc, bool own_code)
{
	if (fflush(stdout) == 0 && !ferror(stdout) && fclose(stdout) == 0)
		return rc;
	msg("cannot write to standard output: %s", strerror(errno));
	return own_code ? rc : EXIT_FAILURE;
}

/* The mode's exit code; SIGPIPE ignored for all but a start's. */
static int
run(const struct options *o)
{
	if (o->help || o->version || o->mode != MODE_START)
		(void)signal(SIGPIPE, SIG_IGN);	/* an error, not a death */
	if (o->help)
		options_usage();
	else if (o->version)
		options_version();
	else if (o->mode == MODE_STOP)
		return control_stop(o);
	else if (o->mode == MODE_STATUS)
		return close_stdout(control_status(o), true);
	else if (o->mode == MODE_SIGNAL)
		return control_signal(o);
	else
		return start(o);
	return close_stdout(EXIT_SUCCESS, false);
}

int
main(int argc, char *argv[])
{
	struct options opts;
	int rc;

	if (ensure_std_fds() == -1)
		return EXIT_SETUP;
	if ((rc = options_parse(&opts, argc, argv)) == 0)
		rc = run(&opts);
	options_free(&opts);
	return rc;
}
