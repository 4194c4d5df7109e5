/*
 * daemonize: run a command as a Unix daemon, and tell the caller the truth
 * about whether it started.
 */
#include <errno.h>
#include <fcntl.h>
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

int
main(int argc, char *argv[])
{
	struct options opts;
	int rc;

	if (ensure_std_fds() == -1)
		return EXIT_SETUP;
	rc = options_parse(&opts, argc, argv);
	if (rc == 0 && opts.help)
		options_usage();
	else if (rc == 0 && opts.version)
		options_version();
	else if (rc == 0 && opts.mode == MODE_STOP)
		rc = control_stop(&opts);
	else if (rc == 0 && opts.mode == MODE_STATUS)
		rc = control_status(&opts);
	else if (rc == 0)
		rc = start(&opts);
	options_free(&opts);
	return rc;
}
