/*
 * A few lines of TAP for the C unit tests: each check prints "ok N - what"
 * or "not ok N - what", and unit_done() the plan and the exit status, so
 * tests/run counts them with the bats suites. Tests are table-driven: a
 * static array of cases and one loop of checks over it.
 */
#ifndef DAEMONIZE_UNIT_H
#define DAEMONIZE_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int unit_count, unit_failed;

static void __attribute__((format(printf, 2, 3)))
unit_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++unit_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		unit_failed++;
}

static int
unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failed == 0 ? 0 : 1;
}

#endif
