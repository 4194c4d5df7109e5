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
int stop_target(const struct target *t, int sig, long ms, long kill_ms);

/*
 * What holds a lock on path once the daemon is gone (children that
 * inherited the descriptor, perhaps in sessions of their own): stop each
 * as stop_target() does, only those whose parent is parent if that is
 * above 0. Returns as stop_target() does.
 */
int stop_lockers(const char *path, pid_t parent, int sig, long ms,
    long kill_ms, bool verbose);

#endif
