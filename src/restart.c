/*
 * Restart policy: capped exponential back-off that resets after a healthy
 * run (DESIGN.md, Supervised mode). The first restart waits MIN; each
 * further one after a run shorter than MAX waits twice the last, capped at
 * MAX; a run of MAX or longer starts over at MIN and resets the count.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "num.h"
#include "restart.h"

#define DELAY_MAX_S	1000000.0	/* about 11 days, as -t */

int
restart_parse_when(const char *s, enum restart_when *when)
{
	if (strcmp(s, "on-failure") == 0)
		*when = RESTART_ON_FAILURE;
	else if (strcmp(s, "always") == 0)
		*when = RESTART_ALWAYS;
	else
		return -1;
	return 0;
}

static long long
to_ms(double secs)
{
	return (long long)(secs * 1000.0 + 0.5);
}

int
restart_parse_delay(const char *s, struct restart_policy *p)
{
	char min[64];
	const char *colon = strchr(s, ':');
	size_t len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	double lo, hi;

	if (len >= sizeof(min))
		return -1;
	memcpy(min, s, len);
	min[len] = '\0';
	if (num_seconds(min, DELAY_MAX_S, &lo) == -1)
		return -1;
	if (colon == NULL)
		hi = lo > RESTART_MAX_DEFAULT_MS / 1000.0 ? lo :
		    RESTART_MAX_DEFAULT_MS / 1000.0;
	else if (num_seconds(colon + 1, DELAY_MAX_S, &hi) == -1)
		return -1;
	if (lo > hi)
		return -1;
	p->min_ms = to_ms(lo);
	p->max_ms = to_ms(hi);
	return 0;
}

bool
restart_is_failure(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status) != 0;
	if (WIFSIGNALED(status))
		switch (WTERMSIG(status)) {
		case SIGHUP: case SIGINT: case SIGTERM: case SIGPIPE:
			return false;
		default:
			return true;
		}
	return true;
}

enum restart_verdict
restart_next(const struct restart_policy *p, struct restart_state *st,
    long long run_ms, int status, long long *delay_ms)
{
	if (p->when == RESTART_NEVER ||
	    (p->when == RESTART_ON_FAILURE && !restart_is_failure(status)))
		return RESTART_NOT_WANTED;
	if (run_ms >= p->max_ms)
		st->count = 0;
	if (p->limit >= 0 && st->count >= p->limit)
		return RESTART_GIVE_UP;
	if (st->count == 0)
		st->delay_ms = p->min_ms;
	else
		st->delay_ms = st->delay_ms > p->max_ms / 2 ? p->max_ms :
		    st->delay_ms * 2;
	st->count++;
	*delay_ms = st->delay_ms;
	return RESTART_AFTER;
}

void
restart_format_delay(long long ms, char *buf, size_t size)
{
	long long frac = ms % 1000;
	int digits = 3;

	if (frac == 0) {
		snprintf(buf, size, "%lld s", ms / 1000);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, size, "%lld.%0*lld s", ms / 1000, digits, frac);
}
