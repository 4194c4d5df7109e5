/*
 * logfile.c: rotated names, the rotation of FILE.1 ... FILE.N, and finding
 * the file again by name, on real files in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/logfile.h"
#include "unit.h"

static const struct {
	const char *path;
	unsigned n;
	size_t size;
	const char *want;	/* NULL: too long */
} names[] = {
	{ "app.log", 0, 64, "app.log" },
	{ "app.log", 1, 64, "app.log.1" },
	{ "/var/log/app.log", 5, 64, "/var/log/app.log.5" },
	{ "a", 10, 64, "a.10" },
	{ "a", 4294967295u, 64, "a.4294967295" },
	{ "app.log", 1, 10, "app.log.1" },
	{ "app.log", 1, 9, NULL },
	{ "app.log", 0, 7, NULL },
};

static char dir[] = "/tmp/logfile_test.XXXXXX";

/* What the file holds, as a string ("" when missing: see exists()). */
static const char *
contents(const char *name)
{
	static char buf[256];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY)) == -1)
		return "(missing)";
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static mode_t
mode_of(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? st.st_mode & 07777 : 0;
}

static void
put(struct logfile *lf, const char *text)
{
	struct iovec iov = { (void *)text, strlen(text) };

	(void)logfile_write(lf, &iov, 1);
}

/* keep 3, rotated 5 times: FILE.1 to FILE.3 hold the last three. */
static void
rotations(void)
{
	struct logfile lf;
	char path[PATH_MAX], line[16];
	int i;

	snprintf(path, sizeof(path), "%s/r.log", dir);
	umask(022);
	unit_check(logfile_open(&lf, path, -1, 4096, 3) == 0, "open r.log");
	fchmod(lf.fd, 0640);
	lf.mode = 0640;
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "%d\n", i);
		put(&lf, line);
		unit_check(logfile_rotate(&lf, 1000 * (i + 1), 4096) == 0,
		    "rotation %d", i);
	}
	put(&lf, "5\n");
	unit_check(strcmp(contents("r.log"), "5\n") == 0, "r.log holds 5");
	unit_check(strcmp(contents("r.log.1"), "4\n") == 0, "r.log.1 holds 4");
	unit_check(strcmp(contents("r.log.2"), "3\n") == 0, "r.log.2 holds 3");
	unit_check(strcmp(contents("r.log.3"), "2\n") == 0, "r.log.3 holds 2");
	unit_check(strcmp(contents("r.log.4"), "(missing)") == 0,
	    "no r.log.4");
	unit_check(mode_of("r.log") == 0640, "new r.log has mode 0640 (%o)",
	    mode_of("r.log"));
	/* Room enough: no rotation. */
	unit_check(logfile_rotate(&lf, 9000, 10) == 0 &&
	    strcmp(contents("r.log.1"), "4\n") == 0, "no rotation when it fits");
	logfile_close(&lf);
}

static void
keep_none(void)
{
	struct logfile lf;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/k.log", dir);
	unit_check(logfile_open(&lf, path, -1, 4096, 0) == 0, "open k.log");
	put(&lf, "old\n");
	unit_check(logfile_rotate(&lf, 1000, 4096) == 0, "rotate, keep 0");
	put(&lf, "new\n");
	unit_check(strcmp(contents("k.log"), "new\n") == 0 &&
	    strcmp(contents("k.log.1"), "(missing)") == 0,
	    "keep 0 leaves only the new file");
	logfile_close(&lf);
}

/* Renamed (logrotate's create, or nothing created), then removed. */
static void
follow_name(void)
{
	struct logfile lf;
	char path[PATH_MAX], moved[PATH_MAX];

	snprintf(path, sizeof(path), "%s/f.log", dir);
	snprintf(moved, sizeof(moved), "%s/f.log.old", dir);
	unit_check(logfile_open(&lf, path, -1, 0, 5) == 0, "open f.log");
	fchmod(lf.fd, 0604);
	lf.mode = 0604;
	put(&lf, "a\n");
	unit_check(logfile_check(&lf, 5000) == 0, "first check: same file");
	rename(path, moved);
	unit_check(logfile_check(&lf, 5500) == 0, "half a second: not looked");
	put(&lf, "b\n");
	unit_check(logfile_check(&lf, 6000) == 1, "a second: re-created");
	put(&lf, "c\n");
	unit_check(strcmp(contents("f.log.old"), "a\nb\n") == 0 &&
	    strcmp(contents("f.log"), "c\n") == 0, "lines follow the name");
	unit_check(mode_of("f.log") == 0604, "same mode (%o)",
	    mode_of("f.log"));
	unlink(path);
	unit_check(logfile_check(&lf, 7000) == 1, "removed: re-created");
	put(&lf, "d\n");
	unit_check(strcmp(contents("f.log"), "d\n") == 0, "d in new f.log");
	/* Another program's file by the name is taken as it is. */
	rename(path, moved);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	unit_check(logfile_check(&lf, 8000) == 1 && mode_of("f.log") == 0600,
	    "an existing file is opened, its mode kept");
	/* A symbolic link put there is not followed. */
	unlink(path);
	symlink(moved, path);
	errno = 0;
	unit_check(logfile_check(&lf, 9000) == -1 && errno == ELOOP,
	    "a link by the name is refused");
	put(&lf, "e\n");
	unit_check(strcmp(contents("f.log.old"), "d\n") == 0,
	    "writes stay in the file open before, not through the link");
	logfile_close(&lf);
}

/* A truncation by another program (copytruncate) is seen in the size. */
static void
truncation(void)
{
	struct logfile lf;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/t.log", dir);
	unit_check(logfile_open(&lf, path, -1, 4096, 1) == 0, "open t.log");
	put(&lf, "0123456789\n");
	unit_check(lf.size == 11, "size counted");
	truncate(path, 0);
	unit_check(logfile_rotate(&lf, 1000, 4090) == 0 &&
	    strcmp(contents("t.log.1"), "(missing)") == 0,
	    "truncated: room without a rotation");
	unit_check(lf.size == 0, "size reread (%llu)", lf.size);
	put(&lf, "x\n");
	unit_check(strcmp(contents("t.log"), "x\n") == 0,
	    "appended at the new end, no hole");
	logfile_close(&lf);
}

int
main(void)
{
	char buf[64], cmd[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int rc = logfile_rotated_name(buf, names[i].size,
		    names[i].path, names[i].n);

		unit_check(names[i].want == NULL ? rc == -1 :
		    rc == 0 && strcmp(buf, names[i].want) == 0,
		    "logfile_rotated_name('%s', %u) in %zu", names[i].path,
		    names[i].n, names[i].size);
	}
	if (mkdtemp(dir) == NULL) {
		unit_check(0, "mkdtemp: %s", strerror(errno));
		return unit_done();
	}
	rotations();
	keep_none();
	follow_name();
	truncation();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	unit_check(system(cmd) == 0, "cleaned up");
	return unit_done();
}
