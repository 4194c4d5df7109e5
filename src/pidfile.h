/*
 * The pidfile: locked for the daemon's lifetime, holding its pid.
 */
#ifndef DAEMONIZE_PIDFILE_H
#define DAEMONIZE_PIDFILE_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Lock path for a new daemon, creating it. Returns the descriptor, or -1
 * with errno: EEXIST when a daemon runs (its pid in *holder, 0 if unknown),
 * ELOOP for a symbolic link, EFTYPE-like EINVAL for a non-regular file, or
 * the error of open(2).
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
};

/*
 * The liveness rule, for --stop and --status: the pidfile names a running
 * daemon when its lock is held or, if the daemon closed its lock
 * descriptor, by pidfile_names_live(). *pid is the pid in it, or 0.
 * PIDFILE_UNKNOWN sets errno: EINVAL for content that is not a pid (or a
 * non-regular file), ELOOP for a symbolic link, EPERM when the caller is
 * root and another user could have written the file, else open(2)'s
 * error.
 */
enum pidfile_state pidfile_check(const char *path, pid_t *pid);

/*
 * The pidfile at path holds pid, and pidfile_names_live() holds for it,
 * lock or no lock: the process behind pid is the one the file was written
 * for.
 */
bool pidfile_still_names(const char *path, pid_t pid);

/* Remove path if nobody holds it and it names no live daemon. */
void pidfile_clean(const char *path);

/*
 * The pid in path: 0, or -1 with errno ENOENT (no file), EAGAIN (empty) or
 * EINVAL (not a pid), or the error of open(2) or read(2).
 */
int pidfile_read(const char *path, pid_t *pid);

/*
 * The liveness rule for a pidfile that is not locked: pid is alive, not a
 * zombie, and started no later than 1 second after the file (open at fd)
 * was last written, so that a reused pid is not taken for the daemon.
 */
bool pidfile_names_live(int fd, pid_t pid);

#endif
