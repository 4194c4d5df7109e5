/*
 * Command lookup with execvp(3)'s rules: a name with a slash is a path; any
 * other is searched in PATH (an empty entry meaning the current directory,
 * "/bin:/usr/bin" when PATH is unset), the first executable regular file
 * winning, and EACCES reported when only unexecutable ones were found.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "command.h"
#include "exitcodes.h"
#include "path.h"

#define DEFAULT_PATH	"/bin:/usr/bin"
#define ELF_MAGIC	"\177ELF"
/* How far bash looks for a NUL before it calls a file binary. */
#define SNIFF_BYTES	80

/* 0 if path can be executed, else the errno execve would most likely give. */
static int
check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1)
		return EACCES;
	return 0;
}

static char *
search_path(const char *name, const char *cwd)
{
	const char *dirs = getenv("PATH");
	int seen = ENOENT;

	if (dirs == NULL)
		dirs = DEFAULT_PATH;
	for (;;) {
		size_t len = strcspn(dirs, ":");
		/* No heap for what is thrown away: see arena.h. */
		char cand[PATH_MAX];
		int n, e;

		n = snprintf(cand, sizeof(cand), "%.*s/%s",
		    len == 0 ? 1 : (int)len, len == 0 ? "." : dirs, name);
		if (n < 0 || (size_t)n >= sizeof(cand)) {
			e = ENAMETOOLONG;	/* as stat(2) would say */
		} else if ((e = check_executable(cand)) == 0) {
			char *abs = path_absolute(cand, cwd);

			if (abs != NULL || errno == ENOMEM)
				return abs;
			/* A relative entry, and no known directory: skip it. */
			e = ENOENT;
		}
		if (e == EACCES)
			seen = EACCES;
		if (dirs[len] == '\0')
			break;
		dirs += len + 1;
	}
	errno = seen;
	return NULL;
}

char *
command_find(const char *name, const char *cwd)
{
	char *abs;
	int e;

	if (*name == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(name, '/') == NULL)
		return search_path(name, cwd);
	if ((abs = path_absolute(name, cwd)) == NULL)
		return NULL;
	if ((e = check_executable(abs)) != 0) {
		arena_free(abs);
		errno = e;
		return NULL;
	}
	return abs;
}

bool
command_runnable(const char *path)
{
	char interp[256];

	return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 &&
	    !command_missing_interpreter(path, interp, sizeof(interp));
}

bool
command_missing_interpreter(const char *path, char *interp, size_t size)
{
	char line[256];
	size_t n, len;
	FILE *f;
	char *p;

	if ((f = fopen(path, "re")) == NULL)
		return false;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return false;
	p = line + 2 + strspn(line + 2, " \t");
	len = strcspn(p, " \t\n");
	if (len == 0 || len >= size)
		return false;
	memcpy(interp, p, len);
	interp[len] = '\0';
	return access(interp, F_OK) == -1 && errno == ENOENT;
}

bool
command_is_script(const char *path)
{
	char head[SNIFF_BYTES];
	const char *nul, *nl;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return false;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return false;
	if (n >= 4 && memcmp(head, ELF_MAGIC, 4) == 0)
		return false;
	nul = memchr(head, '\0', (size_t)n);
	nl = memchr(head, '\n', (size_t)n);
	/* A NUL in the first line: data, not shell text. */
	return nul == NULL || (nl != NULL && nl < nul);
}

int
command_explain(char *buf, size_t size, const char *name, const char *path,
    int err)
{
	char interp[256];

	if (err == ENOENT &&
	    command_missing_interpreter(path, interp, sizeof(interp))) {
		snprintf(buf, size, "cannot run interpreter '%s' of '%s': %s",
		    interp, name, strerror(ENOENT));
		return EXIT_NOTFOUND;
	}
	snprintf(buf, size, "cannot execute '%s': %s", name, strerror(err));
	return err == ENOENT ? EXIT_NOTFOUND : EXIT_CANNOT;
}
