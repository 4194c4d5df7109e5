/*
 * Paths given on the command line: made absolute against the caller's
 * working directory before anything changes it, and opened knowing whether
 * the open created the file.
 */
#ifndef DAEMONIZE_PATH_H
#define DAEMONIZE_PATH_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * p itself if absolute, else cwd/p; newly allocated, from the arena (a
 * start keeps its paths for the daemon's life: arena.h), so freed with
 * arena_free(). NULL with errno ENOMEM, or ENOENT for a relative p when
 * cwd is NULL (the caller's directory could not be found).
 */
char *path_absolute(const char *p, const char *cwd);

/* open(2) or flopen(3). */
typedef int opener_fn(const char *path, int flags, ...);

/*
 * Open path with flags, creating it with mode if missing; *created says
 * whether this call made it, so a failed start removes only what it made.
 * A dangling symbolic link is followed (unless flags has O_NOFOLLOW) and
 * its target created, which *created does not claim.
 */
int path_open(opener_fn *opener, const char *path, int flags, mode_t mode,
    bool *created);

/*
 * Open path with flags, creating it with mode if missing, as open(2) with
 * O_CREAT would; made (size bytes, PATH_MAX is enough) gets the path of
 * the file this call created, or "" if it created none. Unlike path_open(), a dangling
 * symbolic link (followed only without O_NOFOLLOW) is followed here step by
 * step, so that its target too is created exclusively, and known to be
 * ours to remove.
 */
int path_create(const char *path, int flags, mode_t mode, char *made,
    size_t size);

/* The user of -u, whom root's opens must not let steer them. */
struct path_guard {
	uid_t uid;
	const gid_t *groups;
	int ngroups;
};

/*
 * Walk the absolute path as root would, but follow a symbolic link only
 * where the guarded user could not have made or replaced it. Returns the
 * directory holding the last component (O_PATH, close-on-exec) and sets
 * *name to that component, newly allocated; -1 with errno (ELOOP for a
 * link the user could have planted) on failure.
 */
int path_open_dir(const char *path, const struct path_guard *g, char **name);

#endif
