/*
 * The log is read through the daemon's own descriptor and woken by
 * inotify(7); where inotify cannot watch it, the caller probes instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logwait.h"
#include "msg.h"
#include "stamp.h"

#define LINE_MAX_LEN	65536		/* longer log lines cannot match */

void
logwait_init(struct logwait *lw, const regex_t *re)
{
	size_t i;

	memset(lw, 0, sizeof(*lw));
	lw->re = re;
	lw->inotify = -1;
	for (i = 0; i < LOG_FILES_MAX; i++)
		lw->rd[i].fd = -1;
}

void
logwait_prepare(struct logwait *lw, const struct log_files *f)
{
	struct stat st;
	size_t i;

	for (i = 0; i < LOG_FILES_MAX; i++) {
		lw->start[i] = 0;
		if (f->path[i] != NULL && !f->truncate &&
		    stat(f->path[i], &st) == 0 && S_ISREG(st.st_mode))
			lw->start[i] = st.st_size;
	}
}

/*
 * The daemon's own log, opened anew through /proc: the very file it
 * writes, whatever has become of the path, and with -u, no path a user
 * could steer to a file the user may not read.
 */
static int
open_own(struct log_reader *rd, pid_t pid, int stream, off_t start)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, stream);
	rd->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rd->fd == -1)
		return -1;
	rd->offset = start;
	return 0;
}

/* Only when the file is gone does the probe interval stand in for it. */
static void
watch_logs(struct logwait *lw)
{
	char path[64];
	size_t i;

	lw->inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	for (i = 0; lw->inotify >= 0 && i < LOG_FILES_MAX; i++) {
		if (lw->rd[i].fd < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", lw->rd[i].fd);
		if (inotify_add_watch(lw->inotify, path, IN_MODIFY) == -1) {
			close(lw->inotify);
			lw->inotify = -1;
		}
	}
}

int
logwait_arm(struct logwait *lw, const struct log_files *f, pid_t pid)
{
	bool shared = f->path[0] != NULL && f->path[1] != NULL &&
	    strcmp(f->path[0], f->path[1]) == 0;
	size_t i;

	/*
	 * By name, a link is followed only where no other user could have
	 * put it there since: a relayed log without -u.
	 */
	int nofollow = f->relayed && !f->as_user ? 0 : O_NOFOLLOW;

	lw->stamped = f->stamped;
	for (i = 0; i < LOG_FILES_MAX; i++) {
		struct log_reader *rd = &lw->rd[i];

		if (f->given[i] == NULL || (i == 1 && shared))
			continue;
		/* Relayed, the command's stdout and stderr are pipes. */
		if (!f->relayed) {
			if (open_own(rd, pid, (int)i + 1, lw->start[i]) == 0)
				continue;
			/* Gone already: the watch notices its exit. */
			if (errno == ENOENT)
				continue;
		}
		/* By name: relayed, or not ours to look into. */
		rd->fd = open(f->path[i], O_RDONLY | nofollow | O_CLOEXEC |
		    O_NOCTTY | O_NONBLOCK);
		if (rd->fd == -1) {
			msg("cannot read log file '%s': %s", f->given[i],
			    strerror(errno));
			return -1;
		}
		rd->offset = lw->start[i];
	}
	watch_logs(lw);
	lw->fresh = true;	/* lines written before the watch began */
	return 0;
}

/* Keep take bytes of the current line, unless it is already too long. */
static bool
keep(struct log_reader *rd, const char *buf, size_t take)
{
	char *p;

	if (rd->skipping || rd->len + take > LINE_MAX_LEN) {
		rd->skipping = true;
		return true;
	}
	if ((p = realloc(rd->line, rd->len + take + 1)) == NULL)
		return false;
	rd->line = p;
	memcpy(rd->line + rd->len, buf, take);
	rd->len += take;
	rd->line[rd->len] = '\0';
	return true;
}

/*
 * Match the complete lines in buf; keep a partial last line. A stamped
 * line (--timestamps) is matched without its stamp.
 */
static bool
match_lines(const struct logwait *lw, struct log_reader *rd,
    const char *buf, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - buf) : len;

		if (!keep(rd, buf, take))
			return false;
		if (nl != NULL) {
			/* A line with a NUL byte in it cannot be matched. */
			size_t skip = lw->stamped && !rd->skipping &&
			    rd->line != NULL ? stamp_prefix(rd->line, rd->len) :
			    0;

			if (!rd->skipping && rd->line != NULL &&
			    strlen(rd->line) == rd->len &&
			    regexec(lw->re, rd->line + skip, 0, NULL, 0) == 0)
				return true;
			rd->len = 0;
			rd->skipping = false;
			take++;
		}
		buf += take;
		len -= take;
	}
	return false;
}

static bool
read_log(const struct logwait *lw, struct log_reader *rd)
{
	char buf[4096];
	struct stat st;
	ssize_t n;

	if (fstat(rd->fd, &st) == 0 && st.st_size < rd->offset)
		rd->offset = 0;		/* truncated since */
	while ((n = pread(rd->fd, buf, sizeof(buf), rd->offset)) > 0) {
		rd->offset += n;
		if (match_lines(lw, rd, buf, (size_t)n))
			return true;
	}
	return false;
}

bool
logwait_update(struct logwait *lw, bool woken)
{
	size_t i;

	if (!woken && !lw->fresh)
		return false;
	if (lw->inotify >= 0) {
		char events[4096];

		while (read(lw->inotify, events, sizeof(events)) > 0)
			;
	}
	lw->fresh = false;
	for (i = 0; i < LOG_FILES_MAX; i++)
		if (lw->rd[i].fd >= 0 && read_log(lw, &lw->rd[i]))
			return true;
	return false;
}

void
logwait_free(struct logwait *lw)
{
	size_t i;

	if (lw->inotify >= 0)
		close(lw->inotify);
	for (i = 0; i < LOG_FILES_MAX; i++) {
		if (lw->rd[i].fd >= 0)
			close(lw->rd[i].fd);
		free(lw->rd[i].line);
	}
	logwait_init(lw, lw->re);
}
