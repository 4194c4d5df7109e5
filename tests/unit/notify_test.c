/* notify.c: the sd_notify message parser, a datagram at a time. */
#include <string.h>

#include "../../src/notify.h"
#include "unit.h"

#define NONE	((const char *)0)

static const struct {
	const char *what;
	const char *buf;
	size_t len;		/* 0: strlen(buf) */
	int rc;
	bool ready, barrier;
	const char *status;	/* NONE: no STATUS= */
	int error;
	long long extend;
	size_t ignored;
} cases[] = {
	{ "READY=1", "READY=1", 0, 0, true, false, NONE, 0, -1, 0 },
	{ "with a newline", "READY=1\n", 0, 0, true, false, NONE, 0, -1, 0 },
	{ "STATUS then READY", "STATUS=warming\nREADY=1", 0,
	    0, true, false, "warming", 0, -1, 0 },
	{ "READY=0 is no use", "READY=0", 0, 0, false, false, NONE, 0, -1, 1 },
	{ "READY=1 and a space", "READY=1 ", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "READY=1 and CR", "READY=1\r\n", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "names are case-sensitive", "ready=1", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "BARRIER=1", "BARRIER=1", 0, 0, false, true, NONE, 0, -1, 0 },
	{ "ERRNO=2", "ERRNO=2", 0, 0, false, false, NONE, 2, -1, 0 },
	{ "ERRNO=0 is no failure", "ERRNO=0", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "ERRNO=-1", "ERRNO=-1", 0, 0, false, false, NONE, 0, -1, 1 },
	{ "ERRNO=+2", "ERRNO=+2", 0, 0, false, false, NONE, 0, -1, 1 },
	{ "ERRNO= 2", "ERRNO= 2", 0, 0, false, false, NONE, 0, -1, 1 },
	{ "ERRNO over INT_MAX", "ERRNO=2147483648", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "ERRNO=INT_MAX", "ERRNO=2147483647", 0,
	    0, false, false, NONE, 2147483647, -1, 0 },
	{ "EXTEND_TIMEOUT_USEC", "EXTEND_TIMEOUT_USEC=3000000", 0,
	    0, false, false, NONE, 0, 3000000, 0 },
	{ "EXTEND_TIMEOUT_USEC=0", "EXTEND_TIMEOUT_USEC=0", 0,
	    0, false, false, NONE, 0, 0, 0 },
	{ "EXTEND_TIMEOUT_USEC empty", "EXTEND_TIMEOUT_USEC=", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "EXTEND_TIMEOUT_USEC too large",
	    "EXTEND_TIMEOUT_USEC=99999999999999999999", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "EXTEND_TIMEOUT_USEC in ms", "EXTEND_TIMEOUT_USEC=5ms", 0,
	    0, false, false, NONE, 0, -1, 1 },
	{ "unknown variables", "MAINPID=42\nWATCHDOG=1\nREADY=1", 0,
	    0, true, false, NONE, 0, -1, 2 },
	{ "no '='", "READY", 0, 0, false, false, NONE, 0, -1, 1 },
	{ "no name", "=1", 0, 0, false, false, NONE, 0, -1, 1 },
	{ "READY=1 after READY=0 counts", "READY=0\nREADY=1", 0,
	    0, true, false, NONE, 0, -1, 1 },
	{ "READY=1 twice", "READY=1\nREADY=1", 0,
	    0, true, false, NONE, 0, -1, 0 },
	{ "the first STATUS counts", "STATUS=a\nSTATUS=b", 0,
	    0, false, false, "a", 0, -1, 1 },
	{ "the first ERRNO counts, bad or not", "ERRNO=x\nERRNO=5", 0,
	    0, false, false, NONE, 0, -1, 2 },
	{ "an empty STATUS", "STATUS=", 0, 0, false, false, "", 0, -1, 0 },
	{ "STATUS is raw", "STATUS=a\tb\033c", 0,
	    0, false, false, "a\tb\033c", 0, -1, 0 },
	{ "STATUS may hold '='", "STATUS=x=1", 0,
	    0, false, false, "x=1", 0, -1, 0 },
	{ "an empty datagram", "", 0, 0, false, false, NONE, 0, -1, 0 },
	{ "empty lines", "\n\nREADY=1\n\n", 0,
	    0, true, false, NONE, 0, -1, 0 },
	{ "all of them", "STATUS=up\nERRNO=5\nBARRIER=1\nREADY=1\n"
	    "EXTEND_TIMEOUT_USEC=7", 0, 0, true, true, "up", 5, 7, 0 },
	{ "a NUL byte", "READY=1\n\0X=1\n", 13,
	    -1, false, false, NONE, 0, -1, 0 },
	{ "cut short by recv", "READY=1", NOTIFY_MAX + 1000,
	    -1, false, false, NONE, 0, -1, 0 },
};

static bool
same_status(const struct notify_msg *m, const char *want)
{
	if (want == NONE)
		return m->status == NULL;
	return m->status != NULL && m->status_len == strlen(want) &&
	    memcmp(m->status, want, m->status_len) == 0;
}

/* A datagram of exactly len bytes: "READY=1\nX=" and padding. */
static void
check_size(size_t len, int rc)
{
	static char buf[NOTIFY_MAX + 2];
	struct notify_msg m;
	int got;

	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "READY=1\nX=", 10);
	got = notify_parse(buf, len, &m);
	unit_check(got == rc && (rc != 0 || (m.ready && m.ignored == 1)),
	    "a datagram of %zu bytes: %s", len, rc == 0 ? "read" : "ignored");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct notify_msg m;
		size_t len = cases[i].len != 0 ? cases[i].len :
		    strlen(cases[i].buf);
		int rc = notify_parse(cases[i].buf, len, &m);

		unit_check(rc == cases[i].rc && (rc != 0 ||
		    (m.ready == cases[i].ready &&
		    m.barrier == cases[i].barrier &&
		    same_status(&m, cases[i].status) &&
		    m.error == cases[i].error &&
		    m.extend_usec == cases[i].extend &&
		    m.ignored == cases[i].ignored)),
		    "notify_parse: %s", cases[i].what);
	}
	check_size(NOTIFY_MAX, 0);
	check_size(NOTIFY_MAX + 1, -1);
	return unit_done();
}
