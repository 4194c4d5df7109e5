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
 * p itself if absolute, else cwd/p; newly allocated. NULL with errno ENOMEM,
 * or ENOENT for a relative p when cwd is NULL (the caller's directory could
 * not be found).
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

#endif
