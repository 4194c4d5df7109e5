/*
 * Between fork and exec (see setup.h for who runs which part). The order
 * matters:
 *  - the locks come first, so a second instance writes nothing (not its
 *    pid, not a log) before it learns it must not run;
 *  - the pid is written as soon as both are held, so a racing start can
 *    name the winner;
 *  - the resource controls come while we are still root: a lower niceness
 *    or oom_score_adj, or a higher hard limit, needs privilege;
 *  - privileges go last but for chdir, which is done as the user (as
 *    systemd does) so the daemon can stand in its own directory;
 *  - signals are reset just before exec, so nothing the caller ignored or
 *    blocked reaches the command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "command.h"
#include "compat.h"
#include "exitcodes.h"
#include "inherit.h"
#include "lock.h"
#include "msg.h"
#include "path.h"
#include "pidfile.h"
#include "resource.h"
#include "setup.h"

#define LOCKFILE_MODE	0644
#define LOG_MODE	0666

extern char **environ;

/* Undo what this process made: the start is failing, and leaves nothing. */
static void
undo(struct launch *l)
{
	if (l->switched)
		(void)user_regain_root();
	/* A supervised run's locks are its supervisor's to keep. */
	if (!l->supervised && l->pid_fd >= 0)
		(void)unlink(l->pidfile);
	if (!l->supervised && l->lock_fd >= 0 && l->lock_fd != l->pid_fd &&
	    l->lock_created)
		(void)unlink(l->lockfile);
	files_undo(l);
}

void
setup_fail(struct launch *l, enum step step, int err, pid_t pid, int arg)
{
	struct verdict v = { step, err, pid, arg, 0, 0 };

	undo(l);
	/* Unlocked before the caller hears of it and perhaps starts again. */
	if (l->lock_fd >= 0 && l->lock_fd != l->pid_fd)
		close(l->lock_fd);
	if (l->pid_fd >= 0)
		close(l->pid_fd);
	if (l->report_fd >= 0) {
		report_send(l->report_fd, &v);
		_exit(EXIT_SETUP);
	}
	/* In the foreground: nothing to free for, no atexit work to run. */
	_exit(report_explain(l->msg_fd, l, &v));
}

static void __attribute__((noreturn))
fail(struct launch *l, enum step step, int err)
{
	setup_fail(l, step, err, 0, 0);
}

static void __attribute__((format(printf, 2, 3)))
verbose(const struct launch *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->opt->verbose)
		return;
	va_start(ap, fmt);
	vmsg_to(l->msg_fd, fmt, ap);
	va_end(ap);
}

/*
 * With -u, root works in places the user may control: walk each path,
 * following only links the user could not have planted, and from then on
 * name the file through the directory reached ("/proc/self/fd/N/name"), so
 * no later rename or link can steer an open, a lock or an undo elsewhere.
 */
static void
guard_path(struct launch *l, char **path, enum step step)
{
	struct path_guard g = { l->user.uid, l->user.groups, l->user.ngroups };
	char *name, *safe;
	int dir;

	if (*path == NULL)
		return;
	if ((dir = path_open_dir(*path, &g, &name)) == -1)
		fail(l, step, errno);
	if (asprintf(&safe, "/proc/self/fd/%d/%s", dir, name) == -1)
		fail(l, step, ENOMEM);
	free(name);
	arena_free(*path);
	*path = safe;
	l->guard_fd[l->nguard++] = dir;
}

static void
guard_paths(struct launch *l)
{
	if (l->opt->user == NULL)
		return;
	guard_path(l, &l->pidfile, STEP_PIDFILE_OPEN);
	guard_path(l, &l->lockfile, STEP_LOCKFILE_OPEN);
	guard_path(l, &l->out, STEP_STDOUT_OPEN);
	guard_path(l, &l->err, STEP_STDERR_OPEN);
}

static void
take_pidfile(struct launch *l)
{
	pid_t holder;

	l->pid_fd = pidfile_take(l->pidfile, &holder);
	if (l->pid_fd == -1) {
		if (errno == EEXIST)
			setup_fail(l, STEP_PIDFILE_HELD, 0, holder, 0);
		if (errno == EINVAL)
			fail(l, STEP_PIDFILE_NOTREG, 0);
		fail(l, STEP_PIDFILE_OPEN, errno);
	}
}

static void
write_pidfile(struct launch *l)
{
	pid_t pid = getpid();

	if (pidfile_store(l->pidfile, l->pid_fd, pid) == -1)
		fail(l, STEP_PIDFILE_WRITE, errno);
	verbose(l, "wrote pid %ld to pidfile '%s'", (long)pid,
	    l->opt->pidfile);
}

/*
 * With -u, root opens files in places the user may control: a symbolic
 * link planted there must not hand the daemon someone else's file.
 */
static int
nofollow(const struct launch *l)
{
	return l->opt->user != NULL ? O_NOFOLLOW : 0;
}

static bool
same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* path is the file open at fd; a final link followed, or (lstat) not. */
static bool
same_file(const char *path, int fd, int (*stat_fn)(const char *,
    struct stat *))
{
	struct stat a, b;

	return fd >= 0 && stat_fn(path, &a) == 0 && fstat(fd, &b) == 0 &&
	    same_inode(&a, &b);
}

/* A lockfile is never followed through a link, as the pidfile is not. */
static void
take_lockfile(struct launch *l)
{
	/* One file locked twice by us would block on itself: share it. */
	if (same_file(l->lockfile, l->pid_fd, lstat)) {
		l->lock_fd = l->pid_fd;
		return;
	}
	l->lock_fd = lock_open(l->lockfile, O_RDONLY | O_NOFOLLOW,
	    LOCKFILE_MODE, &l->lock_created);
	if (l->lock_fd == -1) {
		if (errno == EWOULDBLOCK)
			setup_fail(l, STEP_LOCKFILE_HELD, 0,
			    lock_holder(l->lockfile), 0);
		fail(l, STEP_LOCKFILE_OPEN, errno);
	}
	verbose(l, "locked lockfile '%s'", l->opt->lockfile);
}

void
setup_claim(struct launch *l)
{
	/* The pidfile and lockfile get their modes whatever the umask. */
	mode_t mask = umask(0);

	guard_paths(l);
	if (l->pidfile != NULL)
		take_pidfile(l);
	if (l->lockfile != NULL)
		take_lockfile(l);
	if (l->pidfile != NULL)
		write_pidfile(l);
	umask(mask);
}

/*
 * O_APPEND even with --truncate (done just before the exec), so other
 * writers and copytruncate rotation never leave holes.
 */
static int
open_log(struct launch *l, enum files_log which, const char *path)
{
	/* O_NONBLOCK: a FIFO with no reader fails (ENXIO) instead of hanging. */
	int fd = files_open_log(l, which, path, O_WRONLY | O_APPEND |
	    O_CLOEXEC | O_NOCTTY | O_NONBLOCK | nofollow(l), LOG_MODE);

	/* F_SETFL sets only the status flags: O_APPEND stays, O_NONBLOCK goes. */
	if (fd >= 0)
		(void)fcntl(fd, F_SETFL, O_APPEND);
	return fd;
}

/* The file of st is the one open at fd, or the one at path now. */
static bool
is_file(const struct stat *st, int fd, const char *path)
{
	struct stat other;

	return (fd >= 0 && fstat(fd, &other) == 0 && same_inode(st, &other)) ||
	    (path != NULL && stat(path, &other) == 0 && same_inode(st, &other));
}

/*
 * A log that is the pidfile or the lockfile, however it was spelled (a
 * link, "..", a hard link), would fill it with output, and the daemon
 * could no longer be stopped by it. Both are open by now: the log is
 * neither the file held nor whatever the path names now (it may have been
 * replaced since).
 */
static void
refuse_lock_files(struct launch *l, int fd, enum step is_pidfile,
    enum step is_lockfile)
{
	struct stat log;

	if (fstat(fd, &log) == -1)
		return;
	if (is_file(&log, l->pid_fd, l->pidfile))
		fail(l, is_pidfile, 0);
	if (is_file(&log, l->lock_fd, l->lockfile))
		fail(l, is_lockfile, 0);
}

static void
chown_log(struct launch *l, int fd, enum step step)
{
	if (l->opt->user != NULL &&
	    fchown(fd, l->user.uid, l->user.gid) == -1)
		fail(l, step, errno);
}

/* -o and -e, unless the caller of setup_exec() opened them already. */
static void
open_logs(struct launch *l)
{
	if (l->out != NULL && l->out_fd < 0) {
		if ((l->out_fd = open_log(l, FILES_OUT, l->out)) == -1)
			fail(l, STEP_STDOUT_OPEN, errno);
		/* A file just made cannot be one that was there before. */
		if (!files_made(l, FILES_OUT))
			refuse_lock_files(l, l->out_fd, STEP_STDOUT_PIDFILE,
			    STEP_STDOUT_LOCKFILE);
		else
			chown_log(l, l->out_fd, STEP_STDOUT_CHOWN);
	}
	if (l->err != NULL && l->err_fd < 0) {
		/* One open file for both, so their lines keep their order. */
		if (l->out != NULL && same_file(l->err, l->out_fd, stat)) {
			l->err_fd = l->out_fd;
			return;
		}
		if ((l->err_fd = open_log(l, FILES_ERR, l->err)) == -1)
			fail(l, STEP_STDERR_OPEN, errno);
		if (!files_made(l, FILES_ERR))
			refuse_lock_files(l, l->err_fd, STEP_STDERR_PIDFILE,
			    STEP_STDERR_LOCKFILE);
		else
			chown_log(l, l->err_fd, STEP_STDERR_CHOWN);
	}
}

void
setup_logs(struct launch *l)
{
	mode_t mask = umask(l->opt->umask);

	open_logs(l);
	umask(mask);
}

static void
move_fd(struct launch *l, int from, int to)
{
	if (from != to && dup2(from, to) == -1)
		fail(l, STEP_STDIO, errno);
}

static int
open_null(struct launch *l, int flags)
{
	int fd = open("/dev/null", flags | O_CLOEXEC);

	if (fd == -1)
		fail(l, STEP_DEVNULL, errno);
	return fd;
}

/*
 * Detached: stdin from /dev/null read-only, stdout and stderr to the logs or
 * /dev/null. In the foreground only -o and -e change anything.
 */
static void
redirect_stdio(struct launch *l)
{
	int out = l->out_fd, err = l->err_fd;

	if (l->opt->forks != FORKS_NONE) {
		move_fd(l, open_null(l, O_RDONLY), STDIN_FILENO);
		if (out == -1 && err == -1)
			out = err = open_null(l, O_WRONLY);
		else if (out == -1)
			out = open_null(l, O_WRONLY);
		else if (err == -1)
			err = open_null(l, O_WRONLY);
	}
	if (out >= 0)
		move_fd(l, out, STDOUT_FILENO);
	if (err >= 0)
		move_fd(l, err, STDERR_FILENO);
}

/* A regular file only: /dev/null, a FIFO or a tty has nothing to cut. */
static int
truncate_file(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -1;
	return S_ISREG(st.st_mode) ? ftruncate(fd, 0) : 0;
}

/*
 * Late, so a start that fails in set-up leaves an old log as it was; and
 * not at all for an exec that will fail.
 */
static void
truncate_logs(struct launch *l)
{
	if (!l->opt->truncate || l->truncated || !command_runnable(l->path))
		return;
	if (l->out != NULL && truncate_file(STDOUT_FILENO) == -1)
		fail(l, STEP_STDOUT_TRUNCATE, errno);
	if (l->err != NULL && l->err_fd != l->out_fd &&
	    truncate_file(STDERR_FILENO) == -1)
		fail(l, STEP_STDERR_TRUNCATE, errno);
}

/*
 * Close every descriptor above 2 but the kept ones, the locks (not in a
 * supervised run: they are the supervisor's), and our own two (both
 * close-on-exec, gone at the exec).
 */
static void
close_descriptors(struct launch *l)
{
	size_t max = l->opt->nkeep + l->nready_fds + nitems(l->guard_fd) + 4;
	size_t n = 0, i;
	/*
	 * On the stack for the usual few: the start allocates nothing
	 * (arena.h), and a first malloc here would cost the set-up malloc's
	 * set-up and a heap.
	 */
	int few[32], *kp = few;

	if (max > nitems(few) && (kp = calloc(max, sizeof(*kp))) == NULL)
		fail(l, STEP_FDS, errno);
	for (i = 0; i < l->opt->nkeep; i++)
		kp[n++] = l->opt->keep[i];
	for (i = 0; i < l->nready_fds; i++)
		kp[n++] = l->ready_fds[i];
	/* Close-on-exec, and needed by an undo until then. */
	for (i = 0; i < (size_t)l->nguard; i++)
		kp[n++] = l->guard_fd[i];
	kp[n++] = l->supervised ? -1 : l->pid_fd;
	kp[n++] = l->supervised ? -1 : l->lock_fd;
	kp[n++] = l->report_fd;
	kp[n++] = l->msg_fd;
	inherit_close_except(kp, n);
	if (kp != few)
		free(kp);
	if (l->supervised)
		l->pid_fd = l->lock_fd = -1;
}

static void
keep_fd(struct launch *l, int fd)
{
	if (fd >= 0 && inherit_fd(fd) == -1)
		fail(l, STEP_INHERIT, errno);
}

/* The locks and --keep-fd descriptors must survive the exec. */
static void
inherit_descriptors(struct launch *l)
{
	size_t i;

	keep_fd(l, l->pid_fd);
	keep_fd(l, l->lock_fd);
	for (i = 0; i < l->opt->nkeep; i++)
		keep_fd(l, l->opt->keep[i]);
	for (i = 0; i < l->nready_fds; i++)
		keep_fd(l, l->ready_fds[i]);
}

/* Still as root: a lower niceness or oom_score_adj needs it. */
static void
apply_resources(struct launch *l)
{
	const struct options *o = l->opt;
	size_t i;

	for (i = 0; i < o->nrlimits; i++) {
		if (resource_set_limit(&o->rlimits[i]) == -1)
			setup_fail(l, STEP_RLIMIT, errno, 0, (int)i);
		verbose(l, "set resource limit '%s'", o->rlimits[i].given);
	}
	if (o->nice_arg != NULL) {
		if (resource_add_nice(o->nice) == -1)
			fail(l, STEP_NICE, errno);
		verbose(l, "changed the niceness by %d", o->nice);
	}
	if (o->oom_score_adj_arg != NULL) {
		if (resource_set_oom_score_adj(o->oom_score_adj) == -1)
			fail(l, STEP_OOM_SCORE_ADJ, errno);
		verbose(l, "set oom_score_adj to %d", o->oom_score_adj);
	}
}

static void
set_environment(struct launch *l)
{
	const struct options *o = l->opt;
	size_t i;

	if (o->clear_env && clearenv() != 0)
		fail(l, STEP_ENV, ENOMEM);
	if (o->user != NULL && user_export(&l->user) == -1)
		fail(l, STEP_ENV, errno);
	/* -E last, so an explicit HOME=... wins over -u's. */
	for (i = 0; i < o->nenv; i++)
		if (putenv(o->env[i]) != 0)
			fail(l, STEP_ENV, errno);
	/* Last: --wait notify cannot work with any other socket. */
	if (l->notify_env != NULL && putenv(l->notify_env) != 0)
		fail(l, STEP_ENV, errno);
}

static void
switch_user(struct launch *l)
{
	if (l->opt->user == NULL)
		return;
	switch (user_switch(&l->user)) {
	case USER_GROUPS:
		fail(l, STEP_GROUPS, errno);
	case USER_SETGID:
		fail(l, STEP_SETGID, errno);
	case USER_SETUID:
		fail(l, STEP_SETUID, errno);
	case USER_OK:
		break;
	}
	l->switched = true;
	verbose(l, "running as user '%s' (uid %ld)", l->user.name,
	    (long)l->user.uid);
}

static void
reset_signals(struct launch *l)
{
	if (inherit_reset_signals() == -1)
		fail(l, STEP_SIGNALS, errno);
	/* Until the exec, a reader that went away must not kill us. */
	(void)signal(SIGPIPE, SIG_IGN);
}

/* The real ID becomes the user's last, so the user cannot stop set-up. */
static void
commit_user(struct launch *l)
{
	if (l->opt->user != NULL && user_commit(&l->user) == -1)
		fail(l, STEP_SETUID, errno);
}

/*
 * A supervised run dies with its supervisor. Asked for after the last
 * change of credentials, which would clear it; and a parent gone before
 * the asking would never send it.
 */
static void
tie_to_parent(struct launch *l)
{
	if (l->death_signal == 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, l->death_signal) == -1)
		fail(l, STEP_PARENT, errno);
	if (getppid() != l->parent)
		fail(l, STEP_PARENT, ESRCH);
}

/*
 * Tell the caller the exec is next: end of file without this means the
 * daemon's side died in set-up (killed, say), not that the exec happened.
 * From here on the logs made are the command's.
 */
static void
announce_exec(struct launch *l)
{
	struct verdict v = { STEP_EXECUTING, 0, getpid(), 0, 0, 0 };

	files_hand_over(l);
	if (l->report_fd >= 0)
		report_send(l->report_fd, &v);
}

/* A file without a #! line, as execvp(3) has it; returns if that failed. */
static void
exec_shell(struct launch *l)
{
	char **argv = l->opt->argv, **sh_argv;
	size_t argc;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	if ((sh_argv = calloc(argc + 2, sizeof(*sh_argv))) == NULL)
		return;
	sh_argv[0] = (char *)"/bin/sh";
	sh_argv[1] = l->path;
	memcpy(sh_argv + 2, argv + 1, argc * sizeof(*argv));
	execve("/bin/sh", sh_argv, environ);
	free(sh_argv);
}

static void __attribute__((noreturn))
exec_command(struct launch *l)
{
	int e;

	/* The command's SIGPIPE is its default, set just now. */
	(void)signal(SIGPIPE, SIG_DFL);
	execve(l->path, l->opt->argv, environ);
	/*
	 * ENOEXEC: only shell text goes to /bin/sh. A binary the kernel
	 * refused (another machine's, or cut short) fails as it is, 126.
	 */
	if ((e = errno) == ENOEXEC && command_is_script(l->path))
		exec_shell(l);
	(void)signal(SIGPIPE, SIG_IGN);
	fail(l, STEP_EXEC, e);
}

void
setup_exec(struct launch *l)
{
	umask(l->opt->umask);
	open_logs(l);
	redirect_stdio(l);
	close_descriptors(l);
	set_environment(l);
	apply_resources(l);
	switch_user(l);
	if (chdir(l->dir) == -1)
		fail(l, STEP_CHDIR, errno);
	inherit_descriptors(l);
	truncate_logs(l);
	if (l->opt->verbose)
		verbose(l, "executing '%s' as pid %ld", l->path,
		    (long)getpid());
	reset_signals(l);
	commit_user(l);
	tie_to_parent(l);
	announce_exec(l);
	exec_command(l);
}
