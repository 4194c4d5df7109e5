/* signame.c: signal names and numbers as kill(1) spells them. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../../src/signame.h"
#include "unit.h"

static const struct {
	const char *s;
	int sig;		/* -1: refused; RT_BASE + n: SIGRTMIN + n */
} parses[] = {
	{ "TERM", SIGTERM }, { "term", SIGTERM }, { "SIGTERM", SIGTERM },
	{ "sigterm", SIGTERM }, { "SigHup", SIGHUP }, { "HUP", SIGHUP },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "usr2", SIGUSR2 },
	{ "WINCH", SIGWINCH }, { "CHLD", SIGCHLD }, { "SYS", SIGSYS },
	{ "0", 0 }, { "00", 0 }, { "1", 1 }, { "9", 9 }, { "15", 15 },
	{ "010", 10 }, { "64", 64 },
	{ "", -1 }, { "SIG", -1 }, { "NOPE", -1 }, { "SIGNOPE", -1 },
	{ "65", -1 }, { "-1", -1 }, { "+1", -1 }, { " 1", -1 },
	{ "1 ", -1 }, { "TERM ", -1 }, { " TERM", -1 }, { "KILLX", -1 },
	{ "SIGSIGTERM", -1 }, { "0x9", -1 }, { "SIG9", -1 },
	{ "99999999999", -1 },
};

static const struct {
	const char *s;
	int off;		/* from SIGRTMIN, or from SIGRTMAX if max */
	int max;
} rt[] = {
	{ "RTMIN", 0, 0 }, { "rtmin", 0, 0 }, { "SIGRTMIN", 0, 0 },
	{ "RTMIN+1", 1, 0 }, { "rtmin+2", 2, 0 }, { "RTMAX", 0, 1 },
	{ "SIGRTMAX", 0, 1 }, { "RTMAX-1", -1, 1 }, { "rtmax-3", -3, 1 },
};

static const char *rt_bad[] = {
	"RTMIN+0", "RTMIN+", "RTMIN-1", "RTMAX+1", "RTMAX-0", "RTMIN+99",
	"RTMIN+ 1", "RTMIN++1", "RTMID",
};

static const struct {
	int sig;
	const char *name;
} formats[] = {
	{ SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" }, { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" }, { SIGCHLD, "SIGCHLD" }, { 0, "0" },
};

int
main(void)
{
	char buf[32], want[32];
	size_t i;
	int n;

	for (i = 0; i < sizeof(parses) / sizeof(parses[0]); i++)
		unit_check(signame_parse(parses[i].s) == parses[i].sig,
		    "signame_parse(\"%s\") is %d", parses[i].s, parses[i].sig);
	for (i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		int want_sig = (rt[i].max ? SIGRTMAX : SIGRTMIN) + rt[i].off;

		unit_check(signame_parse(rt[i].s) == want_sig,
		    "signame_parse(\"%s\") is %d", rt[i].s, want_sig);
	}
	for (i = 0; i < sizeof(rt_bad) / sizeof(rt_bad[0]); i++)
		unit_check(signame_parse(rt_bad[i]) == -1,
		    "signame_parse(\"%s\") is refused", rt_bad[i]);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		unit_check(strcmp(signame_format(formats[i].sig, buf,
		    sizeof(buf)), formats[i].name) == 0,
		    "signame_format(%d) is %s", formats[i].sig,
		    formats[i].name);
	/* Every real-time signal reads back as written ("RTMIN+0" is not). */
	for (n = SIGRTMIN; n <= SIGRTMAX; n++) {
		snprintf(want, sizeof(want), "SIGRTMIN+%d", n - SIGRTMIN);
		signame_format(n, buf, sizeof(buf));
		unit_check(strcmp(buf, want) == 0 &&
		    signame_parse(n == SIGRTMIN ? "RTMIN" : buf + 3) == n,
		    "signal %d is %s, and back", n, want);
	}
	/* And so does every classic one with a name. */
	for (n = 1; n < SIGRTMIN; n++) {
		signame_format(n, buf, sizeof(buf));
		unit_check(signame_parse(buf) == n, "signame_parse(\"%s\") "
		    "is %d, as formatted", buf, n);
	}
	/* Cut to the buffer, never past it. */
	signame_format(SIGTERM, buf, 5);
	unit_check(strcmp(buf, "SIGT") == 0, "signame_format cuts to size");
	return unit_done();
}
