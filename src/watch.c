/*
 * The caller's side after the fork, as a user of the event loop: the
 * verdict pipe, the signalfd of the interrupts start.c catches (SIGHUP,
 * SIGINT, SIGTERM, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2), and with --wait
 * the daemon's pidfd, the readiness sources and the deadline, through the
 * table of states and events below. Whatever ends a start that has forked
 * but not succeeded stops what it started (stop.c) and removes the
 * pidfile, and the lockfile if this run made it.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "exitcodes.h"
#include "lock.h"
#include "loop.h"
#include "msg.h"
#include "pidfile.h"
#include "proc.h"
#include "ready.h"
#include "report.h"
#include "signame.h"
#include "stop.h"
#include "tail.h"
#include "watch.h"

#define STOP_GRACE_MS	2000	/* SIGTERM, then SIGKILL this much later */
#define EXIT_GRACE_MS	100	/* end of file on fd:N may beat the exit */
#define LINGER_MS	500	/* for systemd-notify's barrier */
#define SIDE_WAIT_MS	1000	/* for a killed set-up to finish dying */

enum state {
	S_VERDICT,	/* until the exec, or the failed step */
	S_READY,	/* --wait: the command runs; until it is ready */
	S_GONE,		/* it exited: one more look at readiness, then judge */
	S_FAILING,	/* it said it failed: its exit may be a moment behind */
	S_LINGER,	/* ready: until systemd-notify's barrier */
	NSTATES
};

/* By precedence: what comes in one wake-up is taken in this order. */
enum event {
	E_SIGNAL,	/* an interrupt */
	E_VERDICT,	/* a record, or end of file, on the verdict pipe */
	E_READY,	/* readiness progress: a source to read, a probe due */
	E_SENDER,	/* the barrier's sender exited */
	E_EXIT,		/* the daemon exited */
	E_JUDGE,	/* the time set for the next step came */
	E_DEADLINE,	/* --timeout */
	NEVENTS
};

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

static void
note_record(struct watch *w, const struct verdict *v)
{
	if (v->step == STEP_DETACHED) {
		w->side = v->pid;
		return;
	}
	if (v->step == STEP_RUN_ENDED) {
		w->run_ended = true;
		w->run_status = v->err;
		return;
	}
	if (v->step == STEP_LOG_MADE) {
		files_note(w->l, v);
		return;
	}
	w->last = *v;
	w->any = true;
	if (v->step == STEP_EXECUTING) {
		w->daemon = v->pid;
		files_hand_over(w->l);
	}
	if (v->step == STEP_EXECUTING && w->l->opt->supervise)
		w->settled = true;
}

/*
 * The records waiting on the verdict pipe (our end does not block); false
 * at end of file, or when none is waiting.
 */
static bool
read_records(struct watch *w)
{
	struct verdict v[4];
	ssize_t n;
	size_t i;

	do
		n = read(w->report_fd, v, sizeof(v));
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return false;
	for (i = 0; i < (size_t)n / sizeof(v[0]); i++)
		note_record(w, &v[i]);
	/* Records are written whole: a part means the writer was cut off. */
	if ((size_t)n % sizeof(v[0]) != 0)
		w->cut = true;
	return true;
}

/* Every record written so far: who detached, and who runs. */
static void
drain_records(struct watch *w)
{
	if (w->report_fd >= 0)
		while (read_records(w))
			;
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

	drain_records(w);
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

	/* Its log as it was, not what it says while being stopped. */
	if (w->executed)
		tail_take(&w->tail);
	stop_all(w);
	if (w->executed)
		msg("'%s' was not ready within %s %s; stopped it",
		    w->l->opt->argv[0], secs, unit);
	else
		msg("'%s' did not start within %s %s; stopped it",
		    w->l->opt->argv[0], secs, unit);
	tail_show(&w->tail, STDERR_FILENO);
	return EXIT_TIMEOUT;
}

static int
cannot_watch(struct watch *w)
{
	msg("cannot watch '%s': %s", w->l->opt->argv[0], strerror(errno));
	stop_all(w);
	return EXIT_SETUP;
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

/*
 * The verdict pipe reached end of file: every copy of it is closed, the
 * daemon's by its exec. 0 if the command runs, else the exit code.
 */
static int
verdict(struct watch *w)
{
	int status = 0;

	/* A supervisor learns from its end that we are done: keep it. */
	if (!w->settled) {
		close(w->report_fd);
		w->report_fd = -1;
	}
	/* With -1, the first child is the supervisor, which stays. */
	if (w->settled && w->l->opt->forks == FORKS_ONE) {
		w->child_reaped = true;
	} else if (w->daemon != w->child || !w->any || w->cut ||
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

/*
 * How the daemon ended: 0 with *status, or -1. A supervised run is its
 * supervisor's child: that one tells, over the verdict pipe.
 */
static int
end_status(struct watch *w, int *status)
{
	struct pollfd p = { .fd = w->report_fd, .events = POLLIN };
	long long until = clock_ms() + SIDE_WAIT_MS, now;

	if (!w->settled) {
		int r;

		while ((r = waitpid(w->daemon, status, 0)) == -1 &&
		    errno == EINTR)
			;
		return r == -1 ? -1 : 0;
	}
	while (!w->run_ended && (now = clock_ms()) < until &&
	    poll(&p, 1, (int)(until - now)) >= 0) {
		if (p.revents == 0)
			continue;
		drain_records(w);
		if (p.revents & POLLHUP)
			break;
	}
	*status = w->run_status;
	return w->run_ended ? 0 : -1;
}

/* The daemon ended before it was ready: say how, and its last words. */
static int
ended(struct watch *w)
{
	const char *cmd = w->l->opt->argv[0];
	int status = 0, r;

	r = end_status(w, &status);
	tail_take(&w->tail);
	if (r == -1)
		msg("'%s' ended before it was ready", cmd);
	else if (WIFSIGNALED(status))
		msg("'%s' was killed by signal %d before it was ready", cmd,
		    WTERMSIG(status));
	else
		msg("'%s' exited with status %d before it was ready", cmd,
		    WEXITSTATUS(status));
	tail_show(&w->tail, STDERR_FILENO);
	stop_all(w);
	return EXIT_NOTREADY;
}

/* It reported failure and still runs: say so, and its last words. */
static int
not_ready(struct watch *w)
{
	tail_take(&w->tail);
	ready_explain(w->r);
	tail_show(&w->tail, STDERR_FILENO);
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
	if (w->children_fd >= 0)
		return proc_child_in(w->children_fd, "systemd-notify");
	return proc_find_child(w->daemon, "systemd-notify");
}

/*
 * Ready. systemd-notify(1) sends READY=1, then BARRIER=1 with a
 * descriptor, and waits until that is closed; were the socket gone first,
 * it would fail. So read on, briefly, until the barrier or the sender's
 * exit.
 */
static int
linger(struct watch *w, struct loop *lp, long long now)
{
	struct ready *r = w->r;
	pid_t sender;

	if (r->notify_fd < 0 || r->barrier ||
	    (sender = barrier_sender(w, r)) <= 0 ||
	    (w->sender_fd = pidfd_open(sender, 0)) == -1 ||
	    loop_add(lp, LOOP_FD, w->sender_fd, E_SENDER, NULL) == -1)
		return LOOP_EXIT(0);
	loop_set_time(lp, w->judge_src, now + LINGER_MS);
	return S_LINGER;
}

static size_t
group_nfds(void *data)
{
	return ready_nfds(data);
}

static size_t
group_fill(void *data, struct pollfd *p, long long now, long long *wake_ms)
{
	return ready_poll(data, p, now, wake_ms);
}

static const struct loop_group ready_group = { group_nfds, group_fill };

/* The command runs: watch it, its readiness and the time left. */
static int
arm(struct watch *w, struct loop *lp)
{
	int rc;

	w->executed = true;
	if ((w->pidfd = pidfd_open(w->daemon, 0)) == -1)
		return LOOP_EXIT(cannot_watch(w));
	if ((rc = ready_arm(w->r, w->daemon, w->child)) != 0) {
		stop_all(w);
		return LOOP_EXIT(rc);
	}
	/* Now, while the command starts, not once it is ready: see linger. */
	if (w->r->notify_fd >= 0)
		w->children_fd = proc_children_open(w->daemon);
	if (loop_add_group(lp, &ready_group, E_READY, w->r) == -1 ||
	    loop_add(lp, LOOP_FD, w->pidfd, E_EXIT, NULL) == -1 ||
	    (w->judge_src = loop_add(lp, LOOP_TIME, -1, E_JUDGE, NULL)) == -1)
		return LOOP_EXIT(cannot_watch(w));
	if (w->l->opt->verbose)
		msg("waiting for '%s' to be ready", w->l->opt->argv[0]);
	return S_READY;
}

/* The actions of the table, each one step. */

static int
on_signal(void *ctx, const struct loop_event *ev)
{
	return LOOP_EXIT(interrupted(ctx, ev->signo));
}

static int
on_record(void *ctx, const struct loop_event *ev)
{
	struct watch *w = ctx;
	int rc;

	drain_records(w);
	/* Supervised, the record of the exec settles it; else the end. */
	if ((!w->settled || w->cut) &&
	    !(ev->revents & (POLLHUP | POLLERR | POLLNVAL)))
		return ev->state;
	loop_remove(ev->loop, ev->src);
	if ((rc = verdict(w)) != 0 || w->r->n == 0)
		return LOOP_EXIT(rc);
	return arm(w, ev->loop);
}

static int
on_progress(void *ctx, const struct loop_event *ev)
{
	struct watch *w = ctx;
	enum ready_state rs = ready_update(w->r, ev->pfd, ev->now,
	    &w->deadline);

	/* EXTEND_TIMEOUT_USEC may have moved it. */
	loop_set_time(ev->loop, w->deadline_src, w->deadline);
	if (rs == READY_MET)
		return linger(w, ev->loop, ev->now);
	if (rs == READY_FAILED) {
		loop_set_time(ev->loop, w->judge_src, ev->now + EXIT_GRACE_MS);
		return S_FAILING;
	}
	return ev->state;
}

/*
 * Its exit may be seen before what it wrote just before (ready, then
 * gone): one more round reads the readiness sources before judging.
 */
static int
on_exit_seen(void *ctx, const struct loop_event *ev)
{
	struct watch *w = ctx;

	loop_set_time(ev->loop, w->judge_src, ev->now);
	return S_GONE;
}

static int
on_ended(void *ctx, const struct loop_event *ev)
{
	(void)ev;
	return LOOP_EXIT(ended(ctx));
}

static int
on_not_ready(void *ctx, const struct loop_event *ev)
{
	(void)ev;
	return LOOP_EXIT(not_ready(ctx));
}

static int
on_timeout(void *ctx, const struct loop_event *ev)
{
	(void)ev;
	return LOOP_EXIT(timed_out(ctx));
}

static int
on_barrier(void *ctx, const struct loop_event *ev)
{
	struct watch *w = ctx;

	(void)ready_update(w->r, ev->pfd, ev->now, &w->deadline);
	return w->r->barrier ? LOOP_EXIT(0) : ev->state;
}

static int
on_lingered(void *ctx, const struct loop_event *ev)
{
	(void)ctx;
	(void)ev;
	return LOOP_EXIT(0);
}

/*
 * What each event means in each state; a missing one is not polled there
 * (lingering, an interrupt waits until the start is done).
 */
static const loop_action actions[NSTATES][NEVENTS] = {
	[S_VERDICT] = {
		[E_SIGNAL] = on_signal,
		[E_VERDICT] = on_record,
		[E_DEADLINE] = on_timeout,
	},
	[S_READY] = {
		[E_SIGNAL] = on_signal,
		[E_READY] = on_progress,
		[E_EXIT] = on_exit_seen,
		[E_DEADLINE] = on_timeout,
	},
	[S_GONE] = {
		[E_SIGNAL] = on_signal,
		[E_READY] = on_progress,
		[E_JUDGE] = on_ended,
		[E_DEADLINE] = on_ended,
	},
	[S_FAILING] = {
		[E_SIGNAL] = on_signal,
		[E_EXIT] = on_ended,
		[E_JUDGE] = on_not_ready,
	},
	[S_LINGER] = {
		[E_READY] = on_barrier,
		[E_SENDER] = on_lingered,
		[E_JUDGE] = on_lingered,
	},
};

void
watch_init(struct watch *w, struct launch *l, const struct ready *r,
    long long deadline)
{
	const struct options *o = l->opt;

	memset(w, 0, sizeof(*w));
	w->l = l;
	w->report_fd = w->sigfd = w->pidfd = w->sender_fd = -1;
	w->children_fd = -1;
	w->deadline_src = w->judge_src = -1;
	w->deadline = deadline;
	tail_init(&w->tail);
	/* Only a start that waits can fail after the exec. */
	if (r->n > 0)
		tail_mark(&w->tail, l->err != NULL ? l->err : l->out,
		    o->truncate, o->user != NULL ? l->user.uid : geteuid());
}

int
watch_start(struct watch *w, struct ready *r)
{
	struct loop *lp = &w->loop;
	int rc;

	w->r = r;
	loop_init(lp, &actions[0][0], NSTATES, NEVENTS, S_VERDICT, w);
	/*
	 * Unsupervised, the verdict is whole only at the pipe's end (the
	 * exec closes it), so nothing before wakes us: a start then costs
	 * the one wake-up. A supervisor keeps its end; its record settles.
	 */
	if (loop_add(lp, LOOP_SIGNAL, w->sigfd, E_SIGNAL, NULL) == -1 ||
	    loop_add(lp, w->l->opt->supervise ? LOOP_FD : LOOP_HUP,
	    w->report_fd, E_VERDICT, NULL) == -1 ||
	    (w->deadline != LLONG_MAX && (w->deadline_src =
	    loop_add(lp, LOOP_TIME, -1, E_DEADLINE, NULL)) == -1))
		return cannot_watch(w);
	loop_set_time(lp, w->deadline_src, w->deadline);
	if ((rc = loop_run(lp)) == -1)
		rc = cannot_watch(w);
	if (rc == 0 && r->n > 0 && w->l->opt->verbose)
		msg("'%s' is ready", w->l->opt->argv[0]);
	return rc;
}

void
watch_free(struct watch *w)
{
	if (w->report_fd >= 0)
		close(w->report_fd);
	if (w->pidfd >= 0)
		close(w->pidfd);
	if (w->sender_fd >= 0)
		close(w->sender_fd);
	if (w->children_fd >= 0)
		close(w->children_fd);
	tail_free(&w->tail);
	loop_free(&w->loop);
	w->report_fd = w->pidfd = w->sender_fd = w->children_fd = -1;
}
