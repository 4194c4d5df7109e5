/*
 * The path is walked as the kernel would resolve it, one component at a
 * time with O_NOFOLLOW, so each directory and each symbolic link crossed
 * can be judged by who could have put it there.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trust.h"

/* Links followed in one walk, as the kernel allows. */
#define LINKS_MAX	40

int
trust_file(const struct stat *st)
{
	if (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return TRUST_FOREIGN;
	if (S_ISREG(st->st_mode) && st->st_nlink > 1)
		return TRUST_LINKED;
	return 0;
}

const char *
trust_reason(int e)
{
	switch (e) {
	case TRUST_FOREIGN:
		return "another user could have written it";
	case TRUST_LINKED:
		return "it has more than one hard link";
	case TRUST_PATH:
		return "a directory on its path is writable by another user";
	}
	return NULL;
}

/* Another user could make, remove or rename entries of this directory. */
static bool
open_to_others(const struct stat *dir)
{
	return dir->st_uid != 0 || (dir->st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

/*
 * Root's sticky directory (as /tmp): others may add entries, but only an
 * entry's owner may remove or replace it.
 */
static bool
sticky_root(const struct stat *dir)
{
	return dir->st_uid == 0 && (dir->st_mode & S_ISVTX) != 0;
}

/* The entry st of directory dir is one only root could have put there. */
static bool
placed_by_root(const struct stat *dir, const struct stat *st)
{
	return !open_to_others(dir) || (sticky_root(dir) && st->st_uid == 0);
}

/* rest becomes the link's target, then what followed the link. */
static int
splice_link(int link, char *rest, size_t size, const char *after)
{
	char target[PATH_MAX], tail[PATH_MAX];
	ssize_t n;

	n = readlinkat(link, "", target, sizeof(target) - 1);
	if (n <= 0)
		return n == 0 ? ENOENT : errno;
	target[n] = '\0';
	if ((size_t)snprintf(tail, sizeof(tail), "%s", after) >= sizeof(tail) ||
	    (size_t)snprintf(rest, size, "%s/%s", target, tail) >= size)
		return ENAMETOOLONG;
	return 0;
}

/* *dir becomes the root directory, *ds what it is. 0 or an errno. */
static int
open_root(int *dir, struct stat *ds)
{
	if ((*dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno;
	return fstat(*dir, ds) == -1 ? errno : 0;
}

/*
 * Step from *dir (which is *ds) to its entry comp, judging it; a link is
 * spliced into rest, else rest becomes after. 0, TRUST_PATH or an errno.
 */
static int
step(int *dir, struct stat *ds, const char *comp, char *rest, size_t size,
    const char *after, int *links)
{
	struct stat st;
	int fd, e = 0;

	if ((fd = openat(*dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (!placed_by_root(ds, &st))
		e = TRUST_PATH;
	else if (S_ISDIR(st.st_mode)) {
		close(*dir);
		*dir = fd;
		*ds = st;
		memmove(rest, after, strlen(after) + 1);
		return 0;
	} else if (!S_ISLNK(st.st_mode))
		e = ENOTDIR;
	else if (++*links > LINKS_MAX)
		e = ELOOP;
	else
		e = splice_link(fd, rest, size, after);
	close(fd);
	if (e == 0 && rest[0] == '/') {
		close(*dir);
		e = open_root(dir, ds);
	}
	return e;
}

/* path made absolute against the working directory, in buf. */
static int
absolute(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		if ((size_t)snprintf(buf, size, "%s", path) >= size)
			return ENAMETOOLONG;
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return errno;
	if ((size_t)snprintf(buf, size, "%s/%s", cwd, path) >= size)
		return ENAMETOOLONG;
	return 0;
}

int
trust_path(const char *path)
{
	char rest[PATH_MAX], comp[NAME_MAX + 1];
	int dir, links = 0, e;
	struct stat ds;

	if ((e = absolute(path, rest, sizeof(rest))) != 0)
		return e;
	if ((e = open_root(&dir, &ds)) != 0) {
		if (dir >= 0)
			close(dir);
		return e;
	}
	for (;;) {
		const char *p = rest + strspn(rest, "/");
		size_t len = strcspn(p, "/");
		const char *after = p + len + strspn(p + len, "/");

		if (*after == '\0')
			break;			/* p is the last component */
		if (len > NAME_MAX) {
			e = ENAMETOOLONG;
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if ((e = step(&dir, &ds, comp, rest, sizeof(rest), after,
		    &links)) != 0)
			break;
	}
	/* The last directory: its entry is trust_file()'s to judge. */
	if (e == 0 && open_to_others(&ds) && !sticky_root(&ds))
		e = TRUST_PATH;
	if (dir >= 0)
		close(dir);
	return e;
}
