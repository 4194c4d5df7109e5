/*
 * One stream of the output relay: whole lines, bounded memory.
 *
 * A stream reads into its own buffer and writes the whole lines it has
 * with one system call: without timestamps straight from that buffer (a
 * read, a memrchr and a write per 64 KiB, as fast as cat), with them
 * through a second buffer where each line gets its stamp. What could not
 * be written stays in those buffers, and the stream is not read again
 * until it is written, so a full disk makes the command block on its pipe
 * instead of making us grow.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "logfile.h"
#include "stamp.h"
#include "stream.h"

/* A read asks for at least a pipe's default capacity. */
#define READ_MIN	(64 * 1024)

/* --- Writing ------------------------------------------------------------ */

bool
stream_pending(const struct stream *s)
{
	return s->plen > 0 || s->pnl || s->oend > s->ostart;
}

/*
 * s could not write into k: nothing goes there for a while, and then s
 * first (its output was read before any other's that waits).
 */
static void
block(struct sink *k, struct stream *s, int error)
{
	long long now = clock_ms();

	k->owner = s;
	k->retry_ms = now + STREAM_RETRY_MS;
	if (k->since_ms == 0)
		k->since_ms = now;
	k->error = error;
}

/* Account for w bytes of the pending output written. */
static void
advance(struct stream *s, size_t w)
{
	if (s->oend > s->ostart) {
		s->ostart += w;
		if (s->ostart == s->oend)
			s->ostart = s->oend = 0;
		return;
	}
	if (w >= s->plen) {
		w -= s->plen;
		s->start += s->plen;
		s->plen = 0;
		if (w > 0)
			s->pnl = false;
	} else {
		s->start += w;
		s->plen -= w;
	}
}

/*
 * Write all that s has pending. A short write leaves part of a line in
 * the file: s keeps the file until the line is finished, so that nothing
 * of another stream lands inside it. -1 when the file refused (blocked).
 */
static int
flush(struct stream *s)
{
	struct sink *k = s->sink;

	while (stream_pending(s)) {
		struct iovec iov[2];
		int n = 0;
		ssize_t w;

		if (k->retry_ms != 0)
			return -1;
		if (s->oend > s->ostart) {
			iov[n++] = (struct iovec){ s->out + s->ostart,
			    s->oend - s->ostart };
		} else {
			if (s->plen > 0)
				iov[n++] = (struct iovec){ s->in + s->start,
				    s->plen };
			if (s->pnl)
				iov[n++] = (struct iovec){ "\n", 1 };
		}
		if ((w = logfile_write(&k->lf, iov, n)) == -1) {
			block(k, s, errno);
			return -1;
		}
		advance(s, (size_t)w);
		k->owner = stream_pending(s) ? s : NULL;
	}
	return 0;
}

/* --- Files -------------------------------------------------------------- */

/* A failure about a file's name, kept for the relay to report. */
static void
trouble(struct sink *k, const char *what, int error)
{
	k->trouble = what;
	k->trouble_errno = error;
}

/* Once a second: follow the name to a file another program put there. */
static void
sink_check(struct sink *k, long long now)
{
	int rc = logfile_check(&k->lf, now);

	if (rc == -1)
		trouble(k, "reopen", errno);
	else if (rc == 1)
		k->said = 0;
}

/*
 * Rotate before n more bytes: 0 done (or no longer needed), -1 when it
 * failed, and the lines go on into the old file rather than wait.
 */
static int
sink_rotate(struct sink *k, size_t n)
{
	if (logfile_rotate(&k->lf, clock_ms(), n) == -1) {
		if (errno != EAGAIN)
			trouble(k, "rotate", errno);
		return -1;
	}
	k->said = 0;
	return 0;
}

/* --- Lines -------------------------------------------------------------- */

/*
 * The next line of s at in[pos]: its length (newline included) and
 * whether a newline is to be added: a line longer than STREAM_LINE_MAX is
 * cut there, a last line (final) is finished. 0 when no line is whole.
 */
static size_t
next_line(const struct stream *s, size_t pos, bool final, bool *add)
{
	const char *p = s->in + pos;
	size_t avail = s->end - pos;
	const char *nl = memchr(p, '\n', avail);

	*add = false;
	if (nl != NULL)
		return (size_t)(nl - p) + 1;
	if (avail > STREAM_LINE_MAX || (final && avail > 0)) {
		*add = true;
		return avail > STREAM_LINE_MAX ? STREAM_LINE_MAX : avail;
	}
	return 0;
}

/*
 * Cut the pending chunk of whole lines to what the file has room for,
 * rotating it when not even the first line fits. A single line longer
 * than --log-size goes alone into a fresh file.
 */
static void
fit(struct stream *s)
{
	struct logfile *lf = &s->sink->lf;
	const char *p = s->in + s->start;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		unsigned long long room;
		const char *nl;
		size_t first;
		bool add = s->pnl;

		if (!lf->regular || lf->size + s->plen + s->pnl <= lf->max)
			return;
		room = lf->max > lf->size ? lf->max - lf->size : 0;
		if (room > s->plen)
			room = s->plen;
		if (room > 0 && (nl = memrchr(p, '\n', room)) != NULL) {
			s->plen = (size_t)(nl - p) + 1;
			s->pnl = false;
			return;
		}
		/* Not even the first line fits. */
		first = s->plen;
		if (!add && (nl = memchr(p, '\n', s->plen)) != NULL)
			first = (size_t)(nl - p) + 1;
		if (lf->size == 0) {
			s->plen = first;
			return;
		}
		if (sink_rotate(s->sink, first + add) == -1)
			return;
	}
}

/* Without stamps: the whole lines s has, to be written from in[]. */
static bool
fill_plain(struct stream *s, bool final)
{
	const char *p = s->in + s->start;
	size_t avail = s->end - s->start;
	const char *nl = memrchr(p, '\n', avail);

	if (nl != NULL) {
		s->plen = (size_t)(nl - p) + 1;
		s->pnl = false;
	} else {
		s->plen = next_line(s, s->start, final, &s->pnl);
		if (s->plen == 0)
			return false;
	}
	if (s->sink->lf.max > 0)
		fit(s);
	return true;
}

/*
 * Whether a line of n bytes (stamp included) must wait for a rotation:
 * then either the lines already in out[] are written first, or the file is
 * rotated now.
 */
static bool
must_rotate(struct stream *s, size_t n)
{
	struct logfile *lf = &s->sink->lf;
	unsigned long long queued = s->oend - s->ostart;

	if (lf->max == 0 || !lf->regular || lf->size + queued == 0 ||
	    lf->size + queued + n <= lf->max)
		return false;
	if (queued > 0)
		return true;
	(void)sink_rotate(s->sink, n);
	return false;
}

/* With stamps: copy whole lines of s into out[], each after its stamp. */
static bool
fill_stamped(struct stream *s, bool final)
{
	size_t pos = s->start, len;
	bool add, any = false;

	while ((len = next_line(s, pos, final, &add)) > 0) {
		bool old = pos < s->fresh;
		size_t slen = old ? s->plen_stamp : s->nlen_stamp;

		if (s->ocap - s->oend < slen + len + add ||
		    must_rotate(s, slen + len + add))
			break;
		memcpy(s->out + s->oend, old ? s->pstamp : s->nstamp, slen);
		memcpy(s->out + s->oend + slen, s->in + pos, len);
		s->oend += slen + len;
		if (add)
			s->out[s->oend++] = '\n';
		pos += len;
		any = true;
	}
	s->start = pos;
	/* A line begun in the last read keeps that read's stamp. */
	if (pos >= s->fresh && pos < s->end) {
		memcpy(s->pstamp, s->nstamp, s->nlen_stamp);
		s->plen_stamp = s->nlen_stamp;
	}
	return any;
}

/*
 * Write what s has: pending output first, then its whole lines (and with
 * final, its last partial line). -1 when its file is blocked.
 */
int
stream_pump(struct stream *s, bool final)
{
	if (s->sink == NULL) {
		s->start = s->end = 0;
		return 0;
	}
	final = final || s->eof;
	for (;;) {
		bool more;

		if (flush(s) == -1)
			return -1;
		if (s->in == NULL || s->start == s->end)
			break;
		/* Filled later: the room for rotation is counted then. */
		if (s->sink->retry_ms != 0)
			return -1;
		sink_check(s->sink, clock_ms());
		more = s->clock != NULL ? fill_stamped(s, final) :
		    fill_plain(s, final);
		if (!more)
			break;
	}
	if (s->start == s->end)
		s->start = s->end = 0;
	return 0;
}

/* --- Reading ------------------------------------------------------------ */

/*
 * Room to read into: an empty buffer starts over (a quiet stream touches
 * only its first pages), a partial line moves to the front.
 */
static void
make_room(struct stream *s)
{
	if (s->start == s->end) {
		s->start = s->end = 0;
	} else if (s->cap - s->end < READ_MIN && s->start > 0) {
		memmove(s->in, s->in + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
}

ssize_t
stream_read(struct stream *s, size_t max)
{
	size_t room;
	ssize_t n;

	make_room(s);
	room = s->cap - s->end;
	do
		n = read(s->fd, s->in + s->end, max < room ? max : room);
	while (n == -1 && errno == EINTR);
	if (n > 0 && s->clock != NULL && s->sink != NULL) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s->nlen_stamp = stamp_format(s->clock, &ts, s->nstamp);
		s->fresh = s->end;
	}
	if (n > 0)
		s->end += (size_t)n;
	return n;
}

/* The whole pages of buf[0, len), zero-filled again when next touched. */
static void
discard(char *buf, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)buf + len) & ~(page - 1);

	if (buf != NULL && to > from)
		(void)madvise((void *)from, to - from, MADV_DONTNEED);
}

/*
 * After a burst, the buffers' pages stay dirty though empty; a quiet
 * stream only ever touches the first of them again.
 */
void
stream_trim(struct stream *s)
{
	if (stream_pending(s) || s->start != s->end)
		return;
	discard(s->in, s->cap);
	discard(s->out, s->ocap);
}
