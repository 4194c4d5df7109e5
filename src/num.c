/*
 * Bounded number parsing, one way for every number daemonize reads
 * (STYLE.md 7): strtoll and strtod accept leading blanks and a '+', which
 * an option value or a pidfile must not have.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "num.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits only, at least one, from s up to the end. */
static bool
all_digits(const char *s)
{
	if (!is_digit(*s))
		return false;
	while (is_digit(*s))
		s++;
	return *s == '\0';
}

int
num_parse(const char *s, long long lo, long long hi, long long *v,
    const char **why)
{
	const char *digits = s[0] == '-' && lo < 0 ? s + 1 : s;
	long long n;
	char *end;

	*why = "invalid";
	if (s[0] == '-' && lo >= 0 && all_digits(s + 1))
		*why = "too small";
	if (!all_digits(digits))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno == ERANGE) {
		*why = s[0] == '-' ? "too small" : "too large";
		return -1;
	}
	if (n < lo) {
		*why = "too small";
		return -1;
	}
	if (n > hi) {
		*why = "too large";
		return -1;
	}
	*v = n;
	*why = NULL;
	return 0;
}

int
num_seconds(const char *s, double max, double *secs)
{
	const char *p = s;
	char *end;

	while (is_digit(*p))
		p++;
	if (p == s)
		return -1;
	if (*p == '.') {
		const char *frac = ++p;

		while (is_digit(*p))
			p++;
		if (p == frac)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*secs = strtod(s, &end);
	if (*end != '\0' || *secs > max)
		return -1;
	return 0;
}

int
num_size(const char *s, unsigned long long lo, unsigned long long hi,
    unsigned long long *v)
{
	unsigned long long n = 0, unit = 1;
	const char *p = s;

	if (!is_digit(*p))
		return -1;
	for (; is_digit(*p); p++) {
		if (n > (ULLONG_MAX - (unsigned)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k':
		unit = 1ULL << 10;
		p++;
		break;
	case 'M':
		unit = 1ULL << 20;
		p++;
		break;
	case 'G':
		unit = 1ULL << 30;
		p++;
		break;
	default:
		return -1;
	}
	if (*p != '\0' || n > ULLONG_MAX / unit)
		return -1;
	n *= unit;
	if (n < lo || n > hi)
		return -1;
	*v = n;
	return 0;
}
