/* loop.c: the event loop, driven by pipes, timers, signals and a pidfd. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/clock.h"
#include "../../src/loop.h"
#include "unit.h"

enum { S_A, S_B, NSTATES };
enum { E_SIG, E_PIPE, E_PIPE2, E_TIMER, E_CHILD, E_GROUP, E_TIME, NEVENTS };

/* What the actions saw, and what they are to do. */
struct ctx {
	char seen[32];		/* one letter per action taken */
	size_t nseen;
	int fd2;		/* a second pipe, for adding a source */
	int time_src;
	int pipe_calls;
	uint64_t ticks;
	int signo;
	int group_fd;
	size_t group_npfd;
	short group_revents;
	bool group_woken;
};

static void
see(struct ctx *c, char what)
{
	if (c->nseen < sizeof(c->seen) - 1)
		c->seen[c->nseen++] = what;
}

/* A byte off the pipe: the exit code. */
static int
read_byte(void *ctx, const struct loop_event *ev)
{
	unsigned char b = 0;

	see(ctx, 'p');
	if (read(ev->fd, &b, 1) != 1)
		return LOOP_EXIT(99);
	return LOOP_EXIT(b);
}

static int
to_b(void *ctx, const struct loop_event *ev)
{
	struct ctx *c = ctx;

	see(c, 's');
	c->signo = ev->signo;
	return S_B;
}

/* In S_B: a byte off the pipe, and on. */
static int
note_pipe(void *ctx, const struct loop_event *ev)
{
	unsigned char b;

	see(ctx, 'p');
	return read(ev->fd, &b, 1) == 1 ? S_B : LOOP_EXIT(93);
}

static int
time_in_b(void *ctx, const struct loop_event *ev)
{
	(void)ev;
	see(ctx, 'B');
	return LOOP_EXIT(8);
}

static int
timer_fired(void *ctx, const struct loop_event *ev)
{
	struct ctx *c = ctx;

	see(c, 't');
	c->ticks = ev->ticks;
	return LOOP_EXIT(0);
}

static int
time_came(void *ctx, const struct loop_event *ev)
{
	(void)ev;
	see(ctx, 'T');
	return LOOP_EXIT(3);
}

/* Take the pipe's source away and add the second pipe's. */
static int
swap_source(void *ctx, const struct loop_event *ev)
{
	struct ctx *c = ctx;

	see(c, 'w');
	c->pipe_calls++;
	loop_remove(ev->loop, ev->src);
	if (loop_add(ev->loop, LOOP_FD, c->fd2, E_PIPE2, NULL) == -1)
		return LOOP_EXIT(98);
	return ev->state;
}

static int
child_ended(void *ctx, const struct loop_event *ev)
{
	int status;

	(void)ev;
	see(ctx, 'c');
	if (waitpid((pid_t)(intptr_t)ev->data, &status, 0) == -1)
		return LOOP_EXIT(97);
	return LOOP_EXIT(WEXITSTATUS(status));
}

/* The group: first woken by its time, then by its descriptor. */
static int
group_event(void *ctx, const struct loop_event *ev)
{
	struct ctx *c = ctx;
	unsigned char b;

	c->group_npfd = ev->npfd;
	c->group_revents = ev->npfd == 1 ? ev->pfd[0].revents : -1;
	if (c->group_revents == 0) {
		see(c, 'g');
		if (write(c->fd2, "x", 1) != 1)
			return LOOP_EXIT(96);
		return ev->state;
	}
	see(c, 'G');
	if (read(c->group_fd, &b, 1) != 1)
		return LOOP_EXIT(95);
	return LOOP_EXIT(6);
}

/* Move the time source to now. */
static int
set_time_now(void *ctx, const struct loop_event *ev)
{
	struct ctx *c = ctx;
	unsigned char b;

	see(c, 'm');
	if (read(ev->fd, &b, 1) != 1)
		return LOOP_EXIT(94);
	loop_set_time(ev->loop, c->time_src, ev->now);
	return ev->state;
}

static int
bad_state(void *ctx, const struct loop_event *ev)
{
	(void)ctx;
	(void)ev;
	return NSTATES;
}

static size_t
group_nfds(void *data)
{
	(void)data;
	return 1;
}

static size_t
group_fill(void *data, struct pollfd *p, long long now, long long *wake)
{
	struct ctx *c = data;

	p[0] = (struct pollfd){ .fd = c->group_fd, .events = POLLIN };
	if (!c->group_woken) {
		c->group_woken = true;
		*wake = now + 10;
	}
	return 1;
}

static const struct loop_group group = { group_nfds, group_fill };

/* Which action each event takes, by state; one table for every case. */
static const loop_action table[NSTATES][NEVENTS] = {
	[S_A] = {
		[E_SIG] = to_b,
		[E_PIPE2] = read_byte,
		[E_TIMER] = timer_fired,
		[E_CHILD] = child_ended,
		[E_GROUP] = group_event,
		[E_TIME] = time_came,
	},
	[S_B] = {
		[E_PIPE2] = note_pipe,
		[E_TIME] = time_in_b,
	},
};

/* The same, but a pipe swaps its source or moves the time. */
static const loop_action swapping[NSTATES][NEVENTS] = {
	[S_A] = {
		[E_PIPE] = swap_source,
		[E_PIPE2] = read_byte,
		[E_TIME] = time_came,
	},
};

static const loop_action moving[NSTATES][NEVENTS] = {
	[S_A] = {
		[E_PIPE] = set_time_now,
		[E_TIME] = time_came,
	},
};

static const loop_action broken[NSTATES][NEVENTS] = {
	[S_A] = { [E_PIPE] = bad_state },
};

struct fixture {
	struct ctx c;
	struct loop lp;
	int p[2], q[2];
};

static bool
setup(struct fixture *f, const loop_action (*t)[NEVENTS])
{
	memset(f, 0, sizeof(*f));
	f->c.time_src = -1;
	loop_init(&f->lp, &t[0][0], NSTATES, NEVENTS, S_A, &f->c);
	if (pipe2(f->p, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    pipe2(f->q, O_CLOEXEC | O_NONBLOCK) == -1)
		return false;
	f->c.fd2 = f->q[0];
	return true;
}

static void
teardown(struct fixture *f)
{
	loop_free(&f->lp);
	close(f->p[0]);
	close(f->p[1]);
	close(f->q[0]);
	close(f->q[1]);
}

static bool
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* The cases. Each returns whether it held. */

static bool
pipe_byte_is_the_code(struct fixture *f)
{
	loop_add(&f->lp, LOOP_FD, f->q[0], E_PIPE2, NULL);
	return write(f->q[1], "\7", 1) == 1 && loop_run(&f->lp) == 7 &&
	    strcmp(f->c.seen, "p") == 0;
}

static bool
timerfd_fires(struct fixture *f)
{
	struct itimerspec its = { .it_value = { 0, 20 * 1000000 } };
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	long long began = clock_ms();
	bool ok;

	if (t == -1 || timerfd_settime(t, 0, &its, NULL) == -1)
		return false;
	loop_add(&f->lp, LOOP_TIMER, t, E_TIMER, NULL);
	ok = loop_run(&f->lp) == 0 && f->c.ticks >= 1 &&
	    clock_ms() - began >= 19 && strcmp(f->c.seen, "t") == 0;
	close(t);
	return ok;
}

/*
 * A signal, a pipe and a due time in one wake-up: taken by event number,
 * each by the entry of the state the one before left (S_B's).
 */
static bool
one_wakeup_in_order(struct fixture *f)
{
	sigset_t set;
	int sfd, t;
	bool ok;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		return false;
	t = loop_add(&f->lp, LOOP_TIME, -1, E_TIME, NULL);
	loop_set_time(&f->lp, t, clock_ms());
	loop_add(&f->lp, LOOP_FD, f->q[0], E_PIPE2, NULL);
	loop_add(&f->lp, LOOP_SIGNAL, sfd, E_SIG, NULL);
	ok = write(f->q[1], "x", 1) == 1 && raise(SIGUSR1) == 0 &&
	    loop_run(&f->lp) == 8 && f->c.signo == SIGUSR1 &&
	    strcmp(f->c.seen, "spB") == 0;
	close(sfd);
	return ok;
}

/* In S_A nothing takes E_PIPE: the pipe is not polled, the time ends it. */
static bool
null_entry_not_polled(struct fixture *f)
{
	int t = loop_add(&f->lp, LOOP_TIME, -1, E_TIME, NULL);

	loop_set_time(&f->lp, t, clock_ms() + 10);
	loop_add(&f->lp, LOOP_FD, f->p[0], E_PIPE, NULL);
	return write(f->p[1], "x", 1) == 1 && loop_run(&f->lp) == 3 &&
	    strcmp(f->c.seen, "T") == 0 && readable(f->p[0]);
}

/* An action removes its own source and adds another, read next round. */
static bool
sources_come_and_go(struct fixture *f)
{
	int t = loop_add(&f->lp, LOOP_TIME, -1, E_TIME, NULL);

	loop_set_time(&f->lp, t, clock_ms() + 5000);
	loop_add(&f->lp, LOOP_FD, f->p[0], E_PIPE, NULL);
	return write(f->p[1], "x", 1) == 1 && write(f->q[1], "\4", 1) == 1 &&
	    loop_run(&f->lp) == 4 && f->c.pipe_calls == 1 &&
	    strcmp(f->c.seen, "wp") == 0 && readable(f->p[0]);
}

static bool
pidfd_of_a_child(struct fixture *f)
{
	pid_t pid = fork();
	int pfd;
	bool ok;

	if (pid == 0)
		_exit(4);
	if (pid == -1 || (pfd = pidfd_open(pid, 0)) == -1)
		return false;
	loop_add(&f->lp, LOOP_FD, pfd, E_CHILD, (void *)(intptr_t)pid);
	ok = loop_run(&f->lp) == 4 && strcmp(f->c.seen, "c") == 0;
	close(pfd);
	return ok;
}

/* A group is woken at the time it asks, then by its descriptor. */
static bool
group_time_then_fd(struct fixture *f)
{
	f->c.group_fd = f->q[0];
	f->c.fd2 = f->q[1];
	loop_add_group(&f->lp, &group, E_GROUP, &f->c);
	return loop_run(&f->lp) == 6 && strcmp(f->c.seen, "gG") == 0 &&
	    f->c.group_npfd == 1 && (f->c.group_revents & POLLIN);
}

static bool
set_time_moves_it(struct fixture *f)
{
	long long began = clock_ms();

	f->c.time_src = loop_add(&f->lp, LOOP_TIME, -1, E_TIME, NULL);
	loop_set_time(&f->lp, f->c.time_src, began + 60000);
	loop_add(&f->lp, LOOP_FD, f->p[0], E_PIPE, NULL);
	return write(f->p[1], "x", 1) == 1 && loop_run(&f->lp) == 3 &&
	    strcmp(f->c.seen, "mT") == 0 && clock_ms() - began < 5000;
}

static bool
nothing_to_wait_for(struct fixture *f)
{
	/* A time never set and a pipe nobody takes in S_A. */
	loop_add(&f->lp, LOOP_TIME, -1, E_TIME, NULL);
	loop_add(&f->lp, LOOP_FD, f->p[0], E_PIPE, NULL);
	return loop_run(&f->lp) == -1 && errno == EDEADLK;
}

static bool
no_such_state(struct fixture *f)
{
	loop_add(&f->lp, LOOP_FD, f->p[0], E_PIPE, NULL);
	return write(f->p[1], "x", 1) == 1 && loop_run(&f->lp) == -1 &&
	    errno == EINVAL;
}

static const struct {
	const char *what;
	const loop_action (*table)[NEVENTS];
	bool (*run)(struct fixture *);
} cases[] = {
	{ "a pipe's byte ends the loop as its code", table,
	    pipe_byte_is_the_code },
	{ "a timerfd fires after its time", table, timerfd_fires },
	{ "signal, pipe and time of one wake-up: by event, state carried",
	    table, one_wakeup_in_order },
	{ "a NULL entry's source is not polled", table,
	    null_entry_not_polled },
	{ "an action removes its source and adds another", swapping,
	    sources_come_and_go },
	{ "a child's pidfd", table, pidfd_of_a_child },
	{ "a group: woken at its time, then by its descriptor", table,
	    group_time_then_fd },
	{ "loop_set_time() moves a time", moving, set_time_moves_it },
	{ "nothing to wait for: EDEADLK", table, nothing_to_wait_for },
	{ "an action returning no state: EINVAL", broken, no_such_state },
};

int
main(void)
{
	struct fixture f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = setup(&f, cases[i].table) && cases[i].run(&f);

		unit_check(ok, "%s (saw \"%s\")", cases[i].what, f.c.seen);
		teardown(&f);
	}
	return unit_done();
}
