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
#include <unistd.h>

#include "clock.h"
#include "exitcodes.h"
#include "lock.h"
#include "msg.h"
#include "pidfile.h"
#include "proc.h"
#include "ready.h"
#include "report.h"
#include "signame.h"
#include "stop.h"
#include "watch.h"

#define STOP_GRACE_MS	2000	/* SIGTERM, then SIGKILL this much later */
#define EXIT_GRACE_MS	100	/* end of file on fd:N may beat the exit */
#define LINGER_MS	500	/* for systemd-notify's barrier */
#define SIDE_WAIT_MS	1000	/* for a killed set-up to finish dying */

static int
poll_ms(long long from, long long until)
{
	if (until == LLONG_MAX)
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

/* The files a failed start leaves: its pidfile, a lockfile it made. */
static void
remove_files(const struct watch *w)
{
	const struct launch *l = w->l;

	if (l->pidfile != NULL)
		pidfile_clean(l->pidfile);
	if (l->lockfile != NULL && !w->lock_existed &&
	    (l->pidfile == NULL || strcmp(l->pidfile, l->lockfile) != 0))
		lock_remove(l->lockfile);
	files_remove(l);
}

/*
 * Stop everything this start made, then remove its files. Processes are
 * signalled through pidfds where there are any, never by a number that
 * may have been reaped and reused.
 */
static void
stop_all(struct watch *w)
{
	struct target t = {
		.pid = 0,
		.pidfd = -1,
		.pgid = w->child,	/* the group setsid() made */
		.reap = true,
	};

	if (w->daemon > 0 && w->pidfd < 0)
		w->pidfd = pidfd_open(w->daemon, 0);
	if (w->pidfd >= 0) {
		t.pid = w->daemon;
		t.pidfd = w->pidfd;
	} else if (w->daemon <= 0 && w->side > 0 &&
	    (w->pidfd = pidfd_open(w->side, 0)) >= 0) {
		t.pid = w->side;
		t.pidfd = w->pidfd;
	} else if (w->daemon <= 0 && !w->child_reaped &&
	    (w->pidfd = pidfd_open(w->child, 0)) >= 0) {
		/* Not reaped yet, so the number is still the child's. */
		t.pid = w->child;
		t.pidfd = w->pidfd;
	}
	(void)stop_target(&t, SIGTERM, STOP_GRACE_MS, STOP_GRACE_MS);
	/* Ours left the group; as our orphans, they are our children now. */
	if (w->l->pidfile != NULL)
		(void)stop_lockers(w->l->pidfile, getpid(), SIGTERM,
		    STOP_GRACE_MS, STOP_GRACE_MS, false);
	if (!w->child_reaped && w->daemon != w->child) {
		(void)waitpid(w->child, NULL, WNOHANG);
		w->child_reaped = true;
	}
	remove_files(w);
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
	const char *secs = w->l->opt->timeout_arg;
	const char *unit = strcmp(secs, "1") == 0 ? "second" : "seconds";

	stop_all(w);
	if (w->executed)
		msg("'%s' was not ready within %s %s; stopped it",
		    w->l->opt->argv[0], secs, unit);
	else
		msg("'%s' did not start within %s %s; stopped it",
		    w->l->opt->argv[0], secs, unit);
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
	int pidfd;

	if (l->opt->forks == FORKS_TWO && WIFSIGNALED(status))
		msg("cannot detach: the first child was killed by signal %d",
		    WTERMSIG(status));
	else
		msg("cannot start '%s': set-up was cut short (killed?)",
		    l->opt->argv[0]);
	/* Its pipe closes before its locks are let go: wait for its end. */
	if (w->side > 0 && (pidfd = pidfd_open(w->side, 0)) >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		(void)poll(&p, 1, SIDE_WAIT_MS);
		close(pidfd);
	}
	remove_files(w);
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
	if (v.step == STEP_DETACHED) {
		w->side = v.pid;
		return true;
	}
	w->last = v;
	w->any = true;
	if (v.step == STEP_EXECUTING)
		w->daemon = v.pid;
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
		long long now = clock_ms();
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

/*
 * Who may still send BARRIER=1 after READY=1: the sender, if not the
 * daemon; else a systemd-notify the daemon runs, which (as root) sends
 * READY=1 in the daemon's name.
 */
static pid_t
barrier_sender(const struct watch *w, const struct ready *r)
{
	if (r->ready_sender > 0 && r->ready_sender != w->daemon)
		return r->ready_sender;
	return proc_find_child(w->daemon, "systemd-notify");
}

/*
 * systemd-notify(1) sends READY=1, then BARRIER=1 with a descriptor, and
 * waits until that is closed; were the socket gone first, it would fail.
 * So read on, briefly, until the barrier or the sender's exit.
 */
static void
linger(struct watch *w, struct ready *r)
{
	long long now = clock_ms(), until = now + LINGER_MS;
	pid_t sender;
	int pidfd;

	if (r->notify_fd < 0 || r->barrier ||
	    (sender = barrier_sender(w, r)) <= 0 ||
	    (pidfd = pidfd_open(sender, 0)) == -1)
		return;
	while (!r->barrier && now < until) {
		struct pollfd p[2] = {
			{ .fd = r->notify_fd, .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};

		if (poll(p, 2, poll_ms(now, until)) == -1 && errno != EINTR)
			break;
		if (p[0].revents != 0)
			ready_notify_read(r, clock_ms(), &w->deadline);
		else if (p[1].revents != 0)
			break;
		now = clock_ms();
	}
	close(pidfd);
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
		long long now = clock_ms(), wake = w->deadline;
		size_t k;

		if (state == READY_MET) {
			linger(w, r);
			rc = 0;
		}
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
			state = ready_update(r, p + 2, clock_ms(),
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
	w->executed = true;
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
