/*
 * Stopping a daemon: a signal, a bounded wait for it to go, SIGKILL if
 * anything is left. Used by --stop and by a start that fails after the
 * fork (timeout, interrupt, not ready).
 */
#ifndef DAEMONIZE_STOP_H
#define DAEMONIZE_STOP_H

#include <stdbool.h>
#include <sys/types.h>

struct target {
	pid_t pid;		/* the daemon (or the child that will be) */
	int pidfd;		/* for pid, or -1 */
	pid_t pgid;		/* its process group, or 0: the pid alone */
	bool reap;		/* we are its (sub)reaper: reap what dies */
	/*
	 * A supervisor forwards the first signal to its command itself:
	 * only SIGKILL goes to the group, so the command gets it once.
	 */
	bool forwards;
	/* Set by stop_target(): what was left for SIGKILL. */
	bool killed;		/* the daemon itself */
	bool killed_group;	/* members of its group (the daemon or not) */
};

/* How to stop, as --stop asks. */
struct stop_plan {
	int sig;		/* sent first */
	long ms;		/* how long to wait for it to work */
	long kill_ms;		/* how long to wait after SIGKILL */
	bool verbose;		/* say what is sent */
	const char *timeout;	/* ms as given, to say when SIGKILL was
				   needed; NULL: say nothing */
};

/*
 * The group pid leads when it is a session's own group that is not ours:
 * one that daemonize made. 0 otherwise, so a foreign group is never hit.
 */
pid_t stop_own_group(pid_t pid);

/*
 * Send sig to the target; wait up to ms for the daemon and its group to be
 * gone; if anything is left, send SIGKILL and wait up to kill_ms. Returns
 * 0 when the daemon is gone (members of its group that outlive even that
 * are not waited for longer), 1 when it is still there, -1 with errno when
 * it may not be signalled.
 */
int stop_target(struct target *t, int sig, long ms, long kill_ms);

/*
 * What stop_target() left for SIGKILL, said on stderr if p->timeout is
 * set: "pid 4242 did not exit within 10 s of SIGTERM; killed it".
 */
void stop_say_killed(const struct target *t, const struct stop_plan *p);

/*
 * What holds a lock on path once the daemon is gone (children that
 * inherited the descriptor, perhaps in sessions of their own): stop each
 * as stop_target() does, only those whose parent is parent if that is
 * above 0. Returns as stop_target() does.
 */
int stop_lockers(const char *path, pid_t parent, int sig, long ms,
    long kill_ms, bool verbose);

/*
 * The same, as p says, each holder that needed SIGKILL said as
 * stop_say_killed() does. Holders that keep coming back after a few
 * rounds count as still there (1).
 */
int stop_lockers_plan(const char *path, pid_t parent,
    const struct stop_plan *p);

#endif
