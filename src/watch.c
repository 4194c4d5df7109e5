/*
 * The caller's side after the fork: one poll loop over the verdict pipe,
 * a signalfd for SIGINT, SIGTERM and SIGHUP, and with --wait the daemon's
 * pidfd, the readiness sources and the deadline. Whatever ends a start
 * that has forked but not succeeded stops what it started (stop.c) and
 * removes the pidfile, and the lockfile if this run made it.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exitcodes.h"
#include "lock.h"
#include "pidfile.h"
#include "ready.h"
#include "report.h"
#include "signame.h"
#include "stop.h"
#include "watch.h"

#define STOP_GRACE_MS	2000	/* SIGTERM, then SIGKILL this much later */
#define EXIT_GRACE_MS	100	/* end of file on fd:N may beat the exit */

long
watch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
poll_ms(long from, long until)
{
	if (until == LONG_MAX)
		return -1;
	if (until <= from)
		return 0;
	return until - from > INT32_MAX ? INT32_MAX : (int)(until - from);
}

/* Wait for the first child; 0 as its status if already reaped. */
static int
reap(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR)
			return 0;	/* SIGCHLD ignored: reaped already */
	return status;
}

/* Stop everything this start made, then remove its files. */
static void
stop_all(struct watch *w)
{
	const struct launch *l = w->l;
	struct target t = {
		.pid = w->daemon > 0 ? w->daemon : w->child_reaped ? 0 :
		    w->child,
		.pidfd = w->pidfd,
		.pgid = w->child,	/* the group setsid() made */
		.reap = true,
	};

	(void)stop_target(&t, SIGTERM, STOP_GRACE_MS, STOP_GRACE_MS);
	if (!w->child_reaped && w->daemon != w->child) {
		(void)waitpid(w->child, NULL, WNOHANG);
		w->child_reaped = true;
	}
	if (l->pidfile != NULL)
		pidfile_clean(l->pidfile);
	if (l->lockfile != NULL && w->lock_created &&
	    (l->pidfile == NULL || strcmp(l->pidfile, l->lockfile) != 0))
		lock_remove(l->lockfile);
}

static int
interrupted(struct watch *w, int sig)
{
	char name[32];

	stop_all(w);
	msg("interrupted by %s; stopped '%s'", signame_format(sig, name,
	    sizeof(name)), w->l->opt->argv[0]);
	return 128 + sig;
}

static int
timed_out(struct watch *w)
{
	stop_all(w);
	msg("'%s' was not ready within %s seconds; stopped it",
	    w->l->opt->argv[0], w->l->opt->timeout_arg);
	return EXIT_TIMEOUT;
}

static int
cannot_watch(struct watch *w)
{
	msg("cannot watch '%s': %s", w->l->opt->argv[0], strerror(errno));
	stop_all(w);
	return EXIT_SETUP;
}

/* The signal that came, or 0. */
static int
take_signal(int sigfd)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

/*
 * No verdict and no word of the exec: the daemon's side was killed in
 * set-up, or the first child was before it forked. Say so, and remove the
 * pidfile it left if nobody holds it.
 */
static int
died_in_setup(const struct watch *w, int status)
{
	const struct launch *l = w->l;

	if (l->opt->forks == FORKS_TWO && WIFSIGNALED(status))
		msg("cannot detach: the first child was killed by signal %d",
		    WTERMSIG(status));
	else
		msg("cannot start '%s': set-up was cut short (killed?)",
		    l->opt->argv[0]);
	if (l->pidfile != NULL)
		pidfile_clean(l->pidfile);
	return EXIT_SETUP;
}

/* One record off the verdict pipe; false at end of file. */
static bool
read_verdict(struct watch *w)
{
	struct verdict v;
	ssize_t n;

	do
		n = read(w->report_fd, &v, sizeof(v));
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return false;
	if ((size_t)n != sizeof(v)) {
		w->cut = true;		/* records are written whole */
		return true;
	}
	w->last = v;
	w->any = true;
	if (v.step == STEP_EXECUTING) {
		w->daemon = v.pid;
		w->lock_created = v.err != 0;
	}
	return true;
}

/*
 * The verdict pipe reached end of file: every copy of it is closed, the
 * daemon's by its exec. 0 if the command runs, else the exit code.
 */
static int
verdict(struct watch *w)
{
	int status = 0;

	close(w->report_fd);
	w->report_fd = -1;
	if (w->daemon != w->child || !w->any || w->cut ||
	    w->last.step != STEP_EXECUTING) {
		status = reap(w->child);
		w->child_reaped = true;
	}
	if (!w->any || w->cut)
		return died_in_setup(w, status);
	if (w->last.step != STEP_EXECUTING)
		return report_explain(STDERR_FILENO, w->l, &w->last);
	return 0;
}

/* Until the verdict: 0 when the command runs, else the exit code. */
static int
await_exec(struct watch *w)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = w->report_fd, .events = POLLIN },
			{ .fd = w->sigfd, .events = POLLIN },
		};
		long now = watch_now();
		int sig;

		if (now >= w->deadline)
			return timed_out(w);
		if (poll(p, 2, poll_ms(now, w->deadline)) == -1 &&
		    errno != EINTR)
			return cannot_watch(w);
		if (p[1].revents != 0 && (sig = take_signal(w->sigfd)) != 0)
			return interrupted(w, sig);
		if (p[0].revents != 0 && !read_verdict(w))
			return verdict(w);
	}
}

/* The daemon ended before it was ready: say how. */
static int
ended(struct watch *w)
{
	const char *cmd = w->l->opt->argv[0];
	int status, r;

	while ((r = waitpid(w->daemon, &status, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		msg("'%s' ended before it was ready", cmd);
	else if (WIFSIGNALED(status))
		msg("'%s' was killed by signal %d before it was ready", cmd,
		    WTERMSIG(status));
	else
		msg("'%s' exited with status %d before it was ready", cmd,
		    WEXITSTATUS(status));
	stop_all(w);
	return EXIT_NOTREADY;
}

static bool
has_exited(const struct watch *w, int ms)
{
	struct pollfd p = { .fd = w->pidfd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static int
not_ready(struct watch *w, struct ready *r)
{
	/* Its exit may close the pipe an instant before it is seen. */
	if (has_exited(w, EXIT_GRACE_MS))
		return ended(w);
	ready_explain(r);
	stop_all(w);
	return EXIT_NOTREADY;
}

/* After the exec, with --wait: 0 once ready, else the exit code. */
static int
await_ready(struct watch *w, struct ready *r)
{
	size_t n = ready_nfds(r) + 2;
	struct pollfd *p = calloc(n, sizeof(*p));
	enum ready_state state = READY_WAITING;
	int rc = -1, sig;

	if (p == NULL)
		return cannot_watch(w);
	while (rc == -1) {
		long now = watch_now(), wake = w->deadline;
		size_t k;

		if (state == READY_MET)
			rc = 0;
		else if (state == READY_FAILED)
			rc = not_ready(w, r);
		else if (now >= w->deadline)
			rc = timed_out(w);
		if (rc != -1)
			break;
		p[0] = (struct pollfd){ .fd = w->sigfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = w->pidfd, .events = POLLIN };
		k = ready_poll(r, p + 2, now, &wake);
		if (poll(p, k + 2, poll_ms(now, wake)) == -1) {
			if (errno != EINTR)
				rc = cannot_watch(w);
			continue;
		}
		if (p[0].revents != 0 && (sig = take_signal(w->sigfd)) != 0)
			rc = interrupted(w, sig);
		else if (p[1].revents != 0)
			rc = ended(w);
		else
			state = ready_update(r, p + 2, watch_now(),
			    &w->deadline);
	}
	free(p);
	return rc;
}

int
watch_start(struct watch *w, struct ready *r)
{
	int rc;

	if ((rc = await_exec(w)) != 0 || r->n == 0)
		return rc;
	if ((w->pidfd = pidfd_open(w->daemon, 0)) == -1)
		return cannot_watch(w);
	if ((rc = ready_arm(r, w->daemon, w->child)) != 0) {
		stop_all(w);
		return rc;
	}
	if (w->l->opt->verbose)
		msg("waiting for '%s' to be ready", w->l->opt->argv[0]);
	if ((rc = await_ready(w, r)) == 0 && w->l->opt->verbose)
		msg("'%s' is ready", w->l->opt->argv[0]);
	return rc;
}
