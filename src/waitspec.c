/*
 * The -w SPECs: notify, fd:N, tcp:[HOST:]PORT, path:PATH, log:REGEX, and
 * how they go together with the other options.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "num.h"
#include "options.h"
#include "usage.h"
#include "waitspec.h"

/* 1 to 65535, digits only. */
static bool
is_port(const char *s)
{
	const char *why;
	long long port;

	return num_parse(s, 1, 65535, &port, &why) == 0;
}

/* [HOST:]PORT, HOST a name, an IPv4 address or [IPv6]. */
static int
parse_tcp(struct wait_spec *w)
{
	const char *a = w->arg, *colon;
	size_t hostlen;

	if (a[0] == '[') {
		const char *close = strchr(a, ']');

		if (close == NULL || close == a + 1 || close[1] != ':')
			return -1;
		a++;
		hostlen = (size_t)(close - a);
		w->port = close + 2;
	} else if ((colon = strchr(a, ':')) != NULL) {
		if (colon == a || strchr(colon + 1, ':') != NULL)
			return -1;	/* an IPv6 address needs brackets */
		hostlen = (size_t)(colon - a);
		w->port = colon + 1;
	} else {
		a = "127.0.0.1";
		hostlen = strlen(a);
		w->port = w->arg;
	}
	if (!is_port(w->port))
		return -1;
	if ((w->host = strndup(a, hostlen)) == NULL)
		return -1;
	return 0;
}

static bool
is_repetition(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/*
 * A repetition of a repetition ("a+*", "a{2}{3}"), outside brackets.
 * POSIX leaves it undefined, and glibc's regcomp(3) takes memory and time
 * exponential in how many are stacked: "a++++++++++++++++++++" wants
 * 0.7 GB before any timeout could apply (found by make fuzz).
 */
static bool
stacked_repetition(const char *re)
{
	const char *p;
	bool after = false;

	for (p = re; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			after = false;
		} else if (*p == '[') {
			p += p[1] == '^' ? 2 : 1;
			p += *p == ']' ? 1 : 0;
			while (*p != '\0' && *p != ']')
				p++;
			if (*p == '\0')
				return false;	/* regcomp says what is wrong */
			after = false;
		} else if (is_repetition(*p)) {
			if (after)
				return true;
			if (*p == '{')
				while (p[1] != '\0' && *p != '}')
					p++;
			after = true;
		} else {
			after = false;
		}
	}
	return false;
}

static int
parse_log(struct wait_spec *w)
{
	int e;

	if (stacked_repetition(w->arg))
		return usage_error("invalid regular expression in --wait '%s': "
		    "a repetition of a repetition", w->given);
	if ((e = regcomp(&w->re, w->arg, REG_EXTENDED | REG_NOSUB)) != 0) {
		char why[256];

		regerror(e, &w->re, why, sizeof(why));
		return usage_error("invalid regular expression in --wait '%s': "
		    "%s", w->given, why);
	}
	return 0;
}

/* KIND or KIND:ARG; true with *arg set when s starts with kind. */
static bool
has_kind(const char *s, const char *kind, const char **arg)
{
	size_t len = strlen(kind);

	if (strncmp(s, kind, len) != 0 || s[len] != ':')
		return false;
	*arg = s + len + 1;
	return true;
}

int
waitspec_parse(struct options *o, const char *spec)
{
	struct wait_spec *w = &o->wait[o->nwait];
	const char *why;
	long long fd;

	memset(w, 0, sizeof(*w));
	w->given = spec;
	w->fd = -1;
	if (strcmp(spec, "notify") == 0) {
		w->kind = WAIT_NOTIFY;
	} else if (has_kind(spec, "fd", &w->arg)) {
		w->kind = WAIT_FD;
		if (num_parse(w->arg, 3, INT32_MAX, &fd, &why) == -1)
			return usage_error("invalid descriptor in --wait "
			    "'%s' (want fd:N, N 3 or more)", spec);
		w->fd = (int)fd;
	} else if (has_kind(spec, "tcp", &w->arg)) {
		w->kind = WAIT_TCP;
		if (parse_tcp(w) == -1)
			return usage_error("invalid --wait '%s' (want "
			    "tcp:[HOST:]PORT, PORT 1 to 65535)", spec);
	} else if (has_kind(spec, "path", &w->arg) && *w->arg != '\0') {
		w->kind = WAIT_PATH;
	} else if (has_kind(spec, "log", &w->arg) && *w->arg != '\0') {
		w->kind = WAIT_LOG;
		if (parse_log(w) != 0)
			return EXIT_USAGE;
	} else {
		return usage_error("invalid --wait '%s' (want notify, fd:N, "
		    "tcp:[HOST:]PORT, path:PATH or log:REGEX)", spec);
	}
	o->nwait++;
	return 0;
}

static bool
has_keep_fd(const struct options *o, int fd)
{
	size_t i;

	for (i = 0; i < o->nkeep; i++)
		if (o->keep[i] == fd)
			return true;
	return false;
}

int
waitspec_check(const struct options *o)
{
	size_t i, j;

	if (o->nwait > 0 && o->forks == FORKS_NONE)
		return usage_error("--wait cannot be used with --foreground");
	for (i = 0; i < o->nwait; i++) {
		const struct wait_spec *w = &o->wait[i];

		if (w->kind == WAIT_LOG && o->out == NULL && o->err == NULL)
			return usage_error("--wait '%s' needs --stdout or "
			    "--stderr", w->given);
		if (w->kind != WAIT_FD)
			continue;
		if (has_keep_fd(o, w->fd))
			return usage_error("descriptor %d cannot be both "
			    "--keep-fd and --wait '%s'", w->fd, w->given);
		for (j = 0; j < i; j++)
			if (o->wait[j].kind == WAIT_FD &&
			    o->wait[j].fd == w->fd)
				return usage_error("--wait '%s' given twice",
				    w->given);
	}
	return 0;
}
