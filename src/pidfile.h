/*
 * The pidfile: locked for the daemon's lifetime, holding its pid.
 */
#ifndef DAEMONIZE_PIDFILE_H
#define DAEMONIZE_PIDFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Lock path for a new daemon, creating it. Returns the descriptor, or -1
 * with errno: EEXIST when a daemon runs (its pid in *holder, 0 if
 * unknown; or, when the daemon is gone but processes that inherited its
 * lock hold it, minus the daemon's pid: see pidfile_orphans()), ELOOP for
 * a symbolic link, EFTYPE-like EINVAL for a non-regular file, a TRUST_
 * value of trust.h when the caller is root and may not trust the file or
 * its path, or the error of open(2).
 */
int pidfile_take(const char *path, pid_t *holder);

/*
 * Make the file at path, locked at lock_fd, hold pid and a newline, mode
 * 0644; -1 with errno.
 */
int pidfile_store(const char *path, int lock_fd, pid_t pid);

enum pidfile_state {
	PIDFILE_UNKNOWN = -1,	/* unreadable, or not a pid: see errno */
	PIDFILE_RUNNING,	/* names a running daemon */
	PIDFILE_STALE,		/* names none (or nothing) */
	PIDFILE_ABSENT,		/* no such file */
	PIDFILE_ORPHANED,	/* the daemon is gone, its lock is still held */
};

/*
 * The liveness rule, for --stop, --signal and --status: the pidfile names
 * a running daemon when its lock is held (by the daemon, not only by what
 * inherited the lock from it) or, if the daemon closed its lock
 * descriptor, when its pid is alive, not a zombie, and started no later
 * than 1 second after the file was last written. *pid is the pid in it,
 * or 0. PIDFILE_UNKNOWN sets errno: EINVAL for content that is not a pid
 * (or a non-regular file), ELOOP for a symbolic link, a TRUST_ value of
 * trust.h when the caller is root and may not trust the file or its path,
 * else open(2)'s error.
 */
enum pidfile_state pidfile_check(const char *path, pid_t *pid);

/*
 * The pidfile at path holds pid, and the liveness rule holds for it, lock
 * or no lock: the process behind pid is the one the file was written for.
 */
bool pidfile_still_names(const char *path, pid_t pid);

/* Remove path if nobody holds it and it names no live daemon. */
void pidfile_clean(const char *path);

/*
 * "pid N is gone, but pids A B hold the pidfile lock", of the pidfile at
 * path whose daemon gone is gone, in buf; returns buf.
 */
const char *pidfile_orphans(const char *path, pid_t gone, char *buf,
    size_t size);

/*
 * The pid, if any, that is this process or one of its ancestors and is
 * either pid (the daemon) or a holder of the lock on the pidfile at path:
 * one that --stop and --signal must not hit. 0 if none.
 */
pid_t pidfile_names_caller(const char *path, pid_t pid);

/*
 * The content of a pidfile (len bytes, not NUL-terminated): a pid from 2
 * up in plain decimal, and a newline or not. 0 with *pid set; EAGAIN when
 * empty; EINVAL for anything else.
 */
int pidfile_parse(const char *buf, size_t len, pid_t *pid);

#endif
