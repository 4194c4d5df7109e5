#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "path.h"

/* Rounds of create-or-open against a file that keeps vanishing. */
#define OPEN_TRIES	3
/* Links followed in one walk, as the kernel allows. */
#define LINKS_MAX	40

char *
path_absolute(const char *p, const char *cwd)
{
	const char *sep = "";
	char *abs;

	if (p[0] == '/') {
		cwd = "";
	} else if (cwd == NULL) {
		errno = ENOENT;
		return NULL;
	} else if (cwd[strlen(cwd) - 1] != '/') {
		sep = "/";
	}
	abs = arena_calloc(strlen(cwd) + strlen(sep) + strlen(p) + 1, 1);
	if (abs != NULL)
		(void)stpcpy(stpcpy(stpcpy(abs, cwd), sep), p);
	return abs;
}

int
path_open(opener_fn *opener, const char *path, int flags, mode_t mode,
    bool *created)
{
	int tries;

	*created = false;
	for (tries = 0; tries < OPEN_TRIES; tries++) {
		int fd = opener(path, flags | O_CREAT | O_EXCL, mode);

		if (fd >= 0) {
			*created = true;
			return fd;
		}
		if (errno != EEXIST)
			return -1;
		if ((fd = opener(path, flags, mode)) >= 0 || errno != ENOENT)
			return fd;
		/* Removed between the two opens, or a dangling link. */
	}
	return opener(path, flags | O_CREAT, mode);
}

/*
 * Make path the file a symbolic link there leads to: its target, taken
 * relative to the link's directory. 1 when path was a link, 0 when it was
 * not (it was just removed, say), -1 with errno.
 */
static int
follow_link(char *path, size_t size)
{
	char target[PATH_MAX], *slash;
	ssize_t n;
	size_t dirlen;

	if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
		return errno == EINVAL || errno == ENOENT ? 0 : -1;
	target[n] = '\0';
	slash = strrchr(path, '/');
	dirlen = target[0] == '/' || slash == NULL ? 0 :
	    (size_t)(slash - path) + 1;
	if (dirlen + (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path + dirlen, target, (size_t)n + 1);
	return 1;
}

int
path_create(const char *path, int flags, mode_t mode, char *made,
    size_t size)
{
	char at[PATH_MAX];
	int tries = 0, links = 0;

	made[0] = '\0';
	if ((size_t)snprintf(at, sizeof(at), "%s", path) >= sizeof(at)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (;;) {
		int fd = open(at, flags | O_CREAT | O_EXCL, mode), r;

		if (fd >= 0) {
			(void)snprintf(made, size, "%s", at);
			return fd;
		}
		if (errno != EEXIST)
			return -1;
		if ((fd = open(at, flags, mode)) >= 0 || errno != ENOENT)
			return fd;
		/* Removed since the first open, or a dangling link. */
		if ((r = follow_link(at, sizeof(at))) == -1)
			return -1;
		if (r == 0 ? ++tries >= OPEN_TRIES : ++links > LINKS_MAX) {
			errno = r == 0 ? ENOENT : ELOOP;
			return -1;
		}
	}
}

static void
close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

/* The user could make, remove or rename entries of this directory. */
static bool
writable_by(const struct stat *dir, const struct path_guard *g)
{
	if (dir->st_uid == g->uid || (dir->st_mode & S_IWOTH))
		return true;
	if (dir->st_mode & S_IWGRP)
		for (int i = 0; i < g->ngroups; i++)
			if (g->groups[i] == dir->st_gid)
				return true;
	return false;
}

/*
 * A link the user could not have planted: in a directory closed to the
 * user, or owned by root in a sticky one (as /tmp), where only its owner
 * could replace it.
 */
static bool
link_trusted(int dir, int link, const struct path_guard *g)
{
	struct stat ds, ls;

	if (fstat(dir, &ds) == -1 || fstat(link, &ls) == -1)
		return false;
	if (!writable_by(&ds, g))
		return true;
	return (ds.st_mode & S_ISVTX) && ls.st_uid == 0;
}

/* rest becomes target/rest (the link's target put before what is left). */
static int
splice_link(int link, char *rest, size_t size, const char *after)
{
	char target[PATH_MAX], tail[PATH_MAX];
	ssize_t n;

	n = readlinkat(link, "", target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	if ((size_t)snprintf(tail, sizeof(tail), "%s", after) >= sizeof(tail) ||
	    (size_t)snprintf(rest, size, "%s/%s", target, tail) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Step from dir to its entry comp; a trusted link is spliced into rest. */
static int
step(int *dir, const char *comp, char *rest, size_t size, const char *after,
    const struct path_guard *g)
{
	struct stat st;
	int fd;

	fd = openat(*dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		close(*dir);
		*dir = fd;
		return 0;
	}
	if (!S_ISLNK(st.st_mode)) {
		errno = ENOTDIR;
		goto fail;
	}
	if (!link_trusted(*dir, fd, g)) {
		errno = ELOOP;
		goto fail;
	}
	if (splice_link(fd, rest, size, after) == -1)
		goto fail;
	close(fd);
	if (rest[0] == '/') {
		close(*dir);
		if ((*dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -1;
	}
	return 1;
fail:
	if (fd >= 0)
		close_keep_errno(fd);
	return -1;
}

int
path_open_dir(const char *path, const struct path_guard *g, char **name)
{
	char rest[PATH_MAX], comp[NAME_MAX + 1];
	int dir, links = 0;

	if ((size_t)snprintf(rest, sizeof(rest), "%s", path) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		const char *p = rest + strspn(rest, "/");
		size_t len = strcspn(p, "/");
		const char *after = p + len + strspn(p + len, "/");
		int r;

		if (len > NAME_MAX) {
			errno = ENAMETOOLONG;
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (*after == '\0') {		/* the last component */
			if (len == 0 || (*name = strdup(comp)) == NULL) {
				errno = len == 0 ? EISDIR : ENOMEM;
				break;
			}
			return dir;
		}
		r = step(&dir, comp, rest, sizeof(rest), after, g);
		if (r == -1 || (r == 1 && ++links > LINKS_MAX)) {
			errno = r == -1 ? errno : ELOOP;
			break;
		}
		if (r == 0)
			memmove(rest, after, strlen(after) + 1);
	}
	close_keep_errno(dir);
	return -1;
}
