/*
 * The warden: a small process the caller starts for --wait notify, which
 * outlives the caller should it die unsettled (SIGKILL, say), and then
 * undoes the start as the caller would have: removes the notify socket and
 * its directory, stops the daemon's group, and removes a stale pidfile.
 * It learns what to undo from memory it shares with the caller, and of the
 * caller's end by a pipe's end of file; a caller that settles the start
 * ends it first.
 */
#ifndef DAEMONIZE_WARDEN_H
#define DAEMONIZE_WARDEN_H

#include <stdbool.h>
#include <sys/types.h>

struct warden_plan;

struct warden {
	pid_t pid;		/* 0 if there is none */
	int pidfd;		/* its pidfd, or -1 */
	int fd;			/* the pipe's write end, or -1 */
	struct warden_plan *plan;	/* what it would undo, on its stack */
};

void warden_init(struct warden *w);

/*
 * Start the warden; pidfile (absolute, or NULL; not freed before
 * warden_end) is removed after a stop if it names no live daemon. From
 * then on, the first two children fork(2) makes (the first child, then
 * the daemon's side) note their own pids for it; a first child vfork(2)
 * makes notes both instead (warden_note_vforked()), and the caller must
 * then fork nothing else before warden_end(). 0, or -1 with errno.
 */
int warden_start(struct warden *w, const char *pidfile);

/*
 * A path to remove, told before it is made: a file (the socket), then a
 * directory (rmdir, after the file). A later one of the same kind replaces
 * the earlier.
 */
void warden_path(const struct warden *w, const char *path, bool dir);

/*
 * For a first child made by vfork(2), which shares the caller's memory and
 * runs no pthread_atfork(3) handler: note its own pid, first thing, and
 * then the daemon's side's, as fork(2) returns it. Without a warden, or in
 * any other process, they do nothing.
 */
void warden_note_vforked(void);
void warden_note_daemon(pid_t pid);

/* The daemon is ready: it is to be left running. */
void warden_spare(const struct warden *w);

/* The caller settled the start itself: end the warden and reap it. */
void warden_end(struct warden *w);

#endif
