/*
 * One log file of the output relay: appended to, followed by name, rotated.
 *
 * Always O_APPEND: after logrotate's copytruncate the next line lands at
 * the new end, not at the old offset behind a hole of zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logfile.h"

#define APPEND_FLAGS	(O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY)

static void
close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

static void
remember(struct logfile *lf, const struct stat *st)
{
	lf->regular = S_ISREG(st->st_mode);
	lf->dev = st->st_dev;
	lf->ino = st->st_ino;
	lf->mode = st->st_mode & 0777;
	lf->uid = st->st_uid;
	lf->gid = st->st_gid;
	lf->size = lf->regular ? (unsigned long long)st->st_size : 0;
}

/* O_NONBLOCK while opening: a FIFO with no reader fails, not hangs. */
static int
open_append(const char *path, int flags, mode_t mode)
{
	int fd = open(path, APPEND_FLAGS | O_NONBLOCK | flags, mode);
	int fl;

	if (fd >= 0 && (fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int
logfile_open(struct logfile *lf, const char *path, int fd,
    unsigned long long max, unsigned keep)
{
	struct stat st;
	int given = fd, fl;

	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	if (fd < 0 && (fd = open_append(path, O_CREAT, 0666)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (lf->path = strdup(path)) == NULL) {
		if (given < 0)
			close_keep_errno(fd);
		return -1;
	}
	/* A descriptor opened elsewhere appends too, whatever it had. */
	if ((fl = fcntl(fd, F_GETFL)) != -1 && !(fl & O_APPEND))
		(void)fcntl(fd, F_SETFL, fl | O_APPEND);
	lf->fd = fd;
	remember(lf, &st);
	lf->max = max;
	lf->keep = keep;
	return 0;
}

void
logfile_close(struct logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	free(lf->path);
	lf->path = NULL;
}

bool
logfile_same(const struct logfile *a, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == a->dev &&
	    st.st_ino == a->ino;
}

ssize_t
logfile_write(struct logfile *lf, const struct iovec *iov, int n)
{
	for (;;) {
		ssize_t w = writev(lf->fd, iov, n);

		if (w >= 0) {
			lf->size += (unsigned long long)w;
			return w;
		}
		if (errno != EINTR)
			return -1;
	}
}

/*
 * A new file by the name, with the mode and owner of the one it follows.
 * O_EXCL and O_NOFOLLOW: in a directory that the command's user may
 * write, a link planted there must not lead root's writes elsewhere.
 * Created 0600 and opened up after, so it is never wider than meant.
 */
static int
create_like(const struct logfile *lf)
{
	int fd = open_append(lf->path, O_CREAT | O_EXCL | O_NOFOLLOW, 0600);

	if (fd == -1)
		return -1;
	/* Only root may give it to another owner; others get their own. */
	(void)!fchown(fd, lf->uid, lf->gid);
	(void)fchmod(fd, lf->mode);
	return fd;
}

/*
 * The file another program created by the name (logrotate's "create"):
 * a regular file with one link, not reached through a symbolic link.
 */
static int
open_existing(const struct logfile *lf)
{
	int fd = open_append(lf->path, O_NOFOLLOW, 0);
	struct stat st;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(fd);
		errno = S_ISREG(st.st_mode) ? EMLINK : EINVAL;
		return -1;
	}
	return fd;
}

/* Write into whatever file the name leads to now, created if need be. */
static int
logfile_switch(struct logfile *lf)
{
	struct stat st;
	int fd = create_like(lf);

	if (fd == -1 && errno == EEXIST)
		fd = open_existing(lf);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	close(lf->fd);
	lf->fd = fd;
	remember(lf, &st);
	return 1;
}

/* The name leads to the open file: refresh its size; else switch. */
static int
name_check(struct logfile *lf)
{
	struct stat st;
	int rc = stat(lf->path, &st);

	if (rc == 0 && st.st_dev == lf->dev && st.st_ino == lf->ino) {
		if (fstat(lf->fd, &st) == 0)
			lf->size = (unsigned long long)st.st_size;
		return 0;
	}
	if (rc == -1 && errno != ENOENT)
		return -1;
	return logfile_switch(lf);
}

int
logfile_check(struct logfile *lf, long long now_ms)
{
	if (!lf->regular || now_ms - lf->checked_ms < LOGFILE_CHECK_MS)
		return 0;
	lf->checked_ms = now_ms;
	return name_check(lf);
}

bool
logfile_full(const struct logfile *lf, unsigned long long n)
{
	return lf->max > 0 && lf->regular && lf->size > 0 &&
	    lf->size + n > lf->max;
}

int
logfile_rotated_name(char *buf, size_t size, const char *path, unsigned n)
{
	int len = n == 0 ? snprintf(buf, size, "%s", path) :
	    snprintf(buf, size, "%s.%u", path, n);

	if (len < 0 || (size_t)len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* FILE.(keep-1) to FILE.keep ... FILE to FILE.1; keep 0 removes FILE. */
static int
shift_names(const struct logfile *lf)
{
	char from[PATH_MAX], to[PATH_MAX];
	unsigned i;

	if (lf->keep == 0)
		return unlink(lf->path) == -1 && errno != ENOENT ? -1 : 0;
	for (i = lf->keep; i > 0; i--) {
		if (logfile_rotated_name(from, sizeof(from), lf->path, i - 1) ||
		    logfile_rotated_name(to, sizeof(to), lf->path, i))
			return -1;
		/* Fewer rotated files than keep so far: nothing to move. */
		if (rename(from, to) == -1 && errno != ENOENT)
			return -1;
	}
	return 0;
}

int
logfile_rotate(struct logfile *lf, long long now_ms, unsigned long long n)
{
	struct stat st;
	int fd;

	if (now_ms < lf->rotate_ms) {
		errno = EAGAIN;
		return -1;
	}
	/*
	 * Another program may have rotated it (or truncated it) within the
	 * last second: then there is room already.
	 */
	lf->checked_ms = now_ms;
	if (name_check(lf) == -1)
		goto fail;
	if (!logfile_full(lf, n))
		return 0;
	if (shift_names(lf) == -1)
		goto fail;
	if ((fd = create_like(lf)) == -1 && errno == EEXIST)
		fd = open_existing(lf);
	if (fd == -1)
		goto fail;
	if (fstat(fd, &st) == -1) {
		close_keep_errno(fd);
		goto fail;
	}
	close(lf->fd);
	lf->fd = fd;
	remember(lf, &st);
	return 0;
fail:
	lf->rotate_ms = now_ms + LOGFILE_CHECK_MS;
	return -1;
}
