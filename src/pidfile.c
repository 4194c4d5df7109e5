/*
 * Pidfiles as pidfile(3) keeps them (an flock(2) on the file, "PID\n" in
 * it), with the liveness rule of daemonize(1) for a daemon that closed its
 * lock descriptor.
 */
#include <errno.h>
#include <fcntl.h>
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

#define PIDFILE_MODE	0644
#define PID_MAXLEN	16		/* "4194304\n" and room to spare */
/* How long a loser of a start race waits for the winner's pid. */
#define HOLDER_WAIT_MS	2000
#define HOLDER_NAP_MS	2

static int
parse_pid(const char *buf, size_t len, pid_t *pid)
{
	char num[PID_MAXLEN + 1];
	const char *why;
	long long v;

	if (len == 0)
		return EAGAIN;
	if (buf[len - 1] == '\n')
		len--;
	if (len == 0 || len > PID_MAXLEN)
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
	return parse_pid(buf, (size_t)n, pid);
}

int
pidfile_read(const char *path, pid_t *pid)
{
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	e = read_pid_fd(fd, pid);
	close(fd);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

static double
timespec_sec(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

bool
pidfile_names_live(int fd, pid_t pid)
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
 * The lock is held: whose is it? The pid in the file counts once it passes
 * the liveness rule (not a stale pid the winner has yet to overwrite) and,
 * unless this is the last look, has left set-up (a winner that then fails
 * would be named for nothing).
 */
static pid_t
find_holder(const char *path, bool last)
{
	pid_t pid, found = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	if (read_pid_fd(fd, &pid) == 0 && pidfile_names_live(fd, pid) &&
	    (last || !runs_us(pid)))
		found = pid;
	close(fd);
	return found;
}

static void
nap(void)
{
	struct timespec ts = { 0, HOLDER_NAP_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* We hold the lock; refuse if the daemon named in it merely dropped it. */
static int
check_unlocked(int fd, pid_t *holder)
{
	struct stat st;
	pid_t pid;

	if (fstat(fd, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if (read_pid_fd(fd, &pid) == 0 && pid != getpid() &&
	    pidfile_names_live(fd, pid)) {
		*holder = pid;
		errno = EEXIST;
		return -1;
	}
	return 0;
}

int
pidfile_take(const char *path, pid_t *holder)
{
	bool created;
	int waited;

	*holder = 0;
	/*
	 * Between a winner's lock and its write, the file is empty or holds a
	 * stale pid: a loser waits, bounded, to name the winner.
	 */
	for (waited = 0; waited <= HOLDER_WAIT_MS; waited += HOLDER_NAP_MS) {
		/* Read-only: the daemon inherits it, and must not rewrite it. */
		int fd = lock_open(path, O_RDONLY | O_NOFOLLOW, PIDFILE_MODE,
		    &created);
		if (fd >= 0) {
			if (check_unlocked(fd, holder) == -1) {
				int e = errno;

				close(fd);
				errno = e;
				return -1;
			}
			return fd;
		}
		if (errno != EWOULDBLOCK)
			return -1;
		if ((*holder = find_holder(path, false)) != 0)
			break;
		nap();
	}
	if (*holder == 0)
		*holder = find_holder(path, true);
	if (*holder == 0)
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

/* A pidfile to read or lock, never through a link, never as a terminal. */
static int
open_existing(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
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
 * Root acts on what a pidfile says only if no other user could have
 * written it: owned by root and writable by nobody else (as
 * start-stop-daemon(8) requires), or a user could have root signal any
 * process.
 */
static bool
trusted(const struct stat *st)
{
	return geteuid() != 0 || (st->st_uid == 0 &&
	    (st->st_mode & (S_IWGRP | S_IWOTH)) == 0);
}

enum pidfile_state
pidfile_check(const char *path, pid_t *pid)
{
	enum pidfile_state state = PIDFILE_UNKNOWN;
	struct stat st;
	bool held;
	int fd, e;

	*pid = 0;
	fd = open_existing(path);
	if (fd == -1)
		return errno == ENOENT ? PIDFILE_ABSENT : PIDFILE_UNKNOWN;
	if (fstat(fd, &st) == -1) {
		e = errno;
	} else if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
	} else if (!trusted(&st)) {
		e = EPERM;
	} else {
		held = lock_held(fd);
		e = read_settled_pid(fd, held, pid);
		if (e == 0)
			state = held || pidfile_names_live(fd, *pid) ?
			    PIDFILE_RUNNING : PIDFILE_STALE;
		else if (e == EAGAIN && !held)
			state = PIDFILE_STALE;	/* left empty by a failed start */
		else if (e == EAGAIN)
			e = EINVAL;
	}
	close(fd);
	errno = e;
	return state;
}

bool
pidfile_still_names(const char *path, pid_t pid)
{
	bool names = false;
	pid_t now;
	int fd;

	fd = open_existing(path);
	if (fd == -1)
		return false;
	if (read_pid_fd(fd, &now) == 0 && now == pid)
		names = pidfile_names_live(fd, pid);
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

		if (e == EAGAIN || (e == 0 && !pidfile_names_live(fd, pid)))
			(void)unlink(path);
	}
	close(fd);
}
