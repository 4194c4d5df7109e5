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

#define PID_LIMIT	4194304	/* no pid is larger (PID_MAX_LIMIT) */

/* A short /proc file, NUL-terminated, without stdio: its length or -1. */
static ssize_t
read_short(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

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

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((n = read_short(path, buf, sizeof(buf))) <= 0) {
		errno = n == 0 ? ENOENT : errno;
		return -1;
	}
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

/* A number read from the children file: a pid, named comm if not NULL. */
static bool
is_child(long pid, const char *comm)
{
	char path[64], name[64];

	if (pid <= 0 || pid > PID_LIMIT)
		return false;
	if (comm == NULL)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (read_short(path, name, sizeof(name)) <= 0)
		return false;
	name[strcspn(name, "\n")] = '\0';
	return strcmp(name, comm) == 0;
}

int
proc_children_open(pid_t parent)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
	    (long)parent, (long)parent);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The file is pids and spaces, read in pieces: a pid may straddle two. */
pid_t
proc_child_in(int fd, const char *comm)
{
	char buf[256];
	long child = 0;		/* > PID_LIMIT: too long, skipped */
	pid_t found = 0;
	ssize_t n, i;

	if (lseek(fd, 0, SEEK_SET) == -1)
		return 0;
	while (found == 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n && found == 0; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				if (child <= PID_LIMIT)
					child = child * 10 + (buf[i] - '0');
				continue;
			}
			if (is_child(child, comm))
				found = (pid_t)child;
			child = 0;
		}
	if (found == 0 && is_child(child, comm))
		found = (pid_t)child;
	return found;
}

pid_t
proc_find_child(pid_t parent, const char *comm)
{
	int fd = proc_children_open(parent);
	pid_t found;

	if (fd == -1)
		return 0;
	found = proc_child_in(fd, comm);
	close(fd);
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
