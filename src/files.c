/*
 * The record of the logs a start made. Each slot is written by one process
 * (the set-up) and read by another (its caller) only once the writer is
 * dead or done, so a compiler fence before the state is enough ordering.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "launch.h"
#include "path.h"

void
files_share(struct launch *l)
{
	void *p;

	if (l->files != NULL)
		return;
	p = mmap(NULL, sizeof(*l->files), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* Zero-filled, as calloc's is: MADE_NONE everywhere. */
	l->files = p != MAP_FAILED ? p : calloc(1, sizeof(*l->files));
	if (l->files != NULL)
		l->files->mapped = p != MAP_FAILED;
}

/* The log as the process at hand names it (guarded, in the set-up). */
static const char *
log_path(const struct launch *l, enum files_log which)
{
	const struct made_log *m = &l->files->log[which];

	if (m->at[0] != '\0')
		return m->at;
	return which == FILES_OUT ? l->out : l->err;
}

int
files_open_log(struct launch *l, enum files_log which, const char *path,
    int flags, mode_t mode)
{
	char made[PATH_MAX];
	struct made_log *m;
	struct stat st;
	int fd;

	files_share(l);
	if (l->files == NULL) {
		errno = ENOMEM;
		return -1;
	}
	m = &l->files->log[which];
	m->state = MADE_NONE;
	if ((fd = path_create(path, flags, mode, made, sizeof(made))) == -1 ||
	    made[0] == '\0')
		return fd;
	m->ino = 0;
	(void)snprintf(m->at, sizeof(m->at), "%s",
	    strcmp(made, path) != 0 ? made : "");
	atomic_signal_fence(memory_order_seq_cst);
	m->state = MADE_BY_SETUP;
	if (fstat(fd, &st) == 0) {
		m->dev = st.st_dev;
		m->ino = st.st_ino;
	}
	return fd;
}

bool
files_made(const struct launch *l, enum files_log which)
{
	return l->files != NULL && l->files->log[which].state != MADE_NONE;
}

void
files_hand_over(struct launch *l)
{
	int i;

	for (i = 0; l->files != NULL && i < FILES_NLOGS; i++)
		if (l->files->log[i].state == MADE_BY_SETUP)
			l->files->log[i].state = MADE_HANDED;
}

/*
 * Remove path if it is still the file made. With -u, the caller walks the
 * path as the set-up did, following no link the user could have planted.
 */
static void
remove_made(const char *path, const struct made_log *m,
    const struct path_guard *g)
{
	const char *name = path;
	char *last = NULL;
	int dir = AT_FDCWD;
	struct stat st;

	if (g != NULL) {
		if ((dir = path_open_dir(path, g, &last)) == -1)
			return;
		name = last;
	}
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (m->ino == 0 || (st.st_dev == m->dev && st.st_ino == m->ino)))
		(void)unlinkat(dir, name, 0);
	if (g != NULL) {
		free(last);
		close(dir);
	}
}

void
files_forget(struct launch *l)
{
	if (l->files == NULL)
		return;
	if (l->files->mapped)
		(void)munmap(l->files, sizeof(*l->files));
	else
		free(l->files);
	l->files = NULL;
}

void
files_undo(struct launch *l)
{
	int i;

	for (i = 0; l->files != NULL && i < FILES_NLOGS; i++) {
		struct made_log *m = &l->files->log[i];

		if (m->state == MADE_NONE)
			continue;
		remove_made(log_path(l, (enum files_log)i), m, NULL);
		m->state = MADE_NONE;
	}
}

void
files_remove(const struct launch *l)
{
	struct path_guard g = { l->user.uid, l->user.groups, l->user.ngroups };
	int i;

	for (i = 0; l->files != NULL && i < FILES_NLOGS; i++) {
		struct made_log *m = &l->files->log[i];

		if (m->state != MADE_BY_SETUP)
			continue;
		remove_made(log_path(l, (enum files_log)i), m,
		    l->opt->user != NULL && m->at[0] == '\0' ? &g : NULL);
		m->state = MADE_NONE;
	}
}
