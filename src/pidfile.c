/*
 * Pidfiles as pidfile(3) keeps them (an flock(2) on the file, "PID\n" in
 * it), with the liveness rule of daemonize(1): for a daemon that closed its
 * lock descriptor, and for one that died while what it started keeps the
 * lock. Run as root, a pidfile is acted on only if trust.c trusts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "num.h"
#include "pidfile.h"
#include "proc.h"
#include "trust.h"

#define PIDFILE_MODE	0644
#define PID_MAXLEN	16		/* "4194304\n" and room to spare */
/* How long a loser of a start race waits for the winner's pid. */
#define HOLDER_WAIT_MS	2000
#define HOLDER_NAP_MS	2
#define LOCKERS_SHOWN	16	/* holders of an orphaned lock named */
#define ANCESTORS_MAX	4096	/* a bound on a walk up the process tree */

int
pidfile_parse(const char *buf, size_t len, pid_t *pid)
{
	char num[PID_MAXLEN + 1];
	const char *why;
	long long v;

	if (len == 0)
		return EAGAIN;
	if (buf[len - 1] == '\n')
		len--;
	/* A NUL would end the number early: "12\0junk" is no pid. */
	if (len == 0 || len > PID_MAXLEN || memchr(buf, '\0', len) != NULL)
		return EINVAL;
	memcpy(num, buf, len);
	num[len] = '\0';
	/* Not 1: init is nobody's daemon, and no --stop may signal it. */
	if (num_parse(num, 2, INT32_MAX, &v, &why) == -1)
		return EINVAL;
	*pid = (pid_t)v;
	return 0;
}

static int
read_pid_fd(int fd, pid_t *pid)
{
	char buf[PID_MAXLEN + 2];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf), 0);
	if (n == -1)
		return errno;
	return pidfile_parse(buf, (size_t)n, pid);
}

static double
timespec_sec(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/*
 * The liveness rule for a pidfile that is not locked: pid is alive, not a
 * zombie, and started no later than 1 second after the file (open at fd)
 * was last written, so that a reused pid is not taken for the daemon.
 */
static bool
names_live(int fd, pid_t pid)
{
	struct timespec real, boot;
	struct proc_stat ps;
	double written, started;
	struct stat st;

	if (proc_stat(pid, &ps) == -1)
		return !(errno == ENOENT || errno == ESRCH);
	if (ps.state == 'Z' || ps.state == 'X')
		return false;
	if (fstat(fd, &st) == -1 || clock_gettime(CLOCK_REALTIME, &real) ||
	    clock_gettime(CLOCK_BOOTTIME, &boot))
		return true;
	/* Both instants on the boot clock, which /proc's starttime uses. */
	written = timespec_sec(&st.st_mtim) - (timespec_sec(&real) -
	    timespec_sec(&boot));
	started = (double)ps.starttime / (double)sysconf(_SC_CLK_TCK);
	return started <= written + 1.0;
}

/*
 * With the lock held, the daemon in the file (open at fd, st) is gone
 * when its pid is, or names a process that neither holds the lock itself
 * nor passes the liveness rule (a reused pid): then what holds the lock
 * inherited it (nginx workers after their master's SIGKILL). A process
 * that holds the lock is the daemon whatever the clocks say.
 */
static bool
daemon_gone(int fd, const struct stat *st, pid_t pid)
{
	if (!proc_alive(pid))
		return true;
	return !proc_holds_lock(pid, st->st_dev, st->st_ino) &&
	    !names_live(fd, pid);
}

/* The process runs this very program: not yet exec'd, or failing. */
static bool
runs_us(pid_t pid)
{
	char path[64];
	struct stat self, other;

	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
	return stat("/proc/self/exe", &self) == 0 && stat(path, &other) == 0 &&
	    self.st_dev == other.st_dev && self.st_ino == other.st_ino;
}

/*
 * A holder of the lock on st's file runs this very program: a start that
 * has the lock but has yet to write its pid over a stale one.
 */
static bool
start_in_progress(const struct stat *st)
{
	pid_t pids[LOCKERS_SHOWN];
	size_t i, n;

	n = proc_lockers(st->st_dev, st->st_ino, pids, LOCKERS_SHOWN);
	for (i = 0; i < n && i < LOCKERS_SHOWN; i++)
		if (runs_us(pids[i]))
			return true;
	return false;
}

static void
nap(void)
{
	struct timespec ts = { 0, HOLDER_NAP_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* A pidfile to read or lock, never through a link, never as a terminal. */
static int
open_existing(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
}

/* What a look at a held lock found. */
enum look {
	LOOK_UNSURE,		/* nothing yet: look again */
	LOOK_RUNNING,		/* *holder is the daemon */
	LOOK_ORPHANED,		/* the daemon in *holder is gone */
};

/*
 * The lock is held: whose is it? The pid in the file counts once it names
 * the daemon (not a stale pid the winner has yet to overwrite) and, unless
 * this is the last look, has left set-up (a winner that then fails would
 * be named for nothing). A daemon that is gone counts unless a start is in
 * progress; *scanned keeps that scan of /proc to once.
 */
static enum look
look_at_holder(const char *path, bool last, bool *scanned, pid_t *holder)
{
	enum look look = LOOK_UNSURE;
	struct stat st;
	pid_t pid;
	int fd;

	if ((fd = open_existing(path)) == -1)
		return LOOK_UNSURE;
	if (fstat(fd, &st) == 0 && read_pid_fd(fd, &pid) == 0) {
		*holder = pid;
		if (!daemon_gone(fd, &st, pid))
			look = last || !runs_us(pid) ? LOOK_RUNNING :
			    LOOK_UNSURE;
		else if (last || (!*scanned && !start_in_progress(&st)))
			look = LOOK_ORPHANED;
		else
			*scanned = true;
	}
	close(fd);
	return look;
}

/*
 * Root starts a daemon on a pidfile only if it could act on the file
 * later: before any lock is tried, the path and any file there.
 */
static int
distrust_path(const char *path)
{
	struct stat st;
	int e;

	if (geteuid() != 0)
		return 0;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (e = trust_file(&st)) != 0)
		return e;
	return trust_path(path);
}

/*
 * We hold the lock: refuse a file root may not trust (it may have been
 * planted since), a non-regular one, or one whose daemon merely dropped
 * the lock.
 */
static int
check_unlocked(int fd, bool created, pid_t *holder)
{
	struct stat st;
	pid_t pid;
	int e;

	if (fstat(fd, &st) == -1)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EINVAL;
	if (created)
		return 0;		/* empty, and ours */
	if (geteuid() == 0 && (e = trust_file(&st)) != 0)
		return e;
	if (read_pid_fd(fd, &pid) == 0 && pid != getpid() &&
	    names_live(fd, pid)) {
		*holder = pid;
		return EEXIST;
	}
	return 0;
}

int
pidfile_take(const char *path, pid_t *holder)
{
	enum look look = LOOK_UNSURE;
	bool created, scanned = false;
	int waited, e;

	*holder = 0;
	if ((e = distrust_path(path)) != 0) {
		errno = e;
		return -1;
	}
	/*
	 * Between a winner's lock and its write, the file is empty or holds a
	 * stale pid: a loser waits, bounded, to name the winner.
	 */
	for (waited = 0; waited <= HOLDER_WAIT_MS; waited += HOLDER_NAP_MS) {
		/* Read-only: the daemon inherits it, and must not rewrite it. */
		int fd = lock_open(path, O_RDONLY | O_NOFOLLOW, PIDFILE_MODE,
		    &created);
		if (fd >= 0) {
			if ((e = check_unlocked(fd, created, holder)) != 0) {
				close(fd);
				errno = e;
				return -1;
			}
			return fd;
		}
		if (errno != EWOULDBLOCK)
			return -1;
		if ((look = look_at_holder(path, false, &scanned, holder)) !=
		    LOOK_UNSURE)
			break;
		nap();
	}
	if (look == LOOK_UNSURE)
		look = look_at_holder(path, true, &scanned, holder);
	if (look == LOOK_ORPHANED)
		*holder = -*holder;
	else if (look == LOOK_UNSURE)
		*holder = lock_holder(path);
	errno = EEXIST;
	return -1;
}

/* A second, writable descriptor of the file locked at lock_fd. */
static int
open_for_writing(const char *path, int lock_fd)
{
	struct stat a, b;
	int fd;

	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return -1;
	if (fstat(fd, &a) == -1 || fstat(lock_fd, &b) == -1 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		close(fd);
		errno = ESTALE;		/* replaced under our lock */
		return -1;
	}
	return fd;
}

int
pidfile_store(const char *path, int lock_fd, pid_t pid)
{
	char buf[PID_MAXLEN + 2];
	int fd, len, rc = -1;

	if ((fd = open_for_writing(path, lock_fd)) == -1)
		return -1;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	/* 0644 whatever the umask or an earlier file's mode. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)len, 0) == len &&
	    fchmod(fd, PIDFILE_MODE) == 0)
		rc = 0;
	if (close(fd) == -1)
		rc = -1;
	return rc;
}

/* Read the pid; a start that holds the lock may not have written it yet. */
static int
read_settled_pid(int fd, bool held, pid_t *pid)
{
	int waited;

	for (waited = 0;; waited += HOLDER_NAP_MS) {
		int e = read_pid_fd(fd, pid);

		if (e != EAGAIN || !held || waited >= HOLDER_WAIT_MS)
			return e;
		nap();
	}
}

/*
 * The lock is held and *pid read: is the daemon there, or only what
 * inherited its lock? A start that has the lock but has yet to write its
 * pid over a stale one is waited for, bounded.
 */
static enum pidfile_state
held_state(int fd, const struct stat *st, pid_t *pid)
{
	int waited;

	if (!daemon_gone(fd, st, *pid))
		return PIDFILE_RUNNING;
	if (!start_in_progress(st))
		return PIDFILE_ORPHANED;
	for (waited = 0; waited < HOLDER_WAIT_MS; waited += HOLDER_NAP_MS) {
		nap();
		if (!lock_held(fd))	/* that start failed */
			return names_live(fd, *pid) ? PIDFILE_RUNNING :
			    PIDFILE_STALE;
		if (read_pid_fd(fd, pid) == 0 && !daemon_gone(fd, st, *pid))
			return PIDFILE_RUNNING;
	}
	return PIDFILE_ORPHANED;
}

/* The state of the regular file open at fd, st; errno in *e if unknown. */
static enum pidfile_state
judge(int fd, const struct stat *st, pid_t *pid, int *e)
{
	bool held = lock_held(fd);

	*e = read_settled_pid(fd, held, pid);
	if (*e == EAGAIN && !held)
		return PIDFILE_STALE;	/* left empty by a failed start */
	if (*e == EAGAIN)
		*e = EINVAL;
	if (*e != 0)
		return PIDFILE_UNKNOWN;
	if (!held)
		return names_live(fd, *pid) ? PIDFILE_RUNNING : PIDFILE_STALE;
	return held_state(fd, st, pid);
}

/*
 * Root acts on what a pidfile says only if no other user could have
 * written it, linked it, or steered its path, or a user could have root
 * signal any process.
 */
static int
distrust(const char *path, const struct stat *st)
{
	int e;

	if (geteuid() != 0)
		return 0;
	if ((e = trust_file(st)) != 0)
		return e;
	return trust_path(path);
}

enum pidfile_state
pidfile_check(const char *path, pid_t *pid)
{
	enum pidfile_state state = PIDFILE_UNKNOWN;
	struct stat st;
	int fd, e;

	*pid = 0;
	fd = open_existing(path);
	if (fd == -1)
		return errno == ENOENT ? PIDFILE_ABSENT : PIDFILE_UNKNOWN;
	if (fstat(fd, &st) == -1)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if ((e = distrust(path, &st)) == 0)
		state = judge(fd, &st, pid, &e);
	close(fd);
	errno = e;
	return state;
}

bool
pidfile_still_names(const char *path, pid_t pid)
{
	bool names = false;
	struct stat st;
	pid_t now;
	int fd;

	fd = open_existing(path);
	if (fd == -1)
		return false;
	if (fstat(fd, &st) == 0 && read_pid_fd(fd, &now) == 0 && now == pid)
		names = !daemon_gone(fd, &st, pid);
	close(fd);
	return names;
}

void
pidfile_clean(const char *path)
{
	pid_t pid;
	int fd;

	fd = open_existing(path);
	if (fd == -1)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		int e = read_pid_fd(fd, &pid);

		if (e == EAGAIN || (e == 0 && !names_live(fd, pid)))
			(void)unlink(path);
	}
	close(fd);
}

/* Append to buf, which holds *len bytes; what does not fit is cut. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

const char *
pidfile_orphans(const char *path, pid_t gone, char *buf, size_t size)
{
	pid_t pids[LOCKERS_SHOWN];
	struct stat st;
	size_t i, n = 0, len = 0;
	int fd;

	if ((fd = open_existing(path)) != -1) {
		if (fstat(fd, &st) == 0)
			n = proc_lockers(st.st_dev, st.st_ino, pids,
			    LOCKERS_SHOWN);
		close(fd);
	}
	append(buf, size, &len, "pid %ld is gone, but ", (long)gone);
	if (n == 0) {
		append(buf, size, &len, "a process not visible here holds "
		    "the pidfile lock");
		return buf;
	}
	append(buf, size, &len, "%s", n == 1 ? "pid" : "pids");
	for (i = 0; i < n && i < LOCKERS_SHOWN; i++)
		append(buf, size, &len, " %ld", (long)pids[i]);
	if (n > LOCKERS_SHOWN)
		append(buf, size, &len, " and %zu more", n - LOCKERS_SHOWN);
	append(buf, size, &len, " %s the pidfile lock", n == 1 ? "holds" :
	    "hold");
	return buf;
}

pid_t
pidfile_names_caller(const char *path, pid_t pid)
{
	struct proc_stat ps;
	struct stat st;
	bool have = false;
	pid_t p = getpid();
	int fd, depth;

	if ((fd = open_existing(path)) != -1) {
		have = fstat(fd, &st) == 0;
		close(fd);
	}
	for (depth = 0; p > 0 && depth < ANCESTORS_MAX; depth++) {
		if (p == pid || (have && proc_holds_lock(p, st.st_dev,
		    st.st_ino)))
			return p;
		if (p == 1 || proc_stat(p, &ps) == -1)
			break;
		p = ps.ppid;
	}
	return 0;
}
