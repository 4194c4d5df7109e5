/*
 * The resident supervisor. One event loop (loop.h) with its own table:
 *
 *   starting  a run is forked and in its set-up: its verdict pipe tells
 *             whether it was executed (end of file after STEP_EXECUTING)
 *             or why it could not be;
 *   running   the run was executed; its pidfd says when it ends;
 *   held      the first run ended while the caller still watched it (with
 *             --wait): the caller judges it, so nothing is restarted
 *             unless the caller lets go first;
 *   backoff   waiting out the restart delay.
 *
 * The caller lets go when it has read what it needed and exited: poll(2)
 * on our end of its verdict pipe then says POLLERR (no reader is left).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "command.h"
#include "compat.h"
#include "exitcodes.h"
#include "files.h"
#include "loop.h"
#include "msg.h"
#include "output.h"
#include "report.h"
#include "resident.h"
#include "restart.h"
#include "setup.h"
#include "supervise.h"

enum state { S_STARTING, S_RUNNING, S_HELD, S_BACKOFF, NSTATES };

/* By precedence: a signal first, output before the end of its run. */
enum event {
	E_SIGNAL, E_OUTPUT, E_VERDICT, E_EXIT, E_RELEASED, E_TIMER, NEVENTS
};

/* The signals a daemon is sent, forwarded to the run once each. */
static const int forwarded[] = {
	SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM, SIGINT, SIGQUIT, SIGTERM,
};

struct sup {
	struct launch *l;
	struct loop loop;
	pid_t self;
	int caller_fd;		/* the caller's verdict pipe; -1 once let go */
	int caller_src;
	int log_fd;		/* where our lines go, or -1 */
	int sigfd;
	int timer_src;
	struct output out;	/* --timestamps, --log-size: the relay */
	struct restart_state backoff;
	unsigned long runs;	/* started so far */
	bool stopping;		/* INT, QUIT or TERM came: no restart */
	int last_status;	/* of the last run that ended */
	/* The run at hand. */
	pid_t run;
	int run_pidfd, run_pipe;
	int pidfd_src, pipe_src;
	long long run_start;
	struct verdict why;	/* its failure verdict, if it sent one */
	bool executed;
};

/*
 * A line among the relayed output. A function of its own, not inlined, so
 * its buffer is not in say()'s frame: the stack a resident supervisor has
 * touched is memory it holds, and a plain line goes deep enough.
 */
static void __attribute__((noinline))
say_relayed(struct output *out, const char *fmt, va_list ap)
{
	char text[1024];

	(void)vsnprintf(text, sizeof(text), fmt, ap);
	output_message(out, text);
}

static void
say(struct sup *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct sup *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (s->out.relay != NULL) {
		say_relayed(&s->out, fmt, ap);
	} else if (s->log_fd >= 0) {
		vmsg_to(s->log_fd, fmt, ap);
	}
	va_end(ap);
}

static bool
same_inode_fd(const char *path, int fd)
{
	struct stat a, b;

	return fd >= 0 && stat(path, &a) == 0 && fstat(fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Supervision is over: the pidfile goes (if still ours), and so do we. */
static void __attribute__((noreturn))
finish(struct sup *s)
{
	const struct launch *l = s->l;
	int st = s->last_status;

	if (s->out.relay != NULL) {
		output_drain(&s->out);
		output_free(&s->out);
	}
	if (l->pidfile != NULL && same_inode_fd(l->pidfile, l->pid_fd))
		(void)unlink(l->pidfile);
	if (l->opt->forks != FORKS_NONE)
		_exit(0);
	_exit(WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
}

/* In the child: the per-run set-up, as a plain start runs it. */
static void __attribute__((noreturn))
run_child(struct sup *s, int report_fd, int out, int err)
{
	struct launch *l = s->l;

	if (s->out.relay != NULL) {
		/* The relay's pipes are the run's stdout and stderr. */
		l->out_fd = out;
		l->err_fd = err;
	}
	if (s->caller_fd >= 0)
		close(s->caller_fd);
	l->report_fd = report_fd;
	l->supervised = true;
	l->death_signal = SIGKILL;
	l->parent = s->self;
	if (s->runs > 1) {
		/* Readiness was the first run's business only. */
		if (l->notify_env != NULL)
			(void)unsetenv("NOTIFY_SOCKET");
		l->notify_env = NULL;
		/* --truncate empties the logs once, not each run's. */
		l->truncated = true;
		l->nready_fds = 0;
		if (l->opt->forks != FORKS_NONE)
			l->msg_fd = -1;
	}
	setup_exec(l);
}

/* Fork the next run; -1 with errno if it cannot even be forked. */
static int
spawn(struct sup *s)
{
	int fds[2], out = -1, err = -1, e;
	pid_t pid;

	s->runs++;
	if (s->out.relay != NULL && output_pipes(&s->out, &out, &err) == -1)
		return -1;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		e = errno;
		output_connect(&s->out, out, err);
		errno = e;
		return -1;
	}
	if ((pid = fork()) == -1) {
		e = errno;
		close(fds[0]);
		close(fds[1]);
		output_connect(&s->out, out, err);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(s, fds[1], out, err);
	}
	close(fds[1]);
	if (s->out.relay != NULL)
		output_connect(&s->out, out, err);
	s->run = pid;
	s->run_pipe = fds[0];
	s->run_pidfd = pidfd_open(pid, 0);
	s->run_start = clock_ms();
	s->executed = false;
	memset(&s->why, 0, sizeof(s->why));
	s->pipe_src = loop_add(&s->loop, LOOP_FD, s->run_pipe, E_VERDICT, NULL);
	s->pidfd_src = s->run_pidfd < 0 ? -1 :
	    loop_add(&s->loop, LOOP_FD, s->run_pidfd, E_EXIT, NULL);
	return 0;
}

/*
 * "'srv' exited with status 3", or why it could not be executed; then the
 * status to take as the run's (a run not executed ends as a start that
 * failed the same way would: 126, 127, 125).
 */
static int
describe_end(const struct sup *s, int status, char *buf, size_t size)
{
	const char *cmd = s->l->opt->argv[0];

	if (s->why.step != STEP_NONE && s->why.step != STEP_EXECUTING)
		return report_format(buf, size, s->l, &s->why) << 8;
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "'%s' killed by signal %d", cmd,
		    WTERMSIG(status));
	else
		snprintf(buf, size, "'%s' exited with status %d", cmd,
		    WEXITSTATUS(status));
	return status;
}

/* A run ended and the caller has let go: restart, or end. */
static int
after_run(struct sup *s, int status)
{
	char what[600], delay[32];
	long long run_ms = clock_ms() - s->run_start, ms = 0;

	/* The run's output first, then the line about its end. */
	if (s->out.relay != NULL)
		output_drain(&s->out);
	s->last_status = status = describe_end(s, status, what, sizeof(what));
	if (s->stopping) {
		say(s, "%s; not restarting", what);
		finish(s);
	}
	switch (restart_next(&s->l->opt->restart, &s->backoff, run_ms, status,
	    &ms)) {
	case RESTART_AFTER:
		restart_format_delay(ms, delay, sizeof(delay));
		say(s, "%s; restarting in %s", what, delay);
		loop_set_time(&s->loop, s->timer_src, clock_ms() + ms);
		return S_BACKOFF;
	case RESTART_NOT_WANTED:
		say(s, "%s; not restarting", what);
		break;
	case RESTART_GIVE_UP:
		say(s, "%s", what);
		say(s, "giving up on '%s' after %lld restarts",
		    s->l->opt->argv[0], s->backoff.count);
		break;
	}
	finish(s);
}

static void
forget_run(struct sup *s)
{
	loop_remove(&s->loop, s->pipe_src);
	loop_remove(&s->loop, s->pidfd_src);
	if (s->run_pipe >= 0)
		close(s->run_pipe);
	if (s->run_pidfd >= 0)
		close(s->run_pidfd);
	s->run_pipe = s->run_pidfd = -1;
	s->pipe_src = s->pidfd_src = -1;
	s->run = 0;
}

/* Reap the run; its wait(2) status. */
static int
reap_run(struct sup *s)
{
	int status = 0;

	while (waitpid(s->run, &status, 0) == -1 && errno == EINTR)
		;
	forget_run(s);
	return status;
}

/*
 * The first run could not be started: the caller hears it as from a plain
 * start, and nothing of this start is left (the run removed the logs).
 */
static void __attribute__((noreturn))
first_failed(struct sup *s)
{
	struct launch *l = s->l;

	(void)reap_run(s);
	l->report_fd = s->caller_fd;
	if (s->why.step == STEP_NONE) {
		/* Killed in its set-up: the caller says "cut short". */
		if (l->pidfile != NULL)
			(void)unlink(l->pidfile);
		_exit(EXIT_SETUP);
	}
	setup_fail(l, (enum step)s->why.step, s->why.err, s->why.pid,
	    s->why.arg);
}

/* The run's verdict pipe: a record, or end of file once it is settled. */
static int
on_verdict(void *ctx, const struct loop_event *ev)
{
	struct sup *s = ctx;
	struct verdict v;
	ssize_t n = read(s->run_pipe, &v, sizeof(v));

	if (n == -1 && errno == EINTR)
		return ev->state;
	if (n == (ssize_t)sizeof(v) && v.step == STEP_LOG_MADE) {
		/* The first run's logs: ours to undo, and the caller's. */
		if (s->runs == 1) {
			files_note(s->l, &v);
			if (s->caller_fd >= 0)
				report_send(s->caller_fd, &v);
		}
		return ev->state;
	}
	if (n == (ssize_t)sizeof(v)) {
		s->why = v;
		return ev->state;
	}
	loop_remove(&s->loop, s->pipe_src);
	s->pipe_src = -1;
	s->executed = s->why.step == STEP_EXECUTING && n == 0;
	if (!s->executed && s->runs == 1)
		first_failed(s);
	if (s->executed && s->runs == 1) {
		struct verdict go = { STEP_EXECUTING, 0, s->run, 0, 0, 0 };

		files_forget(s->l);
		if (s->caller_fd >= 0)
			report_send(s->caller_fd, &go);
		resident_shed_memory();
	}
	return S_RUNNING;
}

/*
 * The first run ended while the caller watches it: tell the caller how,
 * and leave it unreaped (a zombie still has its pidfd) until the caller
 * lets go.
 */
static int
hold(struct sup *s)
{
	struct verdict end = { STEP_RUN_ENDED, 0, 0, 0, 0, 0 };
	siginfo_t si;

	/* Its last words in the file before the caller reads them. */
	if (s->out.relay != NULL)
		output_drain(&s->out);
	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)s->run, &si, WEXITED | WNOWAIT) == -1 &&
	    errno == EINTR)
		;
	end.err = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 :
	    si.si_status & 0x7f;
	s->last_status = end.err;
	loop_remove(&s->loop, s->pidfd_src);
	s->pidfd_src = -1;
	report_send(s->caller_fd, &end);
	return S_HELD;
}

static int
on_run_end(void *ctx, const struct loop_event *ev)
{
	struct sup *s = ctx;
	int status;

	(void)ev;
	if (s->pipe_src >= 0)
		return ev->state;	/* its verdict first */
	/* Stopping, the caller hears how it ended, but nothing waits for it. */
	if (s->caller_fd >= 0 && hold(s) == S_HELD && !s->stopping)
		return S_HELD;
	status = reap_run(s);
	return after_run(s, status);
}

static bool
ends_supervision(int sig)
{
	return sig == SIGINT || sig == SIGQUIT || sig == SIGTERM;
}

static int
on_signal(void *ctx, const struct loop_event *ev)
{
	struct sup *s = ctx;
	/*
	 * With -f the run shares our process group: what the terminal sends
	 * (^C, ^\, a resize) reached it already, and must not come twice.
	 */
	bool had_it = s->l->opt->forks == FORKS_NONE && ev->code == SI_KERNEL;

	if (!had_it && s->run > 0 && s->run_pidfd >= 0)
		(void)pidfd_send_signal(s->run_pidfd, ev->signo, NULL, 0);
	else if (!had_it && s->run > 0)
		(void)kill(s->run, ev->signo);
	if (!ends_supervision(ev->signo))
		return ev->state;
	s->stopping = true;
	if (ev->state == S_BACKOFF || ev->state == S_HELD)
		finish(s);
	return ev->state;
}

/* The caller exited: from now on, we are on our own. */
static int
on_released(void *ctx, const struct loop_event *ev)
{
	struct sup *s = ctx;

	loop_remove(&s->loop, s->caller_src);
	close(s->caller_fd);
	s->caller_fd = -1;
	if (s->l->opt->forks != FORKS_NONE && s->l->msg_fd >= 0) {
		close(s->l->msg_fd);
		s->l->msg_fd = -1;
	}
	if (ev->state == S_HELD)
		return after_run(s, reap_run(s));
	return ev->state;
}

static int
on_timer(void *ctx, const struct loop_event *ev)
{
	struct sup *s = ctx;
	char what[600], delay[32];
	long long ms = 0;

	(void)ev;
	if (spawn(s) == 0)
		return S_STARTING;
	/* Not even forked: a failed run, as one that cannot execute. */
	s->why = (struct verdict){ STEP_FORK, errno, 0, 0, 0, 0 };
	s->last_status = describe_end(s, 0, what, sizeof(what));
	if (restart_next(&s->l->opt->restart, &s->backoff, 0, 1 << 8,
	    &ms) != RESTART_AFTER) {
		say(s, "%s", what);
		finish(s);
	}
	restart_format_delay(ms, delay, sizeof(delay));
	say(s, "%s; restarting in %s", what, delay);
	loop_set_time(&s->loop, s->timer_src, clock_ms() + ms);
	return S_BACKOFF;
}

static int
on_output(void *ctx, const struct loop_event *ev)
{
	struct sup *s = ctx;

	output_take(&s->out, ev);
	return ev->state;
}

static const loop_action actions[NSTATES][NEVENTS] = {
	[S_STARTING] = {
		[E_SIGNAL] = on_signal,
		[E_OUTPUT] = on_output,
		[E_VERDICT] = on_verdict,
		[E_EXIT] = on_run_end,
		[E_RELEASED] = on_released,
	},
	[S_RUNNING] = {
		[E_SIGNAL] = on_signal,
		[E_OUTPUT] = on_output,
		[E_EXIT] = on_run_end,
		[E_RELEASED] = on_released,
	},
	[S_HELD] = {
		[E_SIGNAL] = on_signal,
		[E_OUTPUT] = on_output,
		[E_RELEASED] = on_released,
	},
	[S_BACKOFF] = {
		[E_SIGNAL] = on_signal,
		[E_OUTPUT] = on_output,
		[E_TIMER] = on_timer,
	},
};

static int
catch_signals(void)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < nitems(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void
sup_init(struct sup *s, struct launch *l)
{
	memset(s, 0, sizeof(*s));
	s->l = l;
	s->self = getpid();
	s->caller_fd = l->report_fd;
	s->caller_src = s->timer_src = s->pipe_src = s->pidfd_src = -1;
	s->run_pipe = s->run_pidfd = -1;
	s->log_fd = l->err_fd >= 0 ? l->err_fd : l->out_fd;
	if (s->log_fd < 0 && l->opt->forks == FORKS_NONE)
		s->log_fd = l->msg_fd;
	loop_init(&s->loop, &actions[0][0], NSTATES, NEVENTS, S_STARTING, s);
}

/*
 * --truncate with the relay: the runs write into pipes, so the logs are
 * emptied here, once, as a plain start does just before its exec.
 */
static void
truncate_relayed(struct launch *l)
{
	struct stat st;

	if (l->out_fd >= 0 && fstat(l->out_fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && ftruncate(l->out_fd, 0) == -1)
		setup_fail(l, STEP_STDOUT_TRUNCATE, errno, 0, 0);
	if (l->err_fd >= 0 && l->err_fd != l->out_fd &&
	    fstat(l->err_fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    ftruncate(l->err_fd, 0) == -1)
		setup_fail(l, STEP_STDERR_TRUNCATE, errno, 0, 0);
}

void
supervise(struct launch *l)
{
	struct sup s;
	int rc, step;

	setup_logs(l);
	resident_leave_caller(l);
	sup_init(&s, l);
	if (l->opt->relay && l->opt->truncate && command_runnable(l->path))
		truncate_relayed(l);
	if (l->opt->relay && output_open(&s.out, l, &step) == -1)
		setup_fail(l, (enum step)step, errno, 0, 0);
	if ((s.sigfd = catch_signals()) == -1 ||
	    loop_add(&s.loop, LOOP_SIGNAL, s.sigfd, E_SIGNAL, NULL) == -1 ||
	    (s.timer_src = loop_add(&s.loop, LOOP_TIME, -1, E_TIMER,
	    NULL)) == -1 || (s.out.relay != NULL && loop_add_group(&s.loop,
	    &output_group, E_OUTPUT, &s.out) == -1) ||
	    (s.caller_fd >= 0 && (s.caller_src =
	    loop_add(&s.loop, LOOP_FD, s.caller_fd, E_RELEASED, NULL)) == -1))
		setup_fail(l, STEP_FORK, errno, 0, 0);
	if (spawn(&s) == -1)
		setup_fail(l, STEP_FORK, errno, 0, 0);
	/* The fd:N write ends were for the first run alone. */
	while (l->nready_fds > 0)
		close(l->ready_fds[--l->nready_fds]);
	rc = loop_run(&s.loop);
	/* The loop ends only by finish(); this is its failure. */
	say(&s, "cannot supervise '%s': %s", l->opt->argv[0],
	    strerror(rc == -1 ? errno : EINVAL));
	if (s.run > 0)
		(void)kill(s.run, SIGKILL);
	finish(&s);
}
