/* tail.c: the last lines of a log between two offsets, indented, escaped. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/tail.h"
#include "unit.h"

static const struct {
	const char *log;
	off_t start, end;	/* end -1: the whole file */
	size_t max;
	const char *out;
} cases[] = {
	{ "", 0, -1, 10, "" },
	{ "a\nb\n", 0, -1, 10, "    a\n    b\n" },
	{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", 0, -1, 10,
	    "    3\n    4\n    5\n    6\n    7\n    8\n    9\n    10\n"
	    "    11\n    12\n" },
	{ "a\nb", 0, -1, 10, "    a\n    b\n" },		/* unended */
	{ "old\nnew\n", 4, -1, 10, "    new\n" },		/* this start */
	{ "old\n", 4, -1, 10, "" },			/* nothing new */
	{ "old\n", 4, 2, 10, "" },			/* end before */
	{ "a\nb\nc\n", 0, 4, 10, "    a\n    b\n" },		/* up to end */
	{ "\n", 0, -1, 10, "    \n" },
	{ "a\n\nb\n", 0, -1, 10, "    a\n    \n    b\n" },
	{ "x\033[1my\tz\r\n", 0, -1, 10, "    x\\033[1my\\tz\\r\n" },
	{ "a\nb\nc\n", 0, -1, 1, "    c\n" },
	{ "a\nb\nc\n", 0, -1, 0, "" },
};

/* A file in memory holding len bytes of text. */
static int
file_of(const char *text, size_t len)
{
	int fd = memfd_create("log", MFD_CLOEXEC);

	if (fd >= 0 && len > 0 && write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What tail_print() wrote for log, in a buffer the caller frees. */
static char *
printed(const char *log, size_t len, off_t start, off_t end, size_t max)
{
	int in = file_of(log, len), out = file_of("", 0);
	char *buf = NULL;
	off_t n;

	if (in >= 0 && out >= 0) {
		tail_print(in, start, end < 0 ? (off_t)len : end, max, out);
		n = lseek(out, 0, SEEK_END);
		if ((buf = calloc(1, (size_t)n + 1)) != NULL &&
		    pread(out, buf, (size_t)n, 0) != n) {
			free(buf);
			buf = NULL;
		}
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return buf;
}

int
main(void)
{
	size_t i, big = 70000;
	char *out, *log;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = printed(cases[i].log, strlen(cases[i].log),
		    cases[i].start, cases[i].end, cases[i].max);
		unit_check(out != NULL && strcmp(out, cases[i].out) == 0,
		    "tail_print case %zu", i);
		free(out);
	}
	/* Past the 64 KiB read: the line begun before it is not shown. */
	if ((log = malloc(big + 6)) == NULL)
		return 1;
	memset(log, 'a', big);
	memcpy(log + big, "\nlast\n", 6);
	out = printed(log, big + 6, 0, -1, 10);
	unit_check(out != NULL && strcmp(out, "    last\n") == 0,
	    "a line begun before the last 64 KiB is left out");
	free(out);
	/* But a last line longer than that is shown, cut. */
	out = printed(log, big, 0, -1, 10);
	unit_check(out != NULL && strncmp(out, "    aaaa", 8) == 0 &&
	    strchr(out, '\n') == out + strlen(out) - 1,
	    "a last line longer than 64 KiB is shown as one line, cut");
	free(out);
	free(log);
	return unit_done();
}
