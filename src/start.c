/*
 * The caller's side. Whatever can fail before forking is checked here, so
 * it is reported before anything exists; the rest is reported by the
 * daemon's side over a close-on-exec pipe that both forks inherit (end of
 * file with no verdict means the command was executed).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "arena.h"
#include "clock.h"
#include "command.h"
#include "detach.h"
#include "exitcodes.h"
#include "launch.h"
#include "msg.h"
#include "path.h"
#include "ready.h"
#include "report.h"
#include "start.h"
#include "warden.h"
#include "watch.h"

static void
launch_init(struct launch *l, const struct options *o)
{
	memset(l, 0, sizeof(*l));
	l->opt = o;
	l->report_fd = l->msg_fd = -1;
	l->pid_fd = l->lock_fd = l->out_fd = l->err_fd = -1;
	l->nguard = 0;
}

static void
launch_free(struct launch *l)
{
	arena_free(l->pidfile);
	arena_free(l->lockfile);
	arena_free(l->out);
	arena_free(l->err);
	arena_free(l->dir);
	arena_free(l->path);
	user_free(&l->user);
	if (l->msg_fd >= 0)
		close(l->msg_fd);
}

/* Before anything here opens a descriptor that could take its number. */
static int
check_keep_fds(const struct options *o)
{
	size_t i;

	for (i = 0; i < o->nkeep; i++) {
		if (fcntl(o->keep[i], F_GETFD) == -1) {
			msg("cannot keep descriptor %d: %s", o->keep[i],
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int
resolve_path(const char *given, const char *cwd, char **abs)
{
	if (given == NULL)
		return 0;
	if ((*abs = path_absolute(given, cwd)) == NULL) {
		msg("cannot resolve '%s': %s", given, strerror(errno));
		return -1;
	}
	return 0;
}

static bool
is_relative(const char *path)
{
	return path != NULL && path[0] != '/';
}

/* Without a known directory, relative paths cannot be honoured. */
static int
check_cwd(const struct options *o, const char *cwd, int cwd_errno)
{
	const char *cmd = o->argv[0];

	if (cwd != NULL)
		return 0;
	if (is_relative(o->pidfile) || is_relative(o->lockfile) ||
	    is_relative(o->out) || is_relative(o->err) ||
	    is_relative(o->dir) || (strchr(cmd, '/') && is_relative(cmd))) {
		msg("cannot find the current directory: %s",
		    strerror(cwd_errno));
		return EXIT_SETUP;
	}
	return 0;
}

static int
resolve_paths(struct launch *l, const char *cwd)
{
	const struct options *o = l->opt;

	if (resolve_path(o->pidfile, cwd, &l->pidfile) == -1 ||
	    resolve_path(o->lockfile, cwd, &l->lockfile) == -1 ||
	    resolve_path(o->out, cwd, &l->out) == -1 ||
	    resolve_path(o->err, cwd, &l->err) == -1 ||
	    resolve_path(o->dir != NULL ? o->dir : "/", cwd, &l->dir) == -1)
		return EXIT_SETUP;
	return 0;
}

static int
find_command(struct launch *l, const char *cwd)
{
	const char *name = l->opt->argv[0];

	if ((l->path = command_find(name, cwd)) == NULL) {
		int e = errno;

		msg("cannot execute '%s': %s", name, strerror(e));
		return e == ENOENT ? EXIT_NOTFOUND :
		    e == ENOMEM ? EXIT_SETUP : EXIT_CANNOT;
	}
	if (l->opt->verbose)
		msg("found '%s' at '%s'", name, l->path);
	return 0;
}

/*
 * Everything the caller can settle before forking; 0 or the exit code.
 * A frame of its own, not inlined: its buffer in start()'s frame would
 * put the frames of a resident supervisor (forked below start) 4 kB
 * deeper, and it holds the stack it has touched (a page more, measured).
 */
static int __attribute__((noinline))
prepare(struct launch *l, struct ready *r)
{
	const struct options *o = l->opt;
	char buf[PATH_MAX], *cwd, *deep = NULL;
	int rc;

	if (check_keep_fds(o) == -1)
		return EXIT_SETUP;
	if ((rc = ready_reserve(r, l)) != 0)
		return rc;
	/* Messages of -v and of -f must reach the caller's own stderr. */
	if ((l->msg_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1) {
		msg("cannot duplicate standard error: %s", strerror(errno));
		return EXIT_SETUP;
	}
	/*
	 * Not getcwd(NULL, 0): one malloc leaves a page of heap to the
	 * supervisor we may fork (arena.h). Only a directory deeper than
	 * PATH_MAX needs one.
	 */
	if ((cwd = getcwd(buf, sizeof(buf))) == NULL && errno == ERANGE)
		cwd = deep = getcwd(NULL, 0);
	rc = check_cwd(o, cwd, errno);
	if (rc == 0)
		rc = resolve_paths(l, cwd);
	if (rc == 0)
		rc = find_command(l, cwd);
	if (rc == 0 && o->user != NULL && user_lookup(&l->user, o->user) == -1)
		rc = EXIT_SETUP;
	if (rc == 0)
		rc = ready_prepare(r, cwd);
	free(deep);
	return rc;
}

/*
 * SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGALRM, SIGUSR1 and SIGUSR2 (each
 * would end us before we could clean up) come through a signalfd while
 * the start runs, so an interrupted start can stop what it began. One the
 * caller ignores stays ignored (nohup(1) means it).
 */
static int
catch_interrupts(sigset_t *old)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
	};
	struct sigaction sa;
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_IGN)
			sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, old) == -1)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The verdict pipe; our end never blocks: what is there is read any time. */
static int
verdict_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) == -1) {
		msg("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1) {
		msg("cannot set up a pipe: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/* Fork, let the child detach, and watch it until the start is settled. */
static int
spawn(struct launch *l, struct ready *r, long long deadline)
{
	struct watch w;
	struct stat st;
	sigset_t old;
	int fds[2], rc;

	watch_init(&w, l, r, deadline);
	/* Else a failed start removes the lockfile it made. */
	w.lock_existed = l->lockfile != NULL && lstat(l->lockfile, &st) == 0;
	if ((w.sigfd = catch_interrupts(&old)) == -1) {
		msg("cannot watch for signals: %s", strerror(errno));
		return EXIT_SETUP;
	}
	/* The detached daemon becomes our child, to be waited for. */
	if (r->n > 0 && prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		msg("cannot become a subreaper: %s", strerror(errno));
		close(w.sigfd);
		return EXIT_SETUP;
	}
	if (verdict_pipe(fds) == -1) {
		close(w.sigfd);
		return EXIT_SETUP;
	}
	/*
	 * With two forks, the first child only makes the session, forks the
	 * daemon's side and leaves: it may borrow our memory (vfork(2)), as
	 * we wait for it anyway, instead of copying it. What it writes in
	 * the time it has it is undone before it leaves (fork(3)'s locks),
	 * not ours (errno), or meant for us: the pids it tells the warden
	 * (warden.c); the daemon's side forked from it has a copy of its
	 * own. With -1 the child is the daemon's side: a copy.
	 */
	l->report_fd = fds[1];
	w.child = l->opt->forks == FORKS_TWO ? vfork() : fork();
	if (w.child == -1) {
		msg("cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		close(w.sigfd);
		return EXIT_SETUP;
	}
	if (w.child == 0) {
		if (l->opt->forks == FORKS_TWO)
			warden_note_vforked();	/* no atfork handler ran */
		close(fds[0]);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		detach_daemon(l);
	}
	l->report_fd = -1;
	close(fds[1]);
	ready_forked(r);
	w.report_fd = fds[0];
	rc = watch_start(&w, r);
	watch_free(&w);
	close(w.sigfd);
	return rc;
}

int
start(const struct options *o)
{
	/* The timeout covers the whole start, set-up included. */
	long long deadline = o->timeout >= 0 ? clock_ms() +
	    (long long)(o->timeout * 1000.0) : LLONG_MAX;
	struct launch l;
	struct ready r;
	int rc;

	/*
	 * A reader of our stderr that went away must not kill us, or the
	 * daemon's side, before the verdict: writes then just fail. The
	 * command gets SIGPIPE back at its default.
	 */
	signal(SIGPIPE, SIG_IGN);
	/* The daemon's exit status is ours to read (and reset for it). */
	signal(SIGCHLD, SIG_DFL);
	launch_init(&l, o);
	ready_init(&r);
	if ((rc = prepare(&l, &r)) == 0) {
		if (o->forks == FORKS_NONE)
			detach_in_place(&l);	/* does not return */
		rc = spawn(&l, &r, deadline);
	}
	ready_free(&r);
	launch_free(&l);
	return rc;
}
