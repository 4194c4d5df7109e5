/* stamp.c: RFC 3339 timestamps in fixed time zones, and their recognition. */
#include <stdlib.h>
#include <string.h>

#include "../../src/stamp.h"
#include "unit.h"

/* POSIX TZ strings, so no time zone database is needed. */
static const struct {
	const char *tz;
	time_t sec;
	long nsec;
	const char *want;
} stamps[] = {
	{ "UTC0", 1796278327, 123456789, "2026-12-03T06:12:07.123+00:00 " },
	{ "UTC0", 1796278327, 999999999, "2026-12-03T06:12:07.999+00:00 " },
	{ "UTC0", 1796278327, 0, "2026-12-03T06:12:07.000+00:00 " },
	{ "UTC0", 1796278328, 5000000, "2026-12-03T06:12:08.005+00:00 " },
	{ "UTC0", 0, 40000000, "1970-01-01T00:00:00.040+00:00 " },
	{ "IST-5:30", 1796278327, 123000000, "2026-12-03T11:42:07.123+05:30 " },
	{ "EST5", 1796278327, 1000000, "2026-12-03T01:12:07.001-05:00 " },
	{ "NST3:30", 1796278327, 250000000, "2026-12-03T02:42:07.250-03:30 " },
	{ "MART9:30", 1796278327, 0, "2026-12-02T20:42:07.000-09:30 " },
	{ "EST5", 0, 0, "1969-12-31T19:00:00.000-05:00 " },
	/* Summer time, then winter time, of one rule. */
	{ "CET-1CEST,M3.5.0,M10.5.0/3", 1783000000, 0,
	    "2026-07-02T15:46:40.000+02:00 " },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", 1796278327, 0,
	    "2026-12-03T07:12:07.000+01:00 " },
	/* Seconds in the offset: the nearest minute, and the time for it. */
	{ "LMT-0:19:32", 1796278327, 0, "2026-12-03T06:32:07.000+00:20 " },
};

static const struct {
	const char *line;
	size_t want;
} prefixes[] = {
	{ "2026-12-03T06:12:07.123+00:00 hello", STAMP_LEN },
	{ "2026-12-03T06:12:07.123-03:30 ", STAMP_LEN },
	{ "2026-12-03T06:12:07.123+00:00", 0 },		/* no space */
	{ "2026-12-03 06:12:07.123+00:00 x", 0 },
	{ "2026-12-03T06:12:07,123+00:00 x", 0 },
	{ "2026-12-03T06:12:07.123Z x", 0 },
	{ "daemonize: 'srv' exited with status 3", 0 },
	{ "", 0 },
};

int
main(void)
{
	struct stamp st;
	char out[STAMP_MAX + 1];
	size_t i, n;

	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		struct timespec ts = { stamps[i].sec, stamps[i].nsec };
		const char *want = stamps[i].want;

		setenv("TZ", stamps[i].tz, 1);
		stamp_init(&st);
		n = stamp_format(&st, &ts, out);
		out[n] = '\0';
		unit_check(n == strlen(want) && strcmp(out, want) == 0,
		    "stamp_format(%s, %lld.%09ld) = '%s'", stamps[i].tz,
		    (long long)ts.tv_sec, ts.tv_nsec, out);
	}

	/* The cached second: only the milliseconds change, then the second. */
	setenv("TZ", "IST-5:30", 1);
	stamp_init(&st);
	{
		struct timespec a = { 1796278327, 1000000 };
		struct timespec b = { 1796278327, 998000000 };
		struct timespec c = { 1796278328, 0 };

		n = stamp_format(&st, &a, out);
		n = stamp_format(&st, &b, out);
		out[n] = '\0';
		unit_check(strcmp(out, "2026-12-03T11:42:07.998+05:30 ") == 0,
		    "same second, later milliseconds: '%s'", out);
		n = stamp_format(&st, &c, out);
		out[n] = '\0';
		unit_check(strcmp(out, "2026-12-03T11:42:08.000+05:30 ") == 0,
		    "next second: '%s'", out);
	}

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		unit_check(stamp_prefix(prefixes[i].line,
		    strlen(prefixes[i].line)) == prefixes[i].want,
		    "stamp_prefix('%s') = %zu", prefixes[i].line,
		    prefixes[i].want);
	return unit_done();
}
