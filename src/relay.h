/*
 * The output relay of supervised mode: the command's stdout and stderr
 * pipes copied into the -o and -e files, line by line, with --timestamps,
 * --log-size and --log-keep. It has no loop of its own: its driver polls
 * the descriptors it names and calls it back.
 *
 *     r = relay_open(&conf, &bad);
 *     loop:
 *         poll relay_fd(r, s) for POLLIN where relay_wants_input(r, s)
 *         (else leave it out: a blocked stream is not read), with a
 *         timeout of at most relay_timeout(r);
 *         relay_read(r, s) for each readable (or hung up) one;
 *         relay_retry(r) when the timeout expired (calling it more often
 *         is harmless).
 *     at a run's end: relay_drain(r), and again after each retry until
 *     it returns 0; then relay_message(r, "...") for the run's end.
 *
 * Lines of each stream are written whole, in order, never mixed with the
 * other stream's: each stream has its own fixed buffers, so memory is
 * bounded whatever the input rate. While a file cannot be written (a full
 * disk) nothing is dropped: the streams going there are not read, so the
 * command blocks once its pipe is full, and writing is retried every
 * second.
 */
#ifndef DAEMONIZE_RELAY_H
#define DAEMONIZE_RELAY_H

#include <stdbool.h>
#include <stddef.h>

enum relay_stream { RELAY_OUT, RELAY_ERR };
#define RELAY_STREAMS	2

/* Lines up to this many bytes (the newline not counted) are kept whole. */
#define RELAY_LINE_MAX	65536
/* How long a file that could not be written is left alone (ms). */
#define RELAY_RETRY_MS	1000

struct relay_conf {
	/* -o, -e; NULL: that stream is read and dropped. */
	const char *path[RELAY_STREAMS];
	/* Already open on path (the same number for both: one file), or -1. */
	int file[RELAY_STREAMS];
	/* The read ends of the command's stdout and stderr pipes, or -1. */
	int in[RELAY_STREAMS];
	bool timestamps;
	unsigned long long log_size;	/* 0: no rotation */
	unsigned log_keep;
	/* The files as the user named them, for messages (NULL: path). */
	const char *name[RELAY_STREAMS];
};

struct relay;

/*
 * The relay, which then owns every descriptor in conf (and closes them).
 * NULL with errno set on failure, *bad set to the stream whose file could
 * not be opened (-1: out of memory); conf's descriptors are left alone.
 * Files named the same (however spelled) are opened once.
 */
struct relay *relay_open(const struct relay_conf *conf, int *bad);
/* Close everything, written or not. */
void relay_free(struct relay *r);

/* The descriptor of stream s to poll, -1 when it has none (or ended). */
int relay_fd(const struct relay *r, enum relay_stream s);
/* Whether to poll it for POLLIN now: false while its file is blocked. */
bool relay_wants_input(const struct relay *r, enum relay_stream s);
/*
 * Read what stream s has and write its whole lines. At the end of its
 * input its last line is finished (a newline added if needed) and its
 * descriptor closed: returns -1 then, else 0.
 */
int relay_read(struct relay *r, enum relay_stream s);
/*
 * Give stream s a new input (a new run's pipe), closing the old one;
 * after relay_drain() returned 0, so that the last run's last line is
 * finished first.
 */
void relay_set_input(struct relay *r, enum relay_stream s, int fd);

/* Milliseconds until relay_retry() is due (0: now), or -1: not needed. */
int relay_timeout(const struct relay *r);
/* Try again to write what a file refused. */
void relay_retry(struct relay *r);

/*
 * A run ended: read what its pipes hold now without waiting for more (a
 * child it left may still hold them), write it, and finish each last
 * line. 0 when everything is written, 1 while a file refuses it (call
 * again after relay_retry()).
 */
int relay_drain(struct relay *r);

/*
 * Give back the memory of the buffers a burst of output dirtied, where
 * they are empty (a drain that wrote everything does it too): for a
 * supervisor whose loop has been idle for a while.
 */
void relay_trim(struct relay *r);

/*
 * One line of the supervisor's, timestamped like the others, into the -e
 * file, else the -o file: "daemonize: " and the text, control characters
 * escaped. Queued (a few KiB) while that file is blocked. -1 when there is
 * no such file, or no room to queue it.
 */
int relay_message(struct relay *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether stream s has a file (else it is read and dropped). */
bool relay_has_file(const struct relay *r, enum relay_stream s);
/* Whether relay_message() has a file to go to. */
bool relay_has_messages(const struct relay *r);

#endif
