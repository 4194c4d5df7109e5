/*
 * Signal names. glibc's sigabbrev_np(3) knows the classic ones; the
 * real-time ones are spelt RTMIN+N and RTMAX-N, as kill(1) does.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "num.h"
#include "signame.h"

static int
parse_number(const char *s, long long lo, long long hi)
{
	const char *why;
	long long v;

	return num_parse(s, lo, hi, &v, &why) == 0 ? (int)v : -1;
}

static int
parse_realtime(const char *s)
{
	int n, range = SIGRTMAX - SIGRTMIN;

	if (strcasecmp(s, "RTMIN") == 0)
		return SIGRTMIN;
	if (strcasecmp(s, "RTMAX") == 0)
		return SIGRTMAX;
	if (strncasecmp(s, "RTMIN+", 6) == 0 &&
	    (n = parse_number(s + 6, 1, range)) != -1)
		return SIGRTMIN + n;
	if (strncasecmp(s, "RTMAX-", 6) == 0 &&
	    (n = parse_number(s + 6, 1, range)) != -1)
		return SIGRTMAX - n;
	return -1;
}

int
signame_parse(const char *s)
{
	int sig;

	/* 0 is kill(2)'s "may it be signalled?": a caller may refuse it. */
	if (*s >= '0' && *s <= '9')
		return parse_number(s, 0, SIGRTMAX);
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev != NULL && strcasecmp(s, abbrev) == 0)
			return sig;
	}
	return parse_realtime(s);
}

const char *
signame_format(int sig, char *buf, size_t size)
{
	const char *abbrev = sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	if (abbrev != NULL)
		snprintf(buf, size, "SIG%s", abbrev);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, size, "%d", sig);
	return buf;
}
