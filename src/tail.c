/*
 * The last lines of the daemon's log, written during this start. The log
 * is read by name after the daemon is gone, so only a file that is
 * provably the one of this start is read: the very file that was there
 * before the fork, or one this start made (not a symbolic link, one link,
 * owned by whom the start gave it to). Else a path the daemon's user can
 * change would make daemonize show another file's lines.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "tail.h"

#define TAIL_WINDOW	65536	/* 10 long lines; longer ones are cut anyway */

void
tail_init(struct tail *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

void
tail_mark(struct tail *t, const char *path, bool truncate, uid_t owner)
{
	struct stat st;

	tail_init(t);
	if (path == NULL)
		return;
	t->path = path;
	t->owner = owner;
	if (stat(path, &st) == 0) {
		t->existed = true;
		t->dev = st.st_dev;
		t->ino = st.st_ino;
		if (!truncate && S_ISREG(st.st_mode))
			t->start = st.st_size;
	}
}

static bool
is_ours(const struct tail *t, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return false;
	if (t->existed)
		return st->st_dev == t->dev && st->st_ino == t->ino;
	return st->st_uid == t->owner && st->st_nlink == 1;
}

void
tail_take(struct tail *t)
{
	struct stat st;

	if (t->path == NULL || t->fd >= 0)
		return;
	/* A link is followed only to the file that was there before. */
	t->fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    (t->existed ? 0 : O_NOFOLLOW));
	if (t->fd == -1)
		return;
	if (fstat(t->fd, &st) == -1 || !is_ours(t, &st)) {
		close(t->fd);
		t->fd = -1;
		return;
	}
	/* Cut (by copytruncate, say) since: what is there now is new. */
	if (st.st_size < t->start)
		t->start = 0;
	t->end = st.st_size;
}

void
tail_show(struct tail *t, int out)
{
	if (t->fd < 0)
		return;
	tail_print(t->fd, t->start, t->end, TAIL_LINES, out);
	close(t->fd);
	t->fd = -1;
}

/* Up to len bytes at offset; fewer if the file is shorter now. */
static size_t
read_at(int fd, char *buf, size_t len, off_t offset)
{
	size_t got = 0;
	ssize_t n;

	while (got < len &&
	    (n = pread(fd, buf + got, len - got, offset + (off_t)got)) > 0)
		got += (size_t)n;
	return got;
}

/* Where the last max lines of buf[b, e) begin; e is past the last line. */
static size_t
last_lines(const char *buf, size_t b, size_t e, size_t max)
{
	size_t i = e, n = 0;

	while (i > b) {
		if (buf[i - 1] == '\n' && ++n == max)
			break;
		i--;
	}
	return i;
}

void
tail_print(int fd, off_t start, off_t end, size_t max, int out)
{
	off_t from;
	size_t len, b = 0, e;
	char *buf, *nl;

	if (end <= start || max == 0)
		return;
	from = end - start > TAIL_WINDOW ? end - TAIL_WINDOW : start;
	if ((buf = malloc((size_t)(end - from))) == NULL)
		return;
	len = read_at(fd, buf, (size_t)(end - from), from);
	/* Begun inside a line: its start is not ours to show. */
	if (from > start && (nl = memchr(buf, '\n', len)) != NULL &&
	    (size_t)(nl - buf) + 1 < len)
		b = (size_t)(nl - buf) + 1;
	e = len;
	if (e > b && buf[e - 1] == '\n')
		e--;
	if (len > b) {
		const char *p;

		for (p = buf + last_lines(buf, b, e, max);
		    (nl = memchr(p, '\n', (size_t)(buf + e - p))) != NULL;
		    p = nl + 1)
			msg_indented(out, p, (size_t)(nl - p));
		msg_indented(out, p, (size_t)(buf + e - p));
	}
	free(buf);
}

void
tail_free(struct tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
