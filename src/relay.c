/*
 * The output relay: pipes to log files, whole lines, bounded memory.
 *
 * Each stream reads into its own buffer and writes the whole lines it has
 * with one system call: without timestamps straight from that buffer (a
 * read, a memrchr and a write per 64 KiB, as fast as cat), with them
 * through a second buffer where each line gets its stamp. What could not
 * be written stays in those buffers, and the stream is not read again
 * until it is written, so a full disk makes the command block on its pipe
 * instead of making us grow.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "logfile.h"
#include "msg.h"
#include "relay.h"
#include "stamp.h"

/*
 * A read asks for at least READ_MIN bytes (a pipe's default capacity);
 * IN_CAP also holds a partial line of RELAY_LINE_MAX bytes beside it.
 */
#define READ_MIN	(64 * 1024)
#define IN_CAP		(RELAY_LINE_MAX + 2 * READ_MIN)
/* A dropped stream needs no lines: one read's worth. */
#define NULL_CAP	READ_MIN
/* Stamped lines waiting to be written: at least the longest line. */
#define OUT_CAP		(128 * 1024)
#define MSG_CAP		4096
/* Reads per relay_read() call, so the other stream gets its turn. */
#define READS_PER_CALL	8

/* A file, and whether it refuses writes for now. */
struct sink {
	struct logfile lf;
	long long retry_ms;	/* blocked until then; 0: not blocked */
	long long since_ms;	/* when it first refused */
	int error;		/* why */
	int said;		/* the errno last reported about its name */
	struct stream *owner;	/* the stream it refused, first to retry */
};

struct stream {
	int fd;			/* input, or -1 */
	struct sink *sink;	/* NULL: read and dropped */
	char *in;		/* input not yet written: in[start, end) */
	size_t cap, start, end;
	size_t plen;		/* without stamps: in[start, start + plen) */
	bool pnl;		/* ... and a newline after it, to write */
	bool eof;		/* the input ended: finish its last line */
	char *out;		/* with stamps: out[ostart, oend) to write */
	size_t ocap, ostart, oend;
	size_t fresh;		/* where the last read began in in[] */
	size_t plen_stamp, nlen_stamp;
	char pstamp[STAMP_MAX];	/* the stamp of a line begun before it */
	char nstamp[STAMP_MAX];	/* the stamp of lines begun in it */
};

struct relay {
	struct stream st[RELAY_STREAMS];
	struct stream msg;	/* the supervisor's lines: out only */
	struct sink sinks[RELAY_STREAMS];
	bool timestamps;
	struct stamp stamp;
	char msgbuf[MSG_CAP];
};

static int pump(struct relay *r, struct stream *s, bool final);

/* --- Writing ------------------------------------------------------------ */

static bool
pending(const struct stream *s)
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
	k->retry_ms = now + RELAY_RETRY_MS;
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

	while (pending(s)) {
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
		k->owner = pending(s) ? s : NULL;
	}
	return 0;
}

/* --- Files -------------------------------------------------------------- */

/* A failure about a file's name, reported once until it changes. */
static void
complain(struct relay *r, struct sink *k, const char *what, int error)
{
	if (k->said == error)
		return;
	k->said = error;
	relay_message(r, "cannot %s log file '%s': %s", what, k->lf.path,
	    strerror(error));
}

/* Once a second: follow the name to a file another program put there. */
static void
sink_check(struct relay *r, struct sink *k, long long now)
{
	int rc = logfile_check(&k->lf, now);

	if (rc == -1)
		complain(r, k, "reopen", errno);
	else if (rc == 1)
		k->said = 0;
}

/*
 * Rotate before n more bytes: 0 done (or no longer needed), -1 when it
 * failed, and the lines go on into the old file rather than wait.
 */
static int
sink_rotate(struct relay *r, struct sink *k, size_t n)
{
	if (logfile_rotate(&k->lf, clock_ms(), n) == -1) {
		if (errno != EAGAIN)
			complain(r, k, "rotate", errno);
		return -1;
	}
	k->said = 0;
	return 0;
}

/* --- Lines -------------------------------------------------------------- */

/*
 * The next line of s at in[pos]: its length (newline included) and
 * whether a newline is to be added: a line longer than RELAY_LINE_MAX is
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
	if (avail > RELAY_LINE_MAX || (final && avail > 0)) {
		*add = true;
		return avail > RELAY_LINE_MAX ? RELAY_LINE_MAX : avail;
	}
	return 0;
}

/*
 * Cut the pending chunk of whole lines to what the file has room for,
 * rotating it when not even the first line fits. A single line longer
 * than --log-size goes alone into a fresh file.
 */
static void
fit(struct relay *r, struct stream *s)
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
		if (sink_rotate(r, s->sink, first + add) == -1)
			return;
	}
}

/* Without stamps: the whole lines s has, to be written from in[]. */
static bool
fill_plain(struct relay *r, struct stream *s, bool final)
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
		fit(r, s);
	return true;
}

/*
 * Whether a line of n bytes (stamp included) must wait for a rotation:
 * then either the lines already in out[] are written first, or the file is
 * rotated now.
 */
static bool
must_rotate(struct relay *r, struct stream *s, size_t n)
{
	struct logfile *lf = &s->sink->lf;
	unsigned long long queued = s->oend - s->ostart;

	if (lf->max == 0 || !lf->regular || lf->size + queued == 0 ||
	    lf->size + queued + n <= lf->max)
		return false;
	if (queued > 0)
		return true;
	(void)sink_rotate(r, s->sink, n);
	return false;
}

/* With stamps: copy whole lines of s into out[], each after its stamp. */
static bool
fill_stamped(struct relay *r, struct stream *s, bool final)
{
	size_t pos = s->start, len;
	bool add, any = false;

	while ((len = next_line(s, pos, final, &add)) > 0) {
		bool old = pos < s->fresh;
		size_t slen = old ? s->plen_stamp : s->nlen_stamp;

		if (s->ocap - s->oend < slen + len + add ||
		    must_rotate(r, s, slen + len + add))
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
static int
pump(struct relay *r, struct stream *s, bool final)
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
		sink_check(r, s->sink, clock_ms());
		more = r->timestamps ? fill_stamped(r, s, final) :
		    fill_plain(r, s, final);
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

/* One read, stamped with the time it returned. 0 at the end of input. */
static ssize_t
read_some(struct relay *r, struct stream *s, size_t max)
{
	size_t room = s->cap - s->end;
	ssize_t n;

	do
		n = read(s->fd, s->in + s->end, max < room ? max : room);
	while (n == -1 && errno == EINTR);
	if (n > 0 && r->timestamps && s->sink != NULL) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s->nlen_stamp = stamp_format(&r->stamp, &ts, s->nstamp);
		s->fresh = s->end;
	}
	if (n > 0)
		s->end += (size_t)n;
	return n;
}

/* The input ended: its last line is finished as soon as it can be. */
static void
input_ended(struct relay *r, struct stream *s)
{
	close(s->fd);
	s->fd = -1;
	s->eof = true;
	(void)pump(r, s, true);
}

bool
relay_wants_input(const struct relay *r, enum relay_stream which)
{
	const struct stream *s = &r->st[which];

	return s->fd >= 0 && (s->sink == NULL || s->sink->retry_ms == 0) &&
	    !pending(s) && s->end - s->start < s->cap;
}

int
relay_read(struct relay *r, enum relay_stream which)
{
	struct stream *s = &r->st[which];
	int i;

	if (s->fd < 0)
		return -1;
	for (i = 0; i < READS_PER_CALL && relay_wants_input(r, which); i++) {
		ssize_t n;

		make_room(s);
		n = read_some(r, s, SIZE_MAX);
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			/* The end, or a read error: no more will come. */
			input_ended(r, s);
			return -1;
		}
		(void)pump(r, s, false);
	}
	return 0;
}

int
relay_fd(const struct relay *r, enum relay_stream which)
{
	return r->st[which].fd;
}

static void
set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1 && !(fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void
relay_set_input(struct relay *r, enum relay_stream which, int fd)
{
	struct stream *s = &r->st[which];

	if (s->fd >= 0 && s->fd != fd)
		close(s->fd);
	s->fd = fd;
	s->eof = false;
	/* Drains read what is there without waiting for more. */
	if (fd >= 0)
		set_nonblocking(fd);
}

/* --- Retries and drains ------------------------------------------------- */

int
relay_timeout(const struct relay *r)
{
	long long now = clock_ms(), t = -1;
	int i;

	for (i = 0; i < RELAY_STREAMS; i++) {
		long long at = r->sinks[i].retry_ms, d;

		if (at == 0)
			continue;
		d = at > now ? at - now : 0;
		if (t == -1 || d < t)
			t = d;
	}
	return (int)t;
}

/* Everything waiting for k, a line begun in it first. */
static int
sink_flush(struct relay *r, struct sink *k)
{
	struct stream *all[] = { k->owner, &r->st[RELAY_OUT],
	    &r->st[RELAY_ERR], &r->msg };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct stream *s = all[i];

		if (s != NULL && s->sink == k && pump(r, s, s->eof) == -1)
			return -1;
	}
	return 0;
}

void
relay_retry(struct relay *r)
{
	long long now = clock_ms();
	int i;

	for (i = 0; i < RELAY_STREAMS; i++) {
		struct sink *k = &r->sinks[i];
		long long secs;

		if (k->retry_ms == 0 || now < k->retry_ms)
			continue;
		k->retry_ms = 0;
		if (sink_flush(r, k) == -1)
			continue;
		secs = (now - k->since_ms + 500) / 1000;
		k->since_ms = 0;
		relay_message(r, "could not write log file '%s' for %lld s: %s",
		    k->lf.path, secs, strerror(k->error));
	}
}

/* What the pipe holds now, then the last line finished. */
static int
drain_stream(struct relay *r, struct stream *s)
{
	int avail = 0;

	if (s->fd >= 0 && ioctl(s->fd, FIONREAD, &avail) == -1)
		avail = 0;
	while (avail > 0) {
		ssize_t n;

		if (pump(r, s, false) == -1)
			return -1;
		make_room(s);
		n = read_some(r, s, (size_t)avail);
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			input_ended(r, s);
			break;
		}
		avail -= (int)n;
	}
	return pump(r, s, true);
}

int
relay_drain(struct relay *r)
{
	int i, rc = 0;

	for (i = 0; i < RELAY_STREAMS; i++)
		if (drain_stream(r, &r->st[i]) == -1)
			rc = 1;
	if (r->msg.sink != NULL && pump(r, &r->msg, false) == -1)
		rc = 1;
	return rc;
}

/* --- Messages ----------------------------------------------------------- */

bool
relay_has_messages(const struct relay *r)
{
	return r->msg.sink != NULL;
}

int
relay_message(struct relay *r, const char *fmt, ...)
{
	static const char prefix[] = "daemonize: ";
	char text[1024], line[2048];
	size_t n = 0;
	va_list ap;
	int len;

	if (r->msg.sink == NULL)
		return -1;
	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	if (r->timestamps) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		n = stamp_format(&r->stamp, &ts, line);
	}
	memcpy(line + n, prefix, sizeof(prefix) - 1);
	n += sizeof(prefix) - 1;
	n += msg_escape(line + n, sizeof(line) - n - 1, text,
	    (size_t)len < sizeof(text) ? (size_t)len : sizeof(text) - 1);
	line[n++] = '\n';
	if (r->msg.ocap - r->msg.oend < n)
		return -1;
	memcpy(r->msg.out + r->msg.oend, line, n);
	r->msg.oend += n;
	(void)pump(r, &r->msg, false);
	return 0;
}

/* --- Set-up ------------------------------------------------------------- */

/* Whether the -e file is the -o file: given as one, or the same inode. */
static bool
same_as_out(const struct relay *r, const struct relay_conf *c)
{
	const struct logfile *out = &r->sinks[RELAY_OUT].lf;
	struct stat st;

	if (r->st[RELAY_OUT].sink == NULL)
		return false;
	if (c->file[RELAY_ERR] < 0)
		return logfile_same(out, c->path[RELAY_ERR]);
	return c->file[RELAY_ERR] == c->file[RELAY_OUT] ||
	    (fstat(c->file[RELAY_ERR], &st) == 0 && st.st_dev == out->dev &&
	    st.st_ino == out->ino);
}

static int
open_sinks(struct relay *r, const struct relay_conf *c, int *bad)
{
	int i;

	for (i = 0; i < RELAY_STREAMS; i++) {
		if (c->path[i] == NULL)
			continue;
		if (i == RELAY_ERR && same_as_out(r, c)) {
			r->st[i].sink = r->st[RELAY_OUT].sink;
			continue;
		}
		if (logfile_open(&r->sinks[i].lf, c->path[i], c->file[i],
		    c->log_size, c->log_keep) == -1) {
			*bad = i;
			return -1;
		}
		r->st[i].sink = &r->sinks[i];
	}
	return 0;
}

static int
alloc_buffers(struct relay *r)
{
	int i;

	for (i = 0; i < RELAY_STREAMS; i++) {
		struct stream *s = &r->st[i];

		s->cap = s->sink != NULL ? IN_CAP : NULL_CAP;
		if ((s->in = malloc(s->cap)) == NULL)
			return -1;
		if (r->timestamps && s->sink != NULL) {
			s->ocap = OUT_CAP;
			if ((s->out = malloc(s->ocap)) == NULL)
				return -1;
		}
	}
	r->msg.sink = r->st[RELAY_ERR].sink != NULL ? r->st[RELAY_ERR].sink :
	    r->st[RELAY_OUT].sink;
	r->msg.out = r->msgbuf;
	r->msg.ocap = sizeof(r->msgbuf);
	r->msg.fd = -1;
	return 0;
}

/* Free what relay_open() made, leaving the caller's descriptors open. */
static void
undo(struct relay *r, const struct relay_conf *c)
{
	int i;

	for (i = 0; i < RELAY_STREAMS; i++) {
		if (r->st[i].sink == &r->sinks[i]) {
			if (c->file[i] >= 0)
				r->sinks[i].lf.fd = -1;
			logfile_close(&r->sinks[i].lf);
		}
		free(r->st[i].in);
		free(r->st[i].out);
	}
	free(r);
}

struct relay *
relay_open(const struct relay_conf *c, int *bad)
{
	struct relay *r = calloc(1, sizeof(*r));
	int i, e;

	*bad = -1;
	if (r == NULL)
		return NULL;
	r->timestamps = c->timestamps;
	stamp_init(&r->stamp);
	for (i = 0; i < RELAY_STREAMS; i++)
		r->st[i].fd = -1;
	if (open_sinks(r, c, bad) == -1 || alloc_buffers(r) == -1) {
		e = errno;
		undo(r, c);
		errno = e;
		return NULL;
	}
	/* The -e descriptor given for the shared file is not needed. */
	if (r->st[RELAY_ERR].sink != NULL &&
	    r->st[RELAY_ERR].sink == r->st[RELAY_OUT].sink &&
	    c->file[RELAY_ERR] >= 0 && c->file[RELAY_ERR] != c->file[RELAY_OUT])
		close(c->file[RELAY_ERR]);
	for (i = 0; i < RELAY_STREAMS; i++)
		if (c->in[i] >= 0)
			relay_set_input(r, (enum relay_stream)i, c->in[i]);
	return r;
}

void
relay_free(struct relay *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < RELAY_STREAMS; i++) {
		if (r->st[i].fd >= 0)
			close(r->st[i].fd);
		if (r->st[i].sink == &r->sinks[i])
			logfile_close(&r->sinks[i].lf);
		free(r->st[i].in);
		free(r->st[i].out);
	}
	free(r);
}
