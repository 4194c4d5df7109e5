#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* Rounds of create-or-open against a file that keeps vanishing. */
#define OPEN_TRIES	3

char *
path_absolute(const char *p, const char *cwd)
{
	char *abs;

	if (p[0] == '/')
		return strdup(p);
	if (cwd == NULL) {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&abs, "%s%s%s", cwd,
	    cwd[strlen(cwd) - 1] == '/' ? "" : "/", p) == -1)
		return NULL;
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
