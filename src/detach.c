/*
 * Between fork and exec. The order matters:
 *  - the locks come first, so a second instance writes nothing (not its
 *    pid, not a log) before it learns it must not run;
 *  - the pid is written as soon as both are held, so a racing start can
 *    name the winner;
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "command.h"
#include "detach.h"
#include "exitcodes.h"
#include "lock.h"
#include "msg.h"
#include "path.h"
#include "pidfile.h"
#include "report.h"

#define LOCKFILE_MODE	0644
#define LOG_MODE	0666

extern char **environ;

/* Undo what this start made: it is failing, and leaves nothing behind. */
static void
undo(struct launch *l)
{
	if (l->switched)
		(void)user_regain_root();
	if (l->pid_fd >= 0)
		(void)unlink(l->pidfile);
	if (l->lock_fd >= 0 && l->lock_fd != l->pid_fd && l->lock_created)
		(void)unlink(l->lockfile);
	if (l->out_created)
		(void)unlink(l->out);
	if (l->err_created)
		(void)unlink(l->err);
}

static void __attribute__((noreturn))
fail(struct launch *l, enum step step, int err, pid_t pid)
{
	struct verdict v = { step, err, pid };

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
		fail(l, step, errno, 0);
	if (asprintf(&safe, "/proc/self/fd/%d/%s", dir, name) == -1)
		fail(l, step, ENOMEM, 0);
	free(name);
	free(*path);
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
			fail(l, STEP_PIDFILE_HELD, 0, holder);
		if (errno == EINVAL)
			fail(l, STEP_PIDFILE_NOTREG, 0, 0);
		fail(l, STEP_PIDFILE_OPEN, errno, 0);
	}
}

static void
write_pidfile(struct launch *l)
{
	if (pidfile_store(l->pidfile, l->pid_fd, getpid()) == -1)
		fail(l, STEP_PIDFILE_WRITE, errno, 0);
	verbose(l, "wrote pid %ld to pidfile '%s'", (long)getpid(),
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
same_file(const char *path, int fd)
{
	struct stat a, b;

	return fd >= 0 && stat(path, &a) == 0 && fstat(fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void
take_lockfile(struct launch *l)
{
	/* One file locked twice by us would block on itself: share it. */
	if (same_file(l->lockfile, l->pid_fd)) {
		l->lock_fd = l->pid_fd;
		return;
	}
	l->lock_fd = lock_open(l->lockfile, O_RDONLY | nofollow(l),
	    LOCKFILE_MODE, &l->lock_created);
	if (l->lock_fd == -1) {
		if (errno == EWOULDBLOCK)
			fail(l, STEP_LOCKFILE_HELD, 0, lock_holder(l->lockfile));
		fail(l, STEP_LOCKFILE_OPEN, errno, 0);
	}
	verbose(l, "locked lockfile '%s'", l->opt->lockfile);
}

/*
 * O_APPEND even with --truncate (done just before the exec), so other
 * writers and copytruncate rotation never leave holes.
 */
static int
open_log(const struct launch *l, const char *path, bool *created)
{
	/* O_NONBLOCK: a FIFO with no reader fails (ENXIO) instead of hanging. */
	int fd = path_open(open, path, O_WRONLY | O_APPEND | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK | nofollow(l), LOG_MODE, created);
	int fl;

	if (fd >= 0 && (fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

static void
chown_log(struct launch *l, int fd, enum step step)
{
	if (l->opt->user != NULL &&
	    fchown(fd, l->user.uid, l->user.gid) == -1)
		fail(l, step, errno, 0);
}

static void
open_logs(struct launch *l)
{
	if (l->out != NULL) {
		l->out_fd = open_log(l, l->out, &l->out_created);
		if (l->out_fd == -1)
			fail(l, STEP_STDOUT_OPEN, errno, 0);
		if (l->out_created)
			chown_log(l, l->out_fd, STEP_STDOUT_CHOWN);
	}
	if (l->err != NULL) {
		/* One open file for both, so their lines keep their order. */
		if (same_file(l->err, l->out_fd)) {
			l->err_fd = l->out_fd;
			return;
		}
		l->err_fd = open_log(l, l->err, &l->err_created);
		if (l->err_fd == -1)
			fail(l, STEP_STDERR_OPEN, errno, 0);
		if (l->err_created)
			chown_log(l, l->err_fd, STEP_STDERR_CHOWN);
	}
}

static void
move_fd(struct launch *l, int from, int to)
{
	if (from != to && dup2(from, to) == -1)
		fail(l, STEP_STDIO, errno, 0);
}

static int
open_null(struct launch *l, int flags)
{
	int fd = open("/dev/null", flags | O_CLOEXEC);

	if (fd == -1)
		fail(l, STEP_DEVNULL, errno, 0);
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
	if (!l->opt->truncate || !command_runnable(l->path))
		return;
	if (l->out != NULL && truncate_file(STDOUT_FILENO) == -1)
		fail(l, STEP_STDOUT_TRUNCATE, errno, 0);
	if (l->err != NULL && l->err_fd != l->out_fd &&
	    truncate_file(STDERR_FILENO) == -1)
		fail(l, STEP_STDERR_TRUNCATE, errno, 0);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Close [lo, hi]; close_range(2) where the kernel has it. */
static void
close_span(unsigned int lo, unsigned int hi)
{
	if (lo > hi)
		return;
	if (close_range(lo, hi, 0) == 0)
		return;
	if (hi == ~0U) {
		closefrom((int)lo);
		return;
	}
	for (; lo <= hi; lo++)
		(void)close((int)lo);
}

/*
 * Close every descriptor above 2 but the kept ones, the locks, and our own
 * two (both close-on-exec, gone at the exec).
 */
static void
close_descriptors(struct launch *l)
{
	size_t n = 0, i;
	unsigned int lo = 3;
	int *kp;

	kp = calloc(l->opt->nkeep + l->nready_fds + 4 + 4, sizeof(*kp));
	if (kp == NULL)
		fail(l, STEP_FDS, errno, 0);
	for (i = 0; i < l->opt->nkeep; i++)
		kp[n++] = l->opt->keep[i];
	for (i = 0; i < l->nready_fds; i++)
		kp[n++] = l->ready_fds[i];
	/* Close-on-exec, and needed by an undo until then. */
	for (i = 0; i < (size_t)l->nguard; i++)
		kp[n++] = l->guard_fd[i];
	kp[n++] = l->pid_fd;
	kp[n++] = l->lock_fd;
	kp[n++] = l->report_fd;
	kp[n++] = l->msg_fd;
	qsort(kp, n, sizeof(*kp), cmp_int);
	for (i = 0; i < n; i++) {
		if (kp[i] < (int)lo)
			continue;
		close_span(lo, (unsigned int)kp[i] - 1);
		lo = (unsigned int)kp[i] + 1;
	}
	close_span(lo, ~0U);
	free(kp);
}

static void
inherit_fd(struct launch *l, int fd)
{
	int fl;

	if (fd < 0)
		return;
	if ((fl = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) == -1)
		fail(l, STEP_INHERIT, errno, 0);
}

/* The locks and --keep-fd descriptors must survive the exec. */
static void
inherit_descriptors(struct launch *l)
{
	size_t i;

	inherit_fd(l, l->pid_fd);
	inherit_fd(l, l->lock_fd);
	for (i = 0; i < l->opt->nkeep; i++)
		inherit_fd(l, l->opt->keep[i]);
	for (i = 0; i < l->nready_fds; i++)
		inherit_fd(l, l->ready_fds[i]);
}

static void
set_environment(struct launch *l)
{
	const struct options *o = l->opt;
	size_t i;

	if (o->clear_env && clearenv() != 0)
		fail(l, STEP_ENV, ENOMEM, 0);
	if (o->user != NULL && user_export(&l->user) == -1)
		fail(l, STEP_ENV, errno, 0);
	/* -E last, so an explicit HOME=... wins over -u's. */
	for (i = 0; i < o->nenv; i++)
		if (putenv(o->env[i]) != 0)
			fail(l, STEP_ENV, errno, 0);
	/* Last: --wait notify cannot work with any other socket. */
	if (l->notify_env != NULL && putenv(l->notify_env) != 0)
		fail(l, STEP_ENV, errno, 0);
}

static void
switch_user(struct launch *l)
{
	if (l->opt->user == NULL)
		return;
	switch (user_switch(&l->user)) {
	case USER_GROUPS:
		fail(l, STEP_GROUPS, errno, 0);
	case USER_SETGID:
		fail(l, STEP_SETGID, errno, 0);
	case USER_SETUID:
		fail(l, STEP_SETUID, errno, 0);
	case USER_OK:
		break;
	}
	l->switched = true;
	verbose(l, "running as user '%s' (uid %ld)", l->user.name,
	    (long)l->user.uid);
}

/* The kernel's sigset: its signal count (NSIG - 1) in whole longs. */
#define KERNEL_SIGSET_SIZE \
	(((size_t)NSIG - 1 + 8 * sizeof(long) - 1) / (8 * sizeof(long)) * \
	sizeof(long))

/*
 * glibc keeps two real-time signals for itself and will not touch them, but
 * a caller can leave them ignored (GNU make does): ask the kernel. A zeroed
 * kernel sigaction is SIG_DFL with no flags and an empty mask.
 */
static int
default_reserved(int sig)
{
	unsigned long ksa[8] = { 0 };

#ifdef __sparc__
	/* SPARC's takes a restorer before the size. */
	return (int)syscall(SYS_rt_sigaction, sig, ksa, NULL, NULL,
	    KERNEL_SIGSET_SIZE);
#else
	return (int)syscall(SYS_rt_sigaction, sig, ksa, NULL,
	    KERNEL_SIGSET_SIZE);
#endif
}

/* Ignored signals stay ignored across execve(2): make every one default. */
static void
reset_signals(struct launch *l)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (signal(sig, SIG_DFL) == SIG_ERR &&
		    default_reserved(sig) == -1)
			fail(l, STEP_SIGNALS, errno, 0);
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		fail(l, STEP_SIGNALS, errno, 0);
	/* Until the exec, a reader that went away must not kill us. */
	(void)signal(SIGPIPE, SIG_IGN);
}

/* The real ID becomes the user's last, so the user cannot stop set-up. */
static void
commit_user(struct launch *l)
{
	if (l->opt->user != NULL && user_commit(&l->user) == -1)
		fail(l, STEP_SETUID, errno, 0);
}

/*
 * Tell the caller the exec is next: end of file without this means the
 * daemon's side died in set-up (killed, say), not that the exec happened.
 */
static void
announce_exec(struct launch *l)
{
	struct verdict v = { STEP_EXECUTING, 0, getpid() };

	if (l->report_fd >= 0)
		report_send(l->report_fd, &v);
}

static void __attribute__((noreturn))
exec_command(struct launch *l)
{
	char **argv = l->opt->argv;

	/* The command's SIGPIPE is its default, set just now. */
	(void)signal(SIGPIPE, SIG_DFL);
	execve(l->path, argv, environ);
	if (errno == ENOEXEC) {
		/* No #! line: a shell script, as execvp(3) has it. */
		char **sh_argv;
		size_t argc;

		for (argc = 0; argv[argc] != NULL; argc++)
			;
		if ((sh_argv = calloc(argc + 2, sizeof(*sh_argv))) != NULL) {
			sh_argv[0] = (char *)"/bin/sh";
			sh_argv[1] = l->path;
			memcpy(sh_argv + 2, argv + 1, argc * sizeof(*argv));
			execve("/bin/sh", sh_argv, environ);
			errno = ENOEXEC;
		}
	}
	(void)signal(SIGPIPE, SIG_IGN);
	fail(l, STEP_EXEC, errno, 0);
}

static void __attribute__((noreturn))
setup_and_exec(struct launch *l)
{
	umask(0);
	guard_paths(l);
	if (l->pidfile != NULL)
		take_pidfile(l);
	if (l->lockfile != NULL)
		take_lockfile(l);
	if (l->pidfile != NULL)
		write_pidfile(l);
	umask(l->opt->umask);
	open_logs(l);
	redirect_stdio(l);
	close_descriptors(l);
	set_environment(l);
	switch_user(l);
	if (chdir(l->dir) == -1)
		fail(l, STEP_CHDIR, errno, 0);
	inherit_descriptors(l);
	truncate_logs(l);
	verbose(l, "executing '%s' as pid %ld", l->path, (long)getpid());
	reset_signals(l);
	commit_user(l);
	announce_exec(l);
	exec_command(l);
}

void
detach_daemon(struct launch *l)
{
	pid_t pid;

	if (setsid() == -1)
		fail(l, STEP_SETSID, errno, 0);
	if (l->opt->forks == FORKS_TWO) {
		/* The session leader leaves; its child can never get a tty. */
		if ((pid = fork()) == -1)
			fail(l, STEP_FORK, errno, 0);
		if (pid > 0)
			_exit(0);
		/* So the caller can wait for all of it to be gone. */
		struct verdict v = { STEP_DETACHED, 0, getpid() };
		report_send(l->report_fd, &v);
	}
	setup_and_exec(l);
}

void
detach_in_place(struct launch *l)
{
	setup_and_exec(l);
}
