/*
 * libFuzzer harness of the sd_notify message parser, notify_parse()
 * (src/notify.c): each input is one datagram.
 *
 * The oracle is the protocol as notify.h states it, computed here from
 * scratch: a datagram over NOTIFY_MAX bytes or holding a NUL is ignored
 * whole (-1); lines end at '\n'; READY=1 and BARRIER=1 count wherever they
 * are; of STATUS=, ERRNO= and EXTEND_TIMEOUT_USEC= only the first line of
 * each counts, even when its value is bad; ERRNO is a decimal from 1 to
 * INT_MAX, EXTEND_TIMEOUT_USEC one from 0 to LLONG_MAX. Numbers with
 * leading zeros may be taken or not; everything else must match exactly.
 * fuzz/notify_socket_fuzz.c covers the socket around it.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "notify.h"

#define INPUT_MAX	(NOTIFY_MAX + 64)


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_keep_stderr();
	return 0;
}

static void
check(bool ok, const char *what)
{
	if (!ok)
		harness_fail("notify_fuzz: %s", what);
}

/* A number's verdict: its value if it is one in [lo, hi], else -1. */
struct number {
	long long v;		/* -1: not a number in range */
	bool canonical;		/* no leading zero: must be taken as it is */
};

static struct number
number(const char *s, size_t n, long long lo, long long hi)
{
	struct number r = { -1, true };
	unsigned long long v = 0;
	size_t i;

	if (n == 0)
		return r;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return r;	/* not digits: must be refused */
		if (v > (ULLONG_MAX - 9) / 10)
			v = ULLONG_MAX;
		else
			v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	r.canonical = !(s[0] == '0' && n > 1);
	if (v >= (unsigned long long)lo && v <= (unsigned long long)hi)
		r.v = (long long)v;
	return r;
}

/* What the datagram says, by the protocol. */
struct expect {
	bool ready, barrier;
	const char *status;		/* the first STATUS= value, or NULL */
	size_t status_len;
	bool errno_seen, extend_seen;
	struct number err, extend;
	size_t lines;			/* non-empty ones */
};

static bool
starts(const char *line, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n >= k && memcmp(line, key, k) == 0;
}

static void
expect_line(struct expect *x, const char *line, size_t n)
{
	x->lines++;
	if (n == 7 && memcmp(line, "READY=1", 7) == 0)
		x->ready = true;
	else if (n == 9 && memcmp(line, "BARRIER=1", 9) == 0)
		x->barrier = true;
	else if (starts(line, n, "STATUS=") && x->status == NULL) {
		x->status = line + 7;
		x->status_len = n - 7;
	} else if (starts(line, n, "ERRNO=") && !x->errno_seen) {
		x->errno_seen = true;
		x->err = number(line + 6, n - 6, 1, INT_MAX);
	} else if (starts(line, n, "EXTEND_TIMEOUT_USEC=") &&
	    !x->extend_seen) {
		x->extend_seen = true;
		x->extend = number(line + 20, n - 20, 0, LLONG_MAX);
	}
}

static void
expect(struct expect *x, const char *buf, size_t len)
{
	size_t at = 0;

	memset(x, 0, sizeof(*x));
	while (at < len) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - (buf + at)) : len - at;

		if (n > 0)
			expect_line(x, buf + at, n);
		at += n + 1;
	}
}

/* The parser's figure for a number the oracle judged as x. */
static bool
same_number(const struct number *x, bool seen, long long got, long long none)
{
	if (!seen || x->v == -1)
		return got == none;
	return got == x->v || (!x->canonical && got == none);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_msg m;
	struct expect x;
	char *buf;
	int rc;

	if (size > INPUT_MAX)
		return 0;
	/* Exactly size bytes, so reading one more is an ASan report. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	rc = notify_parse(buf, size, &m);
	if (size > NOTIFY_MAX || memchr(buf, '\0', size) != NULL) {
		check(rc == -1, "a datagram over NOTIFY_MAX or with a NUL "
		    "was not ignored");
		free(buf);
		return 0;
	}
	check(rc == 0, "a datagram was ignored whole");
	expect(&x, buf, size);
	check(m.ready == x.ready, "READY=1 misread");
	check(m.barrier == x.barrier, "BARRIER=1 misread");
	check(m.status == x.status && m.status_len == x.status_len,
	    "STATUS= is not the first one's value");
	check(same_number(&x.err, x.errno_seen, m.error, 0),
	    "ERRNO= misread");
	check(same_number(&x.extend, x.extend_seen, m.extend_usec, -1),
	    "EXTEND_TIMEOUT_USEC= misread");
	check(m.ignored <= x.lines, "more lines ignored than there are");
	free(buf);
	return 0;
}
