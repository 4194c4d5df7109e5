/*
 * The caller's side. Whatever can fail before forking is checked here, so
 * it is reported before anything exists; the rest is reported by the
 * daemon's side over a close-on-exec pipe that both forks inherit (end of
 * file with no verdict means the command was executed).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "detach.h"
#include "exitcodes.h"
#include "launch.h"
#include "path.h"
#include "pidfile.h"
#include "report.h"
#include "start.h"

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
	free(l->pidfile);
	free(l->lockfile);
	free(l->out);
	free(l->err);
	free(l->dir);
	free(l->path);
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

/* Everything the caller can settle before forking; 0 or the exit code. */
static int
prepare(struct launch *l)
{
	const struct options *o = l->opt;
	char *cwd;
	int rc;

	if (check_keep_fds(o) == -1)
		return EXIT_SETUP;
	/* Messages of -v and of -f must reach the caller's own stderr. */
	if ((l->msg_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1) {
		msg("cannot duplicate standard error: %s", strerror(errno));
		return EXIT_SETUP;
	}
	cwd = getcwd(NULL, 0);
	rc = check_cwd(o, cwd, errno);
	if (rc == 0)
		rc = resolve_paths(l, cwd);
	if (rc == 0)
		rc = find_command(l, cwd);
	free(cwd);
	if (rc == 0 && o->user != NULL && user_lookup(&l->user, o->user) == -1)
		rc = EXIT_SETUP;
	return rc;
}

/* Wait for the first child; 0 as its status if already reaped. */
static int
reap(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR)
			return 0;	/* SIGCHLD ignored: reaped already */
	return status;
}

/*
 * No verdict and no word of the exec: the daemon's side was killed in
 * set-up, or the first child was before it forked. Say so, and remove the
 * pidfile it left if nobody holds it.
 */
static int
died_in_setup(const struct launch *l, int status)
{
	if (l->opt->forks == FORKS_TWO && WIFSIGNALED(status))
		msg("cannot detach: the first child was killed by signal %d",
		    WTERMSIG(status));
	else
		msg("cannot start '%s': set-up was cut short (killed?)",
		    l->opt->argv[0]);
	if (l->pidfile != NULL)
		pidfile_clean(l->pidfile);
	return EXIT_SETUP;
}

/*
 * Fork, let the child detach, and read its verdict. The first child is
 * waited for unless it is the daemon itself, started (-1).
 */
static int
spawn(struct launch *l)
{
	struct verdict v;
	int fds[2], r, status = 0;
	pid_t child;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		msg("cannot create a pipe: %s", strerror(errno));
		return EXIT_SETUP;
	}
	if ((child = fork()) == -1) {
		msg("cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return EXIT_SETUP;
	}
	if (child == 0) {
		close(fds[0]);
		l->report_fd = fds[1];
		detach_daemon(l);
	}
	close(fds[1]);
	r = report_receive(fds[0], &v);
	close(fds[0]);
	if (r != 0 || l->opt->forks == FORKS_TWO)
		status = reap(child);
	if (r == 0)
		return 0;
	if (r == 1)
		return report_explain(STDERR_FILENO, l, &v);
	return died_in_setup(l, status);
}

int
start(const struct options *o)
{
	struct launch l;
	int rc;

	/*
	 * A reader of our stderr that went away must not kill us, or the
	 * daemon's side, before the verdict: writes then just fail. The
	 * command gets SIGPIPE back at its default.
	 */
	signal(SIGPIPE, SIG_IGN);
	launch_init(&l, o);
	if ((rc = prepare(&l)) != 0) {
		launch_free(&l);
		return rc;
	}
	if (o->forks == FORKS_NONE)
		detach_in_place(&l);		/* does not return */
	rc = spawn(&l);
	launch_free(&l);
	return rc;
}
