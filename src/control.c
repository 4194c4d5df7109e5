/*
 * Stop, status and signal. All read the pidfile by the liveness rule of
 * pidfile_check(). --stop and --signal signal the daemon through a pidfd
 * taken before the signal, so a pid reused in the meantime is never hit;
 * --stop waits for its exit on the pidfd (see stop.c).
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
#include "proc.h"
#include "signame.h"
#include "stop.h"
#include "trust.h"

/* The LSB codes of "status" (LSB 4.1, section 20.2). */
#define STATUS_RUNNING	0
#define STATUS_STALE	1
#define STATUS_STOPPED	3
#define STATUS_UNKNOWN	4
/* LSB 4.1, section 20.2, for actions other than status. */
#define SIGNAL_SENT		0
#define SIGNAL_NOTRUNNING	7

#define KILL_WAIT_MIN_MS	1000	/* after SIGKILL, wait at least this */
#define ORPHANS_MAX		256	/* "pid N is gone, but pids ..." */

static void
bad_pidfile(const char *path, int e)
{
	if (trust_reason(e) != NULL)
		msg("cannot trust pidfile '%s': %s", path, trust_reason(e));
	else if (e == EINVAL)
		msg("pidfile '%s' does not hold a pid", path);
	else if (e == ELOOP)
		msg("cannot read pidfile '%s': it is a symbolic link", path);
	else
		msg("cannot read pidfile '%s': %s", path, strerror(e));
}

/* A supervisor names its run, or says it is between runs. */
static void
say_running(pid_t pid)
{
	pid_t run;

	if (!proc_same_program(pid))
		printf("running as pid %ld\n", (long)pid);
	else if ((run = proc_find_child(pid, NULL)) > 0)
		printf("running as pid %ld (supervising pid %ld)\n", (long)pid,
		    (long)run);
	else
		printf("running as pid %ld (restarting the command)\n",
		    (long)pid);
}

int
control_status(const struct options *o)
{
	char why[ORPHANS_MAX];
	pid_t pid;
	int e;

	switch (pidfile_check(o->pidfile, &pid)) {
	case PIDFILE_RUNNING:
		say_running(pid);
		return STATUS_RUNNING;
	case PIDFILE_ORPHANED:
		printf("not running; %s\n", pidfile_orphans(o->pidfile, pid,
		    why, sizeof(why)));
		return STATUS_STALE;
	case PIDFILE_STALE:
		puts("not running; stale pidfile");
		return STATUS_STALE;
	case PIDFILE_ABSENT:
		puts("not running");
		return STATUS_STOPPED;
	case PIDFILE_UNKNOWN:
		break;
	}
	e = errno;
	bad_pidfile(o->pidfile, e);
	/* Not "unknown": what it says must not be believed at all. */
	return trust_reason(e) != NULL ? EXIT_SETUP : STATUS_UNKNOWN;
}

/*
 * --stop and --signal never hit the daemonize that runs them or one of
 * its ancestors: not as the daemon, nor as a holder of its lock.
 */
static bool
hits_caller(const struct options *o, pid_t pid)
{
	pid_t p = pidfile_names_caller(o->pidfile, pid);
	const char *who;

	if (p == 0)
		return false;
	who = p == getpid() ? "this daemonize itself" :
	    "an ancestor of this daemonize";
	if (p == pid)
		msg("pidfile '%s' names pid %ld, %s: nothing signalled",
		    o->pidfile, (long)p, who);
	else
		msg("pid %ld, %s, holds the lock of pidfile '%s': nothing "
		    "signalled", (long)p, who, o->pidfile);
	return true;
}

/*
 * A pidfd for the daemon, or -1 with errno (ESRCH when it is gone). Once
 * the pidfd is held, the process behind pid must still be the one the
 * pidfile was written for: else the daemon died and its pid was reused
 * (its lock may live on in a child that inherited it).
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

static struct stop_plan
plan_of(const struct options *o)
{
	long ms = (long)(o->timeout * 1000.0);
	struct stop_plan p = { o->signal, ms, ms > KILL_WAIT_MIN_MS ? ms :
	    KILL_WAIT_MIN_MS, o->verbose, o->timeout_arg };

	return p;
}

/* Signal, wait, escalate. 0 once gone, else the exit code. */
static int
stop_pid(const struct options *o, int pidfd, pid_t pid)
{
	struct target t = { pid, pidfd, stop_own_group(pid), false,
	    proc_same_program(pid), false, false };
	struct stop_plan p = plan_of(o);
	char name[32];

	if (o->verbose) {
		msg("sending %s to pid %ld%s", signame_format(o->signal, name,
		    sizeof(name)), (long)pid, t.pgid > 0 ?
		    " and its process group" : "");
	}
	switch (stop_target(&t, p.sig, p.ms, p.kill_ms)) {
	case 0:
		stop_say_killed(&t, &p);
		return 0;
	case -1:
		msg("cannot signal pid %ld: %s", (long)pid, strerror(errno));
		return EXIT_RUNNING;
	}
	msg("pid %ld did not exit within %s s of %s, nor after SIGKILL",
	    (long)pid, p.timeout, signame_format(p.sig, name, sizeof(name)));
	return EXIT_RUNNING;
}

/* Stop pid, if it is still the one the pidfile was written for. */
static int
stop_daemon(const struct options *o, pid_t pid)
{
	int pidfd, rc;

	if ((pidfd = open_daemon(o->pidfile, pid)) == -1) {
		/* Only ESRCH means the process is gone. */
		if (errno == ESRCH)
			return 0;
		msg("cannot signal pid %ld: %s", (long)pid, strerror(errno));
		return EXIT_RUNNING;
	}
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
	struct stop_plan p = plan_of(o);

	switch (stop_lockers_plan(o->pidfile, 0, &p)) {
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
	case PIDFILE_ORPHANED:
		if (hits_caller(o, 0))
			return EXIT_SETUP;
		if (o->verbose) {
			char why[ORPHANS_MAX];

			msg("%s", pidfile_orphans(o->pidfile, pid, why,
			    sizeof(why)));
		}
		if ((rc = stop_holders(o)) != 0)
			return rc;
		break;
	case PIDFILE_RUNNING:
		if (hits_caller(o, pid))
			return EXIT_SETUP;
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

static int
not_running(const struct options *o)
{
	if (!o->quiet)
		msg("not running");
	return SIGNAL_NOTRUNNING;
}

/* Send o->signal to pid through a pidfd; the exit code. */
static int
signal_pid(const struct options *o, pid_t pid)
{
	char name[32];
	int pidfd, rc = SIGNAL_SENT;

	if ((pidfd = open_daemon(o->pidfile, pid)) == -1) {
		if (errno == ESRCH)
			return not_running(o);
		msg("cannot signal pid %ld: %s", (long)pid, strerror(errno));
		return EXIT_RUNNING;
	}
	if (o->verbose && o->signal == 0)
		msg("checking that pid %ld may be signalled", (long)pid);
	else if (o->verbose)
		msg("sending %s to pid %ld", signame_format(o->signal, name,
		    sizeof(name)), (long)pid);
	if (pidfd_send_signal(pidfd, o->signal, NULL, 0) == -1) {
		if (errno == ESRCH) {
			rc = not_running(o);
		} else {
			msg("cannot signal pid %ld: %s", (long)pid,
			    strerror(errno));
			rc = EXIT_RUNNING;
		}
	}
	close(pidfd);
	return rc;
}

int
control_signal(const struct options *o)
{
	char why[ORPHANS_MAX];
	pid_t pid;

	switch (pidfile_check(o->pidfile, &pid)) {
	case PIDFILE_RUNNING:
		break;
	case PIDFILE_UNKNOWN:
		bad_pidfile(o->pidfile, errno);
		return EXIT_SETUP;
	case PIDFILE_ORPHANED:
		/* Not running, but not quietly: something holds on. */
		msg("not running; %s", pidfile_orphans(o->pidfile, pid, why,
		    sizeof(why)));
		return SIGNAL_NOTRUNNING;
	case PIDFILE_STALE:
	case PIDFILE_ABSENT:
		return not_running(o);
	}
	if (hits_caller(o, pid))
		return EXIT_SETUP;
	return signal_pid(o, pid);
}
