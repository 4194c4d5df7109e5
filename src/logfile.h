/*
 * One log file written by the output relay: kept open for appending, found
 * again by its name when another program renamed or removed it, rotated by
 * size. A leaf: it reports failures by return value and errno, and the
 * relay words them.
 */
#ifndef DAEMONIZE_LOGFILE_H
#define DAEMONIZE_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/* How often, at most, the name is looked up again (milliseconds). */
#define LOGFILE_CHECK_MS	1000

struct logfile {
	char *path;
	int fd;
	bool regular;		/* only a regular file is rotated or re-created */
	unsigned long long size;	/* bytes in it, as far as we know */
	unsigned long long max;		/* --log-size; 0: no rotation */
	unsigned keep;			/* --log-keep */
	dev_t dev;
	ino_t ino;
	mode_t mode;		/* what a re-created file gets */
	uid_t uid;
	gid_t gid;
	long long checked_ms;	/* when the name was last looked up */
	long long rotate_ms;	/* no rotation tried before this (after a failure) */
};

/*
 * Open path for appending (created 0666 less the umask), or take fd
 * already open on it (-1: open it here). 0, or -1 with errno set; on
 * failure fd is not closed.
 */
int logfile_open(struct logfile *lf, const char *path, int fd,
    unsigned long long max, unsigned keep);
void logfile_close(struct logfile *lf);

/* Whether both name the same open file. */
bool logfile_same(const struct logfile *a, const char *path);

/*
 * writev() to the file, counting what was written. Returns the bytes
 * written (possibly fewer than asked), or -1 with errno set.
 */
ssize_t logfile_write(struct logfile *lf, const struct iovec *iov, int n);

/*
 * At most once per LOGFILE_CHECK_MS (now_ms on the monotonic clock), look
 * the name up: if it no longer leads to the open file, open the file now
 * under the name, or create it with the old one's mode and owner. Also
 * rereads the size (a copytruncate shrinks it). 1 when the file was
 * switched, 0 when nothing was to be done, -1 with errno when the name
 * could not be opened (writing goes on into the old file).
 */
int logfile_check(struct logfile *lf, long long now_ms);

/*
 * Whether n more bytes would make the file exceed --log-size, so that it
 * is to be rotated first (never for an empty file: a line longer than the
 * size goes alone into one).
 */
bool logfile_full(const struct logfile *lf, unsigned long long n);

/*
 * Make room for n more bytes: unless the name was rotated or the file
 * truncated by another program meanwhile, rename FILE.(keep-1) to
 * FILE.keep ... FILE to FILE.1 (keep 0: remove FILE), then create FILE
 * afresh with the same mode and owner. 0, or -1 with errno set: the old
 * file stays open, and no rotation is tried again for a second.
 */
int logfile_rotate(struct logfile *lf, long long now_ms,
    unsigned long long n);

/* "PATH.n" (PATH for n 0) into buf; -1 with ENAMETOOLONG if too long. */
int logfile_rotated_name(char *buf, size_t size, const char *path,
    unsigned n);

#endif
