/*
 * The daemon's last words: when a start fails after the exec, the last
 * lines it wrote to its log during this start are shown after the reason
 * (DESIGN.md, Exit status), so they are seen even if the log is thrown
 * away. A leaf but for msg.h.
 */
#ifndef DAEMONIZE_TAIL_H
#define DAEMONIZE_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TAIL_LINES	10

struct tail {
	const char *path;	/* the log (absolute), or NULL: none */
	off_t start;		/* its size before the fork */
	bool existed;		/* it was there then, as dev:ino */
	dev_t dev;
	ino_t ino;
	uid_t owner;		/* who owns it if this start made it */
	int fd;			/* open for reading, or -1 */
	off_t end;		/* where its lines end for us */
};

/* Nothing to show (tail_take and tail_show do nothing). */
void tail_init(struct tail *t);

/*
 * Before the fork: note where the log at path ends (the start of the
 * file if truncate, as --truncate will cut it). owner: whom a log this
 * start creates will belong to.
 */
void tail_mark(struct tail *t, const char *path, bool truncate, uid_t owner);

/*
 * Open the log and note where it ends now, before the daemon is stopped
 * (and has more to say), if the path still names the file of this start.
 */
void tail_take(struct tail *t);

/* Write the last TAIL_LINES lines of this start through msg_indented(). */
void tail_show(struct tail *t, int out);

/*
 * The last max lines of fd between offsets start and end (at most the
 * last 64 KiB of it), each through msg_indented() on out; a last line
 * without its newline counts.
 */
void tail_print(int fd, off_t start, off_t end, size_t max, int out);

void tail_free(struct tail *t);

#endif
