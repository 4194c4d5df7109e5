#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

/* The fields after "pid (comm) ", numbered as in proc(5). */
#define FIELD_FIRST	3
#define FIELD_STARTTIME	22

static int
parse_fields(char *p, struct proc_stat *ps)
{
	char *save, *tok, *end;
	int field;

	for (field = FIELD_FIRST; field <= FIELD_STARTTIME; field++) {
		if ((tok = strtok_r(field == FIELD_FIRST ? p : NULL, " ",
		    &save)) == NULL)
			return -1;
		errno = 0;
		switch (field) {
		case 3:
			ps->state = tok[0];
			continue;
		case 4:
			ps->ppid = (pid_t)strtol(tok, &end, 10);
			break;
		case 5:
			ps->pgrp = (pid_t)strtol(tok, &end, 10);
			break;
		case 6:
			ps->session = (pid_t)strtol(tok, &end, 10);
			break;
		case FIELD_STARTTIME:
			ps->starttime = strtoull(tok, &end, 10);
			break;
		default:
			continue;
		}
		if (errno != 0 || (*end != '\0' && *end != '\n'))
			return -1;
	}
	return 0;
}

int
proc_stat(pid_t pid, struct proc_stat *ps)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		errno = n == 0 ? ENOENT : errno;
		return -1;
	}
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' ||
	    parse_fields(p + 2, ps) == -1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* fdinfo has a "lock:" line for a descriptor that holds one. */
static bool
fd_locks(pid_t pid, const char *fd)
{
	char path[320], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%s", (long)pid, fd);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, "lock:", 5) == 0;
	fclose(f);
	return found;
}

bool
proc_holds_lock(pid_t pid, dev_t dev, ino_t ino)
{
	char path[64];
	struct dirent *d;
	struct stat st;
	bool found = false;
	DIR *dir;
	int dfd;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return false;
	dfd = dirfd(dir);
	while (!found && (d = readdir(dir)) != NULL)
		found = d->d_name[0] != '.' && fstatat(dfd, d->d_name, &st,
		    0) == 0 && st.st_dev == dev && st.st_ino == ino &&
		    fd_locks(pid, d->d_name);
	closedir(dir);
	return found;
}

/*
 * The live processes holding a lock on dev:ino, skipping skip (or none if
 * 0), up to max in pids, in the order of /proc (which is by pid); their
 * number, counted on past max unless first is set.
 */
static size_t
find_lockers(dev_t dev, ino_t ino, pid_t skip, bool first, pid_t *pids,
    size_t max)
{
	struct dirent *d;
	size_t n = 0;
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((n < max || !first) && (d = readdir(dir)) != NULL) {
		pid_t pid = (pid_t)strtol(d->d_name, NULL, 10);

		if (pid <= 0 || pid == skip || !proc_alive(pid) ||
		    !proc_holds_lock(pid, dev, ino))
			continue;
		if (n < max)
			pids[n] = pid;
		n++;
	}
	closedir(dir);
	return n;
}

pid_t
proc_find_locker(dev_t dev, ino_t ino)
{
	pid_t pid;

	return find_lockers(dev, ino, getpid(), true, &pid, 1) == 1 ? pid : 0;
}

size_t
proc_lockers(dev_t dev, ino_t ino, pid_t *pids, size_t max)
{
	return find_lockers(dev, ino, 0, false, pids, max);
}

pid_t
proc_find_child(pid_t parent, const char *comm)
{
	char path[96], name[64];
	pid_t found = 0;
	long child;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
	    (long)parent, (long)parent);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (found == 0 && fscanf(f, "%ld", &child) == 1) {
		FILE *c;

		if (comm == NULL) {
			found = (pid_t)child;
			break;
		}
		snprintf(path, sizeof(path), "/proc/%ld/comm", child);
		if ((c = fopen(path, "re")) == NULL)
			continue;
		if (fgets(name, sizeof(name), c) != NULL &&
		    strcspn(name, "\n") == strlen(comm) &&
		    strncmp(name, comm, strlen(comm)) == 0)
			found = (pid_t)child;
		fclose(c);
	}
	fclose(f);
	return found;
}

bool
proc_same_program(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
	return stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool
proc_alive(pid_t pid)
{
	struct proc_stat ps;

	if (proc_stat(pid, &ps) == 0)
		return ps.state != 'Z' && ps.state != 'X';
	/* Without a usable /proc, existence is all we can tell. */
	return errno != ENOENT && (kill(pid, 0) == 0 || errno == EPERM);
}
