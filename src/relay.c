/*
 * The output relay: two streams (stream.c) and the supervisor's messages
 * into one or two files; retries while a file refuses writes; drains at a
 * run's end; failures about the files' names said once, in the log.
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
#include "stream.h"

/*
 * Reads of up to 128 KiB beside a partial line of RELAY_LINE_MAX bytes
 * (a pipe gives at most 64 KiB by default).
 */
#define IN_CAP		(RELAY_LINE_MAX + 128 * 1024)
#define NULL_CAP	(64 * 1024)
/* A dropped stream needs no lines: one read's worth. */
/* Stamped lines waiting to be written: at least the longest line. */
#define OUT_CAP		(128 * 1024)
#define MSG_CAP		4096
/* Reads per relay_read() call, so the other stream gets its turn. */
#define READS_PER_CALL	8

_Static_assert(RELAY_LINE_MAX == STREAM_LINE_MAX &&
    RELAY_RETRY_MS == STREAM_RETRY_MS, "relay.h and stream.h agree");

struct relay {
	struct stream st[RELAY_STREAMS];
	struct stream msg;	/* the supervisor's lines: out only */
	struct sink sinks[RELAY_STREAMS];
	bool timestamps;
	struct stamp stamp;
	char msgbuf[MSG_CAP];
};

/* A failure about a file's name, said once until it changes. */
static void
report_trouble(struct relay *r, struct sink *k)
{
	const char *what = k->trouble;
	int e = k->trouble_errno;

	if (what == NULL)
		return;
	k->trouble = NULL;
	if (k->said == e)
		return;
	k->said = e;
	relay_message(r, "cannot %s log file '%s': %s", what, k->shown,
	    strerror(e));
}

static int
pump(struct relay *r, struct stream *s, bool final)
{
	int rc = stream_pump(s, final);

	if (s->sink != NULL)
		report_trouble(r, s->sink);
	return rc;
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
	    !stream_pending(s) && s->end - s->start < s->cap;
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

		n = stream_read(s, SIZE_MAX);
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
		    k->shown, secs, strerror(k->error));
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
		n = stream_read(s, (size_t)avail);
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
	if (rc == 0)
		relay_trim(r);
	return rc;
}

void
relay_trim(struct relay *r)
{
	int i;

	for (i = 0; i < RELAY_STREAMS; i++)
		stream_trim(&r->st[i]);
}

/* --- Messages ----------------------------------------------------------- */

bool
relay_has_file(const struct relay *r, enum relay_stream which)
{
	return r->st[which].sink != NULL;
}

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
		r->sinks[i].shown = strdup(c->name[i] != NULL ? c->name[i] :
		    c->path[i]);
		if (r->sinks[i].shown == NULL)
			return -1;
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
			s->clock = &r->stamp;
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
			free(r->sinks[i].shown);
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
	int i;

	*bad = -1;
	if (r == NULL)
		return NULL;
	r->timestamps = c->timestamps;
	stamp_init(&r->stamp);
	for (i = 0; i < RELAY_STREAMS; i++)
		r->st[i].fd = -1;
	if (open_sinks(r, c, bad) == -1 || alloc_buffers(r) == -1) {
		int e = errno;

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
		if (r->st[i].sink == &r->sinks[i]) {
			logfile_close(&r->sinks[i].lf);
			free(r->sinks[i].shown);
		}
		free(r->st[i].in);
		free(r->st[i].out);
	}
	free(r);
}

