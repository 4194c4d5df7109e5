/*
 * The record of the logs a start made: each process keeps its own, the
 * set-up's from what it opened, its caller's from the set-up's records.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "launch.h"
#include "path.h"
#include "report.h"

/* The log as the process at hand names it (guarded, in the set-up). */
static const char *
log_path(const struct launch *l, enum files_log which)
{
	const struct made_log *m = &l->files.log[which];

	if (m->at != NULL)
		return m->at;
	return which == FILES_OUT ? l->out : l->err;
}

int
files_open_log(struct launch *l, enum files_log which, const char *path,
    int flags, mode_t mode)
{
	char made[PATH_MAX];
	struct verdict v = { STEP_LOG_MADE, (int)which, 0, 0, 0, 0 };
	struct made_log *m;
	struct stat st;
	int fd;

	m = &l->files.log[which];
	m->state = MADE_NONE;
	if ((fd = path_create(path, flags, mode, made, sizeof(made))) == -1 ||
	    made[0] == '\0')
		return fd;
	m->state = MADE_BY_SETUP;
	m->linked = strcmp(made, path) != 0;
	/* Without the memory, undo finds the target as the caller does. */
	free(m->at);
	m->at = m->linked ? strdup(made) : NULL;
	m->ino = 0;
	if (fstat(fd, &st) == 0) {
		m->dev = st.st_dev;
		m->ino = st.st_ino;
	}
	/* The caller removes it if we are killed before the exec. */
	v.arg = m->linked;
	v.dev = m->dev;
	v.ino = m->ino;
	if (l->report_fd >= 0)
		report_send(l->report_fd, &v);
	return fd;
}

void
files_note(struct launch *l, const struct verdict *v)
{
	struct made_log *m;

	if (v->err < 0 || v->err >= FILES_NLOGS)
		return;
	m = &l->files.log[v->err];
	m->state = MADE_BY_SETUP;
	m->linked = v->arg != 0;
	m->dev = (dev_t)v->dev;
	m->ino = (ino_t)v->ino;
}

bool
files_made(const struct launch *l, enum files_log which)
{
	return l->files.log[which].state != MADE_NONE;
}

void
files_hand_over(struct launch *l)
{
	int i;

	for (i = 0; i < FILES_NLOGS; i++)
		if (l->files.log[i].state == MADE_BY_SETUP)
			l->files.log[i].state = MADE_HANDED;
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
	int i;

	for (i = 0; i < FILES_NLOGS; i++)
		free(l->files.log[i].at);
	memset(&l->files, 0, sizeof(l->files));
}

/*
 * Remove log which if it is still the file made. Made through a link
 * (never with -u, which follows none) and known only from a record, it is
 * where the link leads now; remove_made() checks it is the file made.
 */
static void
remove_log(const struct launch *l, enum files_log which,
    const struct path_guard *g)
{
	const struct made_log *m = &l->files.log[which];
	const char *path = log_path(l, which);
	char target[PATH_MAX];

	if (m->linked && m->at == NULL) {
		if (realpath(path, target) == NULL)
			return;
		path = target;
	}
	remove_made(path, m, m->linked ? NULL : g);
}

void
files_undo(struct launch *l)
{
	int i;

	for (i = 0; i < FILES_NLOGS; i++) {
		if (l->files.log[i].state == MADE_NONE)
			continue;
		remove_log(l, (enum files_log)i, NULL);
		l->files.log[i].state = MADE_NONE;
	}
}

void
files_remove(const struct launch *l)
{
	struct path_guard g = { l->user.uid, l->user.groups, l->user.ngroups };
	int i;

	/* Removed only if still the files made: twice does no harm. */
	for (i = 0; i < FILES_NLOGS; i++)
		if (l->files.log[i].state == MADE_BY_SETUP)
			remove_log(l, (enum files_log)i,
			    l->opt->user != NULL ? &g : NULL);
}
