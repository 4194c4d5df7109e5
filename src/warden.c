/*
 * Only --wait notify has one: its directory is the one thing a start
 * leaves in the file system that no later run would clean up, and the
 * fork (a few hundredths of a millisecond, beside the daemon's own set-up)
 * is not worth paying on every start.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "pidfile.h"
#include "stop.h"
#include "warden.h"

#define GRACE_MS	2000	/* SIGTERM, then SIGKILL: as a failed start */
#define LIFELINE	3	/* the pipe's read end, in the warden */

enum rec_kind {
	REC_FILE, REC_DIR, REC_GROUP, REC_DAEMON, REC_SPARE,
	REC_DONE,		/* settled by the caller: nothing to undo */
};

/* Written whole (under PIPE_BUF), so read whole. */
struct rec {
	int kind;
	pid_t pid;
	char path[128];
};

/* What the warden would undo. */
struct plan {
	char file[128];
	char dir[128];
	pid_t pgid;
	pid_t daemon;
	int pidfd;		/* the daemon's, or -1 */
	bool spare;
};

static void
take(struct plan *p, const struct rec *r)
{
	switch (r->kind) {
	case REC_FILE:
		memcpy(p->file, r->path, sizeof(p->file));
		break;
	case REC_DIR:
		memcpy(p->dir, r->path, sizeof(p->dir));
		break;
	case REC_GROUP:
		p->pgid = r->pid;
		break;
	case REC_DAEMON:
		/* A pidfd, so that no reused number is ever signalled. */
		if (p->pidfd == -1 &&
		    (p->pidfd = pidfd_open(r->pid, 0)) >= 0)
			p->daemon = r->pid;
		break;
	case REC_SPARE:
		p->spare = true;
		break;
	}
}

/* The caller is gone unsettled: do what it would have done. */
static void
undo(const struct plan *p, const char *pidfile)
{
	struct target t = { p->daemon, p->pidfd, p->pgid, false };

	if (p->file[0] != '\0')
		(void)unlink(p->file);
	if (p->dir[0] != '\0')
		(void)rmdir(p->dir);
	if (p->spare || (t.pid <= 0 && t.pgid <= 0))
		return;
	(void)stop_target(&t, SIGTERM, GRACE_MS, GRACE_MS);
	if (pidfile != NULL)
		pidfile_clean(pidfile);
}

/*
 * Nothing of the caller's but the pipe: no copy of a --wait fd:N pipe
 * that would hide its end of file, no terminal's stdio, and none of the
 * signals that would end the caller's whole group.
 */
static void
isolate(int fd)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
		SIGPIPE,
	};
	size_t i;
	int null, n;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_IGN);
	if (fd != LIFELINE && dup2(fd, LIFELINE) == -1)
		_exit(1);
	closefrom(LIFELINE + 1);
	null = open("/dev/null", O_RDWR);
	for (n = 0; n < LIFELINE; n++)
		if (null != n && (null < 0 || dup2(null, n) == -1))
			(void)close(n);
	if (null > LIFELINE)
		(void)close(null);
}

static void __attribute__((noreturn))
warden_run(int fd, const char *pidfile)
{
	struct plan p;
	struct rec r;
	ssize_t n;

	memset(&p, 0, sizeof(p));
	p.pidfd = -1;
	isolate(fd);
	while ((n = read(LIFELINE, &r, sizeof(r))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(r))
			break;
		if (r.kind == REC_DONE)
			_exit(0);
		r.path[sizeof(r.path) - 1] = '\0';
		take(&p, &r);
	}
	undo(&p, pidfile);
	_exit(0);
}

void
warden_init(struct warden *w)
{
	w->pid = 0;
	w->pidfd = w->fd = -1;
}

int
warden_start(struct warden *w, const char *pidfile)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((w->pid = fork()) == -1) {
		w->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(fds[1]);
		warden_run(fds[0], pidfile);
	}
	close(fds[0]);
	w->fd = fds[1];
	/* Not reaped before this: nothing here waits yet. */
	w->pidfd = pidfd_open(w->pid, 0);
	return 0;
}

static void
tell(const struct warden *w, int kind, pid_t pid, const char *path)
{
	struct rec r;

	if (w->fd < 0)
		return;
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.pid = pid;
	if (path != NULL)
		strncpy(r.path, path, sizeof(r.path) - 1);
	while (write(w->fd, &r, sizeof(r)) == -1 && errno == EINTR)
		;
}

void
warden_path(const struct warden *w, const char *path, bool dir)
{
	tell(w, dir ? REC_DIR : REC_FILE, 0, path);
}

void
warden_group(const struct warden *w, pid_t pgid)
{
	tell(w, REC_GROUP, pgid, NULL);
}

void
warden_daemon(const struct warden *w, pid_t daemon)
{
	tell(w, REC_DAEMON, daemon, NULL);
}

void
warden_spare(const struct warden *w)
{
	tell(w, REC_SPARE, 0, NULL);
}

void
warden_end(struct warden *w)
{
	siginfo_t si;

	tell(w, REC_DONE, 0, NULL);
	/*
	 * Through its pidfd: should something have reaped it already (a
	 * stop reaps whatever child has died), its number may be another's.
	 */
	if (w->pidfd >= 0) {
		(void)pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
		while (waitid(P_PIDFD, (id_t)w->pidfd, &si, WEXITED) == -1 &&
		    errno == EINTR)
			;
		close(w->pidfd);
	}
	if (w->fd >= 0)
		close(w->fd);
	warden_init(w);
}
