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
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <bsd/libutil.h>

#include "lock.h"
#include "path.h"
#include "proc.h"

int
lock_open(const char *path, int flags, mode_t mode, bool *created)
{
	int fd, fl;

	fd = path_open(flopen, path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
	    mode, created);
	if (fd == -1)
		return -1;
	/* O_NONBLOCK was for the lock; the daemon inherits a plain file. */
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/*
 * A line of /proc/locks reads "1: FLOCK  ADVISORY  WRITE 1833 fe:00:1095 0
 * EOF"; waiters have "->" after the number. The pid is the locker's.
 */
static pid_t
holder_in_line(char *line, dev_t dev, ino_t ino)
{
	char *field[6], *save, *end;
	unsigned long maj, min;
	unsigned long long in;
	long pid;
	int n;

	for (n = 0; n < 6; n++) {
		field[n] = strtok_r(n == 0 ? line : NULL, " \t\n", &save);
		if (field[n] == NULL || strcmp(field[n], "->") == 0)
			return 0;
	}
	pid = strtol(field[4], &end, 10);
	if (*end != '\0' || pid <= 0)
		return 0;
	maj = strtoul(field[5], &end, 16);
	if (*end != ':')
		return 0;
	min = strtoul(end + 1, &end, 16);
	if (*end != ':')
		return 0;
	in = strtoull(end + 1, &end, 10);
	if (*end != '\0')
		return 0;
	if (maj != major(dev) || min != minor(dev) || in != ino)
		return 0;
	return (pid_t)pid;
}

pid_t
lock_holder(const char *path)
{
	char line[256];
	struct stat st;
	pid_t pid = 0;
	FILE *f;

	if (stat(path, &st) == -1 || (f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	while (pid == 0 && fgets(line, sizeof(line), f) != NULL)
		pid = holder_in_line(line, st.st_dev, st.st_ino);
	fclose(f);
	/* A lock taken before a fork shows its dead taker: no use to anyone. */
	return pid > 0 && proc_alive(pid) ? pid : 0;
}
