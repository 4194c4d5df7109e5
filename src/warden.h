/*
 * The warden: a small process the caller forks for --wait notify, which
 * outlives the caller should it die unsettled (SIGKILL, say), and then
 * undoes the start as the caller would have: removes the notify socket and
 * its directory, stops the daemon's group, and removes a stale pidfile.
 * It learns what to undo over a pipe, and of the caller's end by that
 * pipe's end of file; a caller that ends as it should kills it first.
 */
#ifndef DAEMONIZE_WARDEN_H
#define DAEMONIZE_WARDEN_H

#include <stdbool.h>
#include <sys/types.h>

struct warden {
	pid_t pid;		/* 0 if there is none */
	int pidfd;		/* its pidfd, or -1 */
	int fd;			/* the pipe's write end, or -1 */
};

void warden_init(struct warden *w);

/*
 * Fork the warden; pidfile (absolute, or NULL) is removed after a stop if
 * it names no live daemon. 0, or -1 with errno.
 */
int warden_start(struct warden *w, const char *pidfile);

/*
 * A path to remove, told before it is made: a file (the socket), then a
 * directory (rmdir, after the file). A later one of the same kind replaces
 * the earlier.
 */
void warden_path(const struct warden *w, const char *path, bool dir);

/* The daemon's process group (pgid), and the daemon once it runs. */
void warden_group(const struct warden *w, pid_t pgid);
void warden_daemon(const struct warden *w, pid_t daemon);

/* The daemon is ready: it is to be left running. */
void warden_spare(const struct warden *w);

/* The caller settled the start itself: end the warden, reap it. */
void warden_end(struct warden *w);

#endif
