/*
 * libFuzzer harness of the pidfile parser, pidfile_parse() (src/pidfile.c),
 * which --stop, --status and a start that finds a pidfile all read with.
 *
 * The oracle is the format pidfile(3) writes and DESIGN.md reads: a pid
 * is read only from decimal digits with at most one newline after them,
 * the value from 2 to 2^31-1, and no other byte anywhere (a NUL
 * included); what pidfile(3) writes ("%d\n", or "%d") is read; an empty
 * file is EAGAIN and nothing else is. Other digit strings (leading zeros)
 * may be read or refused.
 *
 * Found by the first version of this harness (through pidfile_check(),
 * before the parser was a function), fixed since: bytes after a NUL were
 * never looked at, so "11\0junk" read as pid 11.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pidfile.h"

#define INPUT_MAX	64


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_keep_stderr();
	return 0;
}

/*
 * The pid the bytes hold by the format, or 0 if they hold none; *canonical
 * tells whether pidfile(3) could have written them (no leading zero).
 */
static long long
expected(const uint8_t *data, size_t size, bool *canonical)
{
	long long v = 0;
	size_t i;

	*canonical = false;
	if (size > 0 && data[size - 1] == '\n')
		size--;
	if (size == 0)
		return 0;
	for (i = 0; i < size; i++) {
		if (data[i] < '0' || data[i] > '9')
			return 0;
		v = v * 10 + (data[i] - '0');
		if (v > INT32_MAX)
			return 0;
	}
	*canonical = data[0] != '0';
	return v >= 2 ? v : 0;
}

static void
fail(const char *what, size_t size, long long a, long long b)
{
	harness_fail("pidfile_fuzz: %s (%zu bytes; %lld, %lld)", what, size,
	    a, b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pid_t pid = -1;
	long long want;
	bool canonical;
	char *copy;
	int e;

	if (size > INPUT_MAX)
		return 0;
	/* Exactly size bytes, so reading one more is an ASan report. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	e = pidfile_parse(copy, size, &pid);
	free(copy);
	want = expected(data, size, &canonical);
	if (e == 0 && (want == 0 || pid != want))
		fail("read a pid the bytes do not hold", size, pid, want);
	if (e != 0 && want != 0 && canonical)
		fail("refused what pidfile(3) writes", size, e, want);
	if ((e == EAGAIN) != (size == 0))
		fail("EAGAIN is for an empty file only", size, e, 0);
	if (e != 0 && e != EAGAIN && e != EINVAL)
		fail("an error other than EAGAIN or EINVAL", size, e, 0);
	return 0;
}
