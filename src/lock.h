/*
 * Exclusive flock(2) locks on files, taken without waiting.
 */
#ifndef DAEMONIZE_LOCK_H
#define DAEMONIZE_LOCK_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Open path with flags, creating it, and lock it. Returns the
 * descriptor, close-on-exec and blocking, or -1 with errno (EWOULDBLOCK when
 * another holds the lock). *created tells whether this call made the file.
 */
int lock_open(const char *path, int flags, mode_t mode, bool *created);

/* The live process that /proc/locks says holds a lock on path, or 0. */
pid_t lock_holder(const char *path);

/* Whether anyone holds a lock on the file open at fd. */
bool lock_held(int fd);

/* Remove the lockfile at path unless someone holds its lock. */
void lock_remove(const char *path);

#endif
