/*
 * Resource controls. The names are prlimit(1)'s, so a limit reads the same
 * in both tools; values are parsed by num.c, the one number parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "compat.h"
#include "num.h"
#include "resource.h"

#define OOM_SCORE_ADJ_FILE	"/proc/self/oom_score_adj"

/* Arrays, not pointers, so the table needs no relocation (report.c). */
static const struct {
	char name[12];
	int resource;
} names[] = {
	{ "as",		RLIMIT_AS },
	{ "core",	RLIMIT_CORE },
	{ "cpu",	RLIMIT_CPU },
	{ "data",	RLIMIT_DATA },
	{ "fsize",	RLIMIT_FSIZE },
	{ "locks",	RLIMIT_LOCKS },
	{ "memlock",	RLIMIT_MEMLOCK },
	{ "msgqueue",	RLIMIT_MSGQUEUE },
	{ "nice",	RLIMIT_NICE },
	{ "nofile",	RLIMIT_NOFILE },
	{ "nproc",	RLIMIT_NPROC },
	{ "rss",	RLIMIT_RSS },
	{ "rtprio",	RLIMIT_RTPRIO },
	{ "rttime",	RLIMIT_RTTIME },
	{ "sigpending",	RLIMIT_SIGPENDING },
	{ "stack",	RLIMIT_STACK },
};

/* The resource spelled by the len bytes at s, or -1. */
static int
find_resource(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < nitems(names); i++)
		if (strlen(names[i].name) == len &&
		    strncmp(names[i].name, s, len) == 0)
			return names[i].resource;
	return -1;
}

/* The len bytes at s: a decimal number or "unlimited". */
static int
parse_value(const char *s, size_t len, rlim_t *v)
{
	char buf[32];
	const char *why;
	long long n;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strcmp(buf, "unlimited") == 0) {
		*v = RLIM_INFINITY;
		return 0;
	}
	if (num_parse(buf, 0, LLONG_MAX, &n, &why) == -1)
		return -1;
	*v = (rlim_t)n;
	return 0;
}

int
resource_parse_rlimit(const char *spec, struct rlimit_spec *r,
    const char **why)
{
	const char *eq = strchr(spec, '='), *val, *colon;

	r->given = spec;
	if (eq == NULL || eq == spec) {
		*why = "want NAME=SOFT[:HARD]";
		return -1;
	}
	if ((r->resource = find_resource(spec, (size_t)(eq - spec))) == -1) {
		*why = "unknown resource name";
		return -1;
	}
	val = eq + 1;
	colon = strchr(val, ':');
	if (parse_value(val, colon != NULL ? (size_t)(colon - val) :
	    strlen(val), &r->limit.rlim_cur) == -1 ||
	    (colon != NULL && parse_value(colon + 1, strlen(colon + 1),
	    &r->limit.rlim_max) == -1)) {
		*why = "a limit is a decimal number or 'unlimited'";
		return -1;
	}
	if (colon == NULL)
		r->limit.rlim_max = r->limit.rlim_cur;
	/* RLIM_INFINITY is the largest rlim_t: "unlimited" compares right. */
	if (r->limit.rlim_cur > r->limit.rlim_max) {
		*why = "the soft limit is above the hard one";
		return -1;
	}
	*why = NULL;
	return 0;
}

int
resource_set_limit(const struct rlimit_spec *r)
{
	return setrlimit(r->resource, &r->limit);
}

int
resource_add_nice(int n)
{
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (now == -1 && errno != 0)
		return -1;
	now += n;
	if (now < NICE_MIN)
		now = NICE_MIN;
	if (now > NICE_MAX)
		now = NICE_MAX;
	return setpriority(PRIO_PROCESS, 0, now);
}

int
resource_set_oom_score_adj(int n)
{
	char text[16];
	int fd, len, e;
	ssize_t w;

	len = snprintf(text, sizeof(text), "%d\n", n);
	if ((fd = open(OOM_SCORE_ADJ_FILE, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	w = write(fd, text, (size_t)len);
	e = errno;
	close(fd);
	if (w != len) {
		errno = w == -1 ? e : EIO;
		return -1;
	}
	return 0;
}
