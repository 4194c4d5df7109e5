/*
 * flopen(3) does the open-lock-recheck dance (the file may be unlinked by
 * its last holder between our open and our lock); path_open() adds knowing
 * whether we created the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "lock.h"
#include "path.h"
#include "proc.h"

int
lock_open(const char *path, int flags, mode_t mode, bool *created)
{
	int fd;

	fd = path_open(flopen, path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
	    mode, created);
	if (fd == -1)
		return -1;
	/*
	 * O_NONBLOCK was for the lock; the daemon inherits a plain file.
	 * F_SETFL takes only the status flags of ours, so no F_GETFL.
	 */
	(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

/*
 * A line of /proc/locks reads "1: FLOCK  ADVISORY  WRITE 1833 fe:00:1095 0
 * EOF"; waiters have "->" after the number. The pid is the locker's, or 0
 * when it is gone or outside our PID namespace. True when the line is a
 * lock held on dev:ino.
 */
static bool
line_holds(char *line, dev_t dev, ino_t ino, pid_t *pid)
{
	char *field[6], *save, *end;
	unsigned long maj, min;
	unsigned long long in;
	long p;
	int n;

	for (n = 0; n < 6; n++) {
		field[n] = strtok_r(n == 0 ? line : NULL, " \t\n", &save);
		if (field[n] == NULL || strcmp(field[n], "->") == 0)
			return false;
	}
	p = strtol(field[4], &end, 10);
	if (*end != '\0')
		return false;
	maj = strtoul(field[5], &end, 16);
	if (*end != ':')
		return false;
	min = strtoul(end + 1, &end, 16);
	if (*end != ':')
		return false;
	in = strtoull(end + 1, &end, 10);
	if (*end != '\0')
		return false;
	if (maj != major(dev) || min != minor(dev) || in != ino)
		return false;
	*pid = p > 0 ? (pid_t)p : 0;
	return true;
}

/* Whether /proc/locks shows a lock on st's file: 1, 0, or -1 unreadable. */
static int
find_lock(const struct stat *st, pid_t *pid)
{
	char line[256];
	int found = 0;
	FILE *f;

	*pid = 0;
	if ((f = fopen("/proc/locks", "re")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = line_holds(line, st->st_dev, st->st_ino, pid);
	fclose(f);
	return found;
}

pid_t
lock_holder(const char *path)
{
	struct stat st;
	pid_t pid;

	if (stat(path, &st) == -1 || find_lock(&st, &pid) != 1)
		return 0;
	/* A lock taken before a fork shows its dead taker: no use to anyone. */
	return pid > 0 && proc_alive(pid) ? pid : 0;
}

bool
lock_held(int fd)
{
	/*
	 * /proc/locks hides a lock whose taker is dead or outside our PID
	 * namespace, though a child that inherited it holds it still: ask
	 * flock(2), with a shared lock let go at once.
	 */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		(void)flock(fd, LOCK_UN);
		return false;
	}
	return errno == EWOULDBLOCK;
}

void
lock_remove(const char *path)
{
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (fd == -1)
		return;
	/* Held by nobody: then no daemon can be using it. */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		(void)unlink(path);
	close(fd);
}
