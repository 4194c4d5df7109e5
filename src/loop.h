/*
 * The one event loop: poll(2) over descriptors (pipes, sockets, pidfds,
 * signalfds, timerfds), times without a descriptor, and groups of
 * descriptors another module polls itself, driven by a state x event table
 * its user supplies, as s6-supervise's actions[state][event].
 *
 * A user plugs in with:
 *  - an enum of states and an enum of events. Events are numbered by
 *    precedence: of several that one wake-up brings, the lower number is
 *    taken first (a signal before a record, readiness before an exit);
 *  - a table, loop_action table[NSTATES][NEVENTS]. An action returns the
 *    next state, or LOOP_EXIT(code) to end loop_run() with that code. A
 *    NULL entry means the event does not matter in that state: its sources
 *    are not even polled there, so what they hold waits (or is dropped
 *    with the source) instead of waking the loop;
 *  - sources, each with its kind, its event (the table's column) and its
 *    data, added and removed at any time, from actions too. A source
 *    added during a wake-up is first polled in the next.
 *
 * Polling is level-triggered: an action must take what woke it (read the
 * pipe, reap the process), remove the source, or move to a state where the
 * event's entry is NULL; else the loop wakes at once, again and again. The
 * loop owns no descriptor: its user opens and closes them.
 *
 * The caller's watch of a start (watch.c) is the first user: states
 * "awaiting the verdict", "awaiting readiness", "the daemon is gone",
 * "failing", "lingering for the barrier". A resident supervisor is a
 * second user with its own table, say states "running", "backing off",
 * "stopping" and events "signal" (a signalfd: forward it, or stop),
 * "command ended" (the pidfd of each run, added at its spawn and removed
 * once reaped), "back-off over" (a timerfd, or a LOOP_TIME source) and
 * "output" (the relay pipes of the command's stdout and stderr).
 */
#ifndef DAEMONIZE_LOOP_H
#define DAEMONIZE_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum loop_kind {
	LOOP_FD,	/* readable (a pipe, a socket; a pidfd whose
			 * process ended): the action reads it */
	LOOP_HUP,	/* a pipe's read end, polled for its hang-up only
			 * (every writer gone): what was written before
			 * wakes nobody, and the action reads it all */
	LOOP_SIGNAL,	/* a non-blocking signalfd: the loop reads one
			 * signal for each event (ev->signo) */
	LOOP_TIMER,	/* a non-blocking timerfd: the loop reads its
			 * expirations (ev->ticks) */
	LOOP_TIME,	/* no descriptor: once, when clock_ms() reaches the
			 * time set (loop_set_time() sets it again) */
	LOOP_GROUP,	/* descriptors and wake-ups of another module (see
			 * struct loop_group) */
};

struct loop;

struct loop_event {
	struct loop *loop;
	int state;		/* the row the action was found in */
	int event;		/* its column: the source's event */
	int src;		/* the source's handle */
	void *data;		/* the source's data */
	int fd;			/* its descriptor, or -1 */
	short revents;		/* what poll(2) said of it */
	int signo;		/* LOOP_SIGNAL: the signal that came, */
	int code;		/* and its si_code (SI_USER, SI_KERNEL...) */
	uint64_t ticks;		/* LOOP_TIMER: expirations since the last */
	long long now;		/* clock_ms() after the poll */
	struct pollfd *pfd;	/* LOOP_GROUP: what its fill() put there, */
	size_t npfd;		/* with the revents poll(2) set */
};

/* The next state, or LOOP_EXIT(code) for code 0 to 255. */
typedef int (*loop_action)(void *ctx, const struct loop_event *ev);

#define LOOP_EXIT(code)	(-1 - (code))

/*
 * A module that polls a changing set of descriptors itself (readiness:
 * ready_poll() and ready_update()). Its event comes when any of them has
 * revents, or when the time it asked to be woken at has come.
 */
struct loop_group {
	/* At most how many pollfds fill() will use this round. */
	size_t (*nfds)(void *data);
	/*
	 * Fill p; lower *wake_ms (LLONG_MAX on entry) to the time it must
	 * run even without events. Returns how many it filled.
	 */
	size_t (*fill)(void *data, struct pollfd *p, long long now,
	    long long *wake_ms);
};

struct loop_src {
	bool used;
	bool armed;		/* polled this round */
	enum loop_kind kind;
	int fd;
	int event;
	void *data;
	long long when;		/* LOOP_TIME; a group's wake this round */
	const struct loop_group *group;
	size_t first, n;	/* its pollfds this round */
};

struct loop {
	const loop_action *table;	/* nstates rows of nevents */
	int nstates, nevents;
	int state;
	void *ctx;		/* every action's first argument */
	struct loop_src *src;
	size_t nsrc, cap;
	struct pollfd *pfd;
	size_t npfd_cap;
};

/* table is &t[0][0] of loop_action t[nstates][nevents]. */
void loop_init(struct loop *lp, const loop_action *table, int nstates,
    int nevents, int state, void *ctx);

/*
 * Add a source; returns its handle, or -1 with errno (ENOMEM). A
 * LOOP_TIME source gets its time from loop_set_time() (none until then).
 */
int loop_add(struct loop *lp, enum loop_kind kind, int fd, int event,
    void *data);
int loop_add_group(struct loop *lp, const struct loop_group *g, int event,
    void *data);

/* When a LOOP_TIME source fires; LLONG_MAX: never. */
void loop_set_time(struct loop *lp, int src, long long when_ms);

/* The source is gone at once; its descriptor stays open. */
void loop_remove(struct loop *lp, int src);

/*
 * Poll and act until an action returns LOOP_EXIT(code): returns code. -1
 * with errno if poll(2) fails, if nothing is left to wait for (EDEADLK),
 * or if an action returns no state of the table (EINVAL).
 */
int loop_run(struct loop *lp);

void loop_free(struct loop *lp);

#endif
