/*
 * relay.c: lines through real pipes into files in a temporary directory:
 * partial lines, a line of exactly RELAY_LINE_MAX bytes, longer lines,
 * last lines, timestamps, two streams into one file, rotation, messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/relay.h"
#include "../../src/stamp.h"
#include "unit.h"

static char dir[] = "/tmp/relay_test.XXXXXX";
static char path[2][PATH_MAX];
static int wr[2];		/* the write ends of the streams' pipes */

/* A relay of two pipes into o.log and e.log (or one file, or none). */
static struct relay *
start(const char *out, const char *err, bool stamps, unsigned long long size,
    unsigned keep)
{
	struct relay_conf c = { .file = { -1, -1 }, .timestamps = stamps,
	    .log_size = size, .log_keep = keep };
	const char *name[2] = { out, err };
	struct relay *r;
	int i, p[2], bad;

	for (i = 0; i < 2; i++) {
		if (pipe(p) == -1)
			abort();
		c.in[i] = p[0];
		wr[i] = p[1];
		if (name[i] != NULL) {
			snprintf(path[i], sizeof(path[i]), "%s/%s", dir,
			    name[i]);
			unlink(path[i]);
			c.path[i] = path[i];
		}
	}
	if ((r = relay_open(&c, &bad)) == NULL)
		abort();
	return r;
}

/* Write len bytes into stream s in pieces, the relay reading each. */
static void
feed(struct relay *r, int s, const char *data, size_t len, size_t piece)
{
	while (len > 0) {
		size_t n = len < piece ? len : piece;

		if (write(wr[s], data, n) != (ssize_t)n)
			abort();
		(void)relay_read(r, s);
		data += n;
		len -= n;
	}
}

static char *
slurp(const char *p, size_t *len)
{
	static char *buf;
	FILE *f = fopen(p, "r");
	size_t n = 0;

	free(buf);
	buf = malloc(1 << 20);
	if (f != NULL) {
		n = fread(buf, 1, (1 << 20) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool
holds(int s, const char *want, size_t wlen)
{
	size_t n;
	const char *got = slurp(path[s], &n);

	return n == wlen && memcmp(got, want, n) == 0;
}

static void
finish(struct relay *r)
{
	close(wr[0]);
	close(wr[1]);
	relay_free(r);
}

static void
partial_lines(void)
{
	struct relay *r = start("o.log", NULL, false, 0, 5);

	feed(r, 0, "ab", 2, 64);
	unit_check(holds(0, "", 0), "a partial line waits");
	feed(r, 0, "c\nd", 3, 64);
	unit_check(holds(0, "abc\n", 4), "a line whole once its newline came");
	feed(r, 1, "dropped\n", 8, 64);
	unit_check(relay_drain(r) == 0 && holds(0, "abc\nd\n", 6),
	    "drain finishes the last line, the writer still open");
	feed(r, 0, "e\n", 2, 64);
	unit_check(holds(0, "abc\nd\ne\n", 8), "and goes on after");
	close(wr[0]);
	feed(r, 1, "", 0, 1);
	unit_check(relay_read(r, 0) == -1 && relay_fd(r, 0) == -1,
	    "end of input closes the stream");
	finish(r);
}

/* A line of n bytes of 'x' and its newline. */
static char *
long_line(size_t n)
{
	char *l = malloc(n + 1);

	memset(l, 'x', n);
	l[n] = '\n';
	return l;
}

static void
long_lines(void)
{
	char *exact = long_line(RELAY_LINE_MAX), *big = long_line(200000);
	char *want = malloc(300000);
	struct relay *r = start("o.log", NULL, false, 0, 5);
	size_t n, off = 0, left;

	feed(r, 0, exact, RELAY_LINE_MAX + 1, 4096);
	unit_check(holds(0, exact, RELAY_LINE_MAX + 1),
	    "a line of exactly %d bytes is whole", RELAY_LINE_MAX);
	feed(r, 0, big, 200001, 10000);
	(void)relay_drain(r);
	memcpy(want, exact, RELAY_LINE_MAX + 1);
	off = RELAY_LINE_MAX + 1;
	for (left = 200000; left > 0; left -= n) {
		n = left < RELAY_LINE_MAX ? left : RELAY_LINE_MAX;
		memset(want + off, 'x', n);
		want[off + n] = '\n';
		off += n + 1;
	}
	unit_check(holds(0, want, off),
	    "a longer line is cut every %d bytes", RELAY_LINE_MAX);
	finish(r);
	free(exact);
	free(big);
	free(want);
}

/* Every line starts with a stamp; a line read in pieces has one. */
static void
stamped(void)
{
	struct relay *r = start("o.log", NULL, true, 0, 5);
	const char *got, *p;
	size_t n, lines = 0;
	bool ok = true;

	feed(r, 0, "one\ntw", 6, 64);
	feed(r, 0, "o\nthree", 7, 64);
	(void)relay_drain(r);
	got = slurp(path[0], &n);
	for (p = got; p < got + n; p = strchr(p, '\n') + 1) {
		ok = ok && stamp_prefix(p, n - (size_t)(p - got)) == STAMP_LEN;
		lines++;
	}
	unit_check(ok && lines == 3 && n == 3 * STAMP_LEN + 14 &&
	    memcmp(got + STAMP_LEN, "one\n", 4) == 0 &&
	    memcmp(got + 2 * STAMP_LEN + 4, "two\n", 4) == 0 &&
	    memcmp(got + 3 * STAMP_LEN + 8, "three\n", 6) == 0,
	    "three stamped lines, the last finished");
	finish(r);
}

/* Both streams into one file: whole lines, each stream in order. */
static void
one_file(void)
{
	struct relay *r = start("both.log", "both.log", false, 0, 5);

	feed(r, 0, "out 1\nout", 9, 64);
	feed(r, 1, "err 1\nerr", 9, 64);
	feed(r, 0, " 2\n", 3, 64);
	feed(r, 1, " 2\n", 3, 64);
	unit_check(holds(0, "out 1\nerr 1\nout 2\nerr 2\n", 24),
	    "lines of two streams never mixed");
	unit_check(relay_message(r, "'srv' exited with status %d", 3) == 0 &&
	    holds(0, "out 1\nerr 1\nout 2\nerr 2\n"
	    "daemonize: 'srv' exited with status 3\n", 62),
	    "a message line after them");
	finish(r);
}

static void
messages(void)
{
	struct relay *r = start("o.log", "e.log", false, 0, 5);

	unit_check(relay_message(r, "a\nb") == 0 &&
	    holds(1, "daemonize: a\\nb\n", 16) && holds(0, "", 0),
	    "messages go to the -e file, escaped");
	finish(r);
	r = start("o.log", NULL, false, 0, 5);
	unit_check(relay_message(r, "x") == 0 && holds(0, "daemonize: x\n", 13),
	    "else to the -o file");
	finish(r);
	r = start(NULL, NULL, false, 0, 5);
	unit_check(!relay_has_messages(r) && relay_message(r, "x") == -1,
	    "else nowhere");
	finish(r);
}

/* 100-byte lines, size 4096: 40 a file; one longer line alone. */
static void
rotation(void)
{
	struct relay *r = start("r.log", NULL, false, 4096, 2);
	char line[100], name[PATH_MAX + 8];
	char *big = long_line(5000);
	struct stat st;
	int i;

	memset(line, 'y', 99);
	line[99] = '\n';
	for (i = 0; i < 100; i++)
		feed(r, 0, line, 100, 100);
	snprintf(name, sizeof(name), "%s.1", path[0]);
	unit_check(stat(name, &st) == 0 && st.st_size == 4000 &&
	    stat(path[0], &st) == 0 && st.st_size == 2000,
	    "rotated between lines, at most 4096 bytes a file");
	feed(r, 0, big, 5001, 5001);
	feed(r, 0, line, 100, 100);
	unit_check(stat(name, &st) == 0 && st.st_size == 5001,
	    "a line longer than the size alone in its file");
	unit_check(stat(path[0], &st) == 0 && st.st_size == 100,
	    "the next line in a new file");
	snprintf(name, sizeof(name), "%s.3", path[0]);
	unit_check(stat(name, &st) == -1, "no more than --log-keep kept");
	finish(r);
	free(big);
}

/*
 * A file that refuses writes (a file size limit stands in for a full
 * disk): the stream cut mid-line finishes it first, nothing is lost, the
 * streams are not read meanwhile, and writing is retried within a second.
 */
static void
refused(void)
{
	struct relay *r = start("full.log", "full.log", false, 0, 5);
	struct rlimit old, small = { 40, 40 };
	const char *want = "out 1\n0123456789012345678901234567890123456789"
	    "0123456789\nout 2\ndaemonize: could not write log file '";
	const char *got;
	size_t n;
	int t;

	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	small.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &small);
	feed(r, 0, "out 1\n", 6, 64);
	feed(r, 1, "0123456789012345678901234567890123456789"
	    "0123456789\n", 51, 64);
	t = relay_timeout(r);
	unit_check(t > 0 && t <= 1000, "a retry is due within a second (%d)",
	    t);
	unit_check(!relay_wants_input(r, 0) && !relay_wants_input(r, 1),
	    "neither stream is read meanwhile");
	if (write(wr[0], "out 2\n", 6) != 6)
		abort();
	unit_check(relay_drain(r) == 1, "a drain says it is not done");
	setrlimit(RLIMIT_FSIZE, &old);
	(void)poll(NULL, 0, relay_timeout(r));
	relay_retry(r);
	(void)relay_read(r, 0);
	unit_check(relay_timeout(r) == -1 && relay_drain(r) == 0,
	    "written at the retry");
	got = slurp(path[0], &n);
	unit_check(n > strlen(want) && memcmp(got, want, strlen(want)) == 0,
	    "the cut line finished first, then the rest");
	finish(r);
}

/* RssAnon of this process, in kB. */
static long
rss_anon(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb;
}

/* A burst dirties the buffers; once they are empty, a drain frees them. */
static void
trimmed(void)
{
	struct relay *r = start("o.log", NULL, true, 0, 5);
	char *block = long_line(60000);
	long before, after;
	int i;

	for (i = 0; i < 20; i++)
		feed(r, 0, block, 60001, 60001);
	before = rss_anon();
	(void)relay_drain(r);
	after = rss_anon();
	unit_check(before - after >= 100, "a drain gives back the buffers' "
	    "pages: RssAnon %ld kB, then %ld kB", before, after);
	finish(r);
	free(block);
}

int
main(void)
{
	char cmd[128];

	setenv("TZ", "UTC0", 1);
	if (mkdtemp(dir) == NULL) {
		unit_check(0, "mkdtemp: %s", strerror(errno));
		return unit_done();
	}
	partial_lines();
	long_lines();
	stamped();
	one_file();
	messages();
	rotation();
	refused();
	trimmed();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	unit_check(system(cmd) == 0, "cleaned up");
	return unit_done();
}
