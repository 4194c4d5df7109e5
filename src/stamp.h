/*
 * Timestamps of log lines: the local time by this process's own TZ,
 * RFC 3339 with milliseconds and the numeric offset, then one space:
 * "2026-12-03T06:12:07.123+00:00 ". A leaf.
 */
#ifndef DAEMONIZE_STAMP_H
#define DAEMONIZE_STAMP_H

#include <stddef.h>
#include <time.h>

/* The length of a stamp in years 0 to 9999, its space included. */
#define STAMP_LEN	30
/* Room for any year an int holds. */
#define STAMP_MAX	48

/*
 * The text of the current second is kept, so that localtime_r() runs once
 * a second, not once a line; each stamp only writes its milliseconds.
 */
struct stamp {
	time_t sec;		/* the second text[] is for */
	int valid;
	size_t len;		/* of text[], the trailing space included */
	size_t ms_at;		/* where the three digits of milliseconds go */
	char text[STAMP_MAX];
};

/* An empty cache: the first stamp reads the time zone (tzset). */
void stamp_init(struct stamp *st);

/*
 * The stamp of time *ts into out (STAMP_MAX bytes, not NUL-terminated);
 * returns its length.
 */
size_t stamp_format(struct stamp *st, const struct timespec *ts, char *out);

/* The length of the stamp that line (len bytes) starts with, or 0. */
size_t stamp_prefix(const char *line, size_t len);

#endif
