/*
 * Timestamps of log lines, RFC 3339: "2026-12-03T06:12:07.123+05:30 ".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "stamp.h"

void
stamp_init(struct stamp *st)
{
	memset(st, 0, sizeof(*st));
	/* localtime_r() need not read TZ itself; localtime() would. */
	tzset();
}

/*
 * RFC 3339 offsets have whole minutes. A zone with seconds in its offset
 * (local mean time before 1900) gets the nearest minute, and the wall
 * time is computed for that offset, so the stamp still names the instant.
 */
static long
offset_of(time_t t, struct tm *tm)
{
	long off = tm->tm_gmtoff;
	long rounded = (off >= 0 ? (off + 30) / 60 : -((-off + 30) / 60)) * 60;

	if (rounded != off) {
		time_t shifted = t + rounded;

		gmtime_r(&shifted, tm);
	}
	return rounded;
}

/* The text of second t, with "000" for milliseconds. */
static void
stamp_second(struct stamp *st, time_t t)
{
	struct tm tm;
	long off;
	char sign;
	int n;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	off = offset_of(t, &tm);
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	n = snprintf(st->text, sizeof(st->text),
	    "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	st->ms_at = (size_t)n;
	n += snprintf(st->text + n, sizeof(st->text) - (size_t)n,
	    "000%c%02ld:%02ld ", sign, off / 3600, off / 60 % 60);
	st->len = (size_t)n;
	st->sec = t;
	st->valid = 1;
}

size_t
stamp_format(struct stamp *st, const struct timespec *ts, char *out)
{
	int ms = (int)(ts->tv_nsec / 1000000);

	if (!st->valid || st->sec != ts->tv_sec)
		stamp_second(st, ts->tv_sec);
	memcpy(out, st->text, st->len);
	out[st->ms_at] = (char)('0' + ms / 100);
	out[st->ms_at + 1] = (char)('0' + ms / 10 % 10);
	out[st->ms_at + 2] = (char)('0' + ms % 10);
	return st->len;
}

/* "0000-00-00T00:00:00.000+00:00 ", where 0 stands for any digit. */
static const char stamp_shape[] = "0000-00-00T00:00:00.000+00:00 ";

size_t
stamp_prefix(const char *line, size_t len)
{
	size_t i;

	if (len < STAMP_LEN)
		return 0;
	for (i = 0; i < STAMP_LEN; i++) {
		char want = stamp_shape[i], c = line[i];
		bool ok;

		if (want == '0')
			ok = c >= '0' && c <= '9';
		else if (want == '+')
			ok = c == '+' || c == '-';
		else
			ok = c == want;
		if (!ok)
			return 0;
	}
	return STAMP_LEN;
}
