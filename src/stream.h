/*
 * One stream of the output relay: its fixed buffers, cut into whole lines
 * (stamped with --timestamps), fitted to its file's --log-size, and
 * written with one system call for all the lines it has. Used by relay.c
 * only.
 */
#ifndef DAEMONIZE_STREAM_H
#define DAEMONIZE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "logfile.h"
#include "stamp.h"

/* Lines up to this many bytes (the newline not counted) are kept whole. */
#define STREAM_LINE_MAX	65536
/* How long a file that refused a write is left alone (ms). */
#define STREAM_RETRY_MS	1000

struct stream;

/* A file, and whether it refuses writes for now. */
struct sink {
	struct logfile lf;
	char *shown;		/* its name in messages */
	long long retry_ms;	/* blocked until then; 0: not blocked */
	long long since_ms;	/* when it first refused */
	int error;		/* why */
	struct stream *owner;	/* the stream it refused, first to retry */
	/* A failure about its name, for the relay to report once. */
	const char *trouble;	/* "reopen", "rotate" or NULL */
	int trouble_errno;
	int said;		/* the errno last reported */
};

struct stream {
	int fd;			/* input, or -1 */
	struct sink *sink;	/* NULL: read and dropped */
	struct stamp *clock;	/* NULL: no timestamps */
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

/* Whether s has output that its file has not taken yet. */
bool stream_pending(const struct stream *s);

/*
 * Write what s has: pending output first, then its whole lines (with
 * final, or once its input ended, its last partial line too). -1 while
 * its file refuses writes.
 */
int stream_pump(struct stream *s, bool final);

/*
 * One read of at most max bytes into s (from its descriptor), stamped
 * with the time it returned: what read(2) returned.
 */
ssize_t stream_read(struct stream *s, size_t max);

/* Give the pages of empty buffers back to the system. */
void stream_trim(struct stream *s);

#endif
