/*
 * libFuzzer harness of the pidfile parser, through pidfile_check()
 * (src/pidfile.c), the reader --stop and --status use: the input is
 * written to a file that the harness owns (root's, 0644, unlocked) and
 * checked. The parser itself (parse_pid) is static today; once pidfile.h
 * exports a pure one, call it on the bytes directly (no file, far more
 * executions a second) and keep the oracle.
 *
 * The oracle is the format pidfile(3) writes and DESIGN.md reads: a pid
 * is read only from decimal digits with at most one newline after them,
 * the value from 2 to 2^31-1, and no other byte anywhere (a NUL
 * included); and what pidfile(3) writes ("%d\n", or "%d") is read. Other
 * digit strings (leading zeros) may be read or refused.
 *
 * Found by this harness within seconds: bytes after a NUL are never looked
 * at, so "11\0junk" reads as pid 11. Until that is fixed, FUZZ_SKIP_KNOWN=1
 * leaves inputs with a NUL out, so the rest is fuzzed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"

#define INPUT_MAX	64

static char path[64];
static FILE *out;		/* stderr, kept from -close_fd_mask=2 */
static bool skip_known;		/* FUZZ_SKIP_KNOWN=1 */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/pidfile-fuzz.XXXXXX";

	(void)argc;
	(void)argv;
	/* Before libFuzzer closes stderr: our findings must be seen. */
	if ((out = fdopen(dup(STDERR_FILENO), "w")) == NULL)
		out = stderr;
	setvbuf(out, NULL, _IONBF, 0);
	if (mkdtemp(dir) == NULL) {
		perror("pidfile_fuzz: mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/p.pid", dir);
	skip_known = getenv("FUZZ_SKIP_KNOWN") != NULL &&
	    strcmp(getenv("FUZZ_SKIP_KNOWN"), "1") == 0;
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pidfile_state st;
	pid_t pid = -1;
	long long want;
	bool canonical;
	int fd;

	if (size > INPUT_MAX || (skip_known && memchr(data, '\0', size)))
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1 || write(fd, data, size) != (ssize_t)size) {
		perror("pidfile_fuzz: write");
		abort();
	}
	close(fd);
	st = pidfile_check(path, &pid);
	want = expected(data, size, &canonical);
	if (st == PIDFILE_RUNNING || st == PIDFILE_STALE) {
		/* An empty file nobody locks is stale, with no pid. */
		if (!(size == 0 && pid == 0) && (want == 0 || pid != want)) {
			fprintf(out, "pidfile_fuzz: read pid %ld from %zu "
			    "bytes that hold %s\n", (long)pid, size,
			    want ? "another" : "none");
			abort();
		}
	} else if (st == PIDFILE_UNKNOWN && want != 0 && canonical) {
		fprintf(out, "pidfile_fuzz: refused pid %lld (errno %d)\n",
		    want, errno);
		abort();
	}
	return 0;
}
