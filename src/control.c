/*
 * Stop and status. Both read the pidfile by the liveness rule of
 * pidfile_check(). --stop signals the daemon through a pidfd taken before
 * the signal, so a pid reused in the meantime is never hit, and waits for
 * its exit on the pidfd (see stop.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "control.h"
#include "exitcodes.h"
#include "msg.h"
#include "pidfile.h"
#include "signame.h"
#include "stop.h"

/* The LSB codes of "status" (LSB 4.1, section 20.2). */
#define STATUS_RUNNING	0
#define STATUS_STALE	1
#define STATUS_STOPPED	3
#define STATUS_UNKNOWN	4

#define KILL_WAIT_MIN_MS	1000	/* after SIGKILL, wait at least this */

static void
bad_pidfile(const char *path, int e)
{
	if (e == EINVAL)
		msg("pidfile '%s' does not hold a pid", path);
	else if (e == ELOOP)
		msg("cannot read pidfile '%s': it is a symbolic link", path);
	else if (e == EPERM)
		msg("cannot trust pidfile '%s': another user could have "
		    "written it", path);
	else
		msg("cannot read pidfile '%s': %s", path, strerror(e));
}

int
control_status(const struct options *o)
{
	pid_t pid;

	switch (pidfile_check(o->pidfile, &pid)) {
	case PIDFILE_RUNNING:
		printf("running as pid %ld\n", (long)pid);
		return STATUS_RUNNING;
	case PIDFILE_STALE:
		puts("not running; stale pidfile");
		return STATUS_STALE;
	case PIDFILE_ABSENT:
		puts("not running");
		return STATUS_STOPPED;
	case PIDFILE_UNKNOWN:
		break;
	}
	bad_pidfile(o->pidfile, errno);
	return STATUS_UNKNOWN;
}

/*
 * A pidfd for the daemon, or -1 with errno (ESRCH when it is gone). Once
 * the pidfd is held, the process behind pid must have started before the
 * pidfile was written: else the daemon died and its pid was reused (its
 * lock may live on in a child that inherited it).
 */
static int
open_daemon(const char *path, pid_t pid)
{
	int pidfd;

	if ((pidfd = pidfd_open(pid, 0)) == -1)
		return -1;
	if (!pidfile_still_names(path, pid)) {
		close(pidfd);
		errno = ESRCH;
		return -1;
	}
	return pidfd;
}

/* Only ESRCH means the process is gone; anything else stops the stop. */
static int
cannot_open(pid_t pid)
{
	if (errno == ESRCH)
		return 0;
	msg("cannot signal pid %ld: %s", (long)pid, strerror(errno));
	return EXIT_RUNNING;
}

/* Signal, wait, escalate. 0 once gone, else the exit code. */
static int
stop_pid(const struct options *o, int pidfd, pid_t pid)
{
	struct target t = { pid, pidfd, stop_own_group(pid), false };
	long ms = (long)(o->timeout * 1000.0);

	if (o->verbose) {
		char name[32];

		msg("sending %s to pid %ld%s", signame_format(o->signal, name,
		    sizeof(name)), (long)pid, t.pgid > 0 ?
		    " and its process group" : "");
	}
	switch (stop_target(&t, o->signal, ms,
	    ms > KILL_WAIT_MIN_MS ? ms : KILL_WAIT_MIN_MS)) {
	case 0:
		return 0;
	case -1:
		msg("cannot signal pid %ld: %s", (long)pid, strerror(errno));
		return EXIT_RUNNING;
	}
	msg("pid %ld is still running after SIGKILL", (long)pid);
	return EXIT_RUNNING;
}

/* Stop pid, if it is still the one the pidfile was written for. */
static int
stop_daemon(const struct options *o, pid_t pid)
{
	int pidfd, rc;

	if ((pidfd = open_daemon(o->pidfile, pid)) == -1)
		return cannot_open(pid);
	rc = stop_pid(o, pidfd, pid);
	close(pidfd);
	if (rc == 0 && o->verbose)
		msg("pid %ld has exited", (long)pid);
	return rc;
}

/*
 * The daemon is gone, but the lock lives on in processes that inherited
 * it: they are what is left of the daemon, and are stopped in turn.
 */
static int
stop_holders(const struct options *o)
{
	long ms = (long)(o->timeout * 1000.0);

	switch (stop_lockers(o->pidfile, 0, o->signal, ms,
	    ms > KILL_WAIT_MIN_MS ? ms : KILL_WAIT_MIN_MS, o->verbose)) {
	case 0:
		return 0;
	case -1:
		msg("cannot stop what holds pidfile '%s': %s", o->pidfile,
		    strerror(errno));
		return EXIT_RUNNING;
	}
	msg("what holds pidfile '%s' is still running after SIGKILL",
	    o->pidfile);
	return EXIT_RUNNING;
}

int
control_stop(const struct options *o)
{
	pid_t pid;
	int rc;

	switch (pidfile_check(o->pidfile, &pid)) {
	case PIDFILE_ABSENT:
		if (o->verbose)
			msg("not running: no pidfile '%s'", o->pidfile);
		return 0;
	case PIDFILE_UNKNOWN:
		bad_pidfile(o->pidfile, errno);
		return EXIT_SETUP;
	case PIDFILE_STALE:
		if (o->verbose)
			msg("not running: stale pidfile '%s'", o->pidfile);
		break;
	case PIDFILE_RUNNING:
		if ((rc = stop_daemon(o, pid)) != 0 ||
		    (rc = stop_holders(o)) != 0)
			return rc;
		break;
	}
	pidfile_clean(o->pidfile);
	if (o->verbose && access(o->pidfile, F_OK) == 0)
		msg("left pidfile '%s': it is locked, or names a live daemon",
		    o->pidfile);
	return 0;
}
