/*
 * The daemon's exit is waited for on its pidfd (poll wakes when it dies);
 * the rest of its group has no such handle, so it is checked with kill(2)
 * at short, growing intervals, within the same bounds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "lock.h"
#include "msg.h"
#include "proc.h"
#include "signame.h"
#include "stop.h"

#define NAP_FIRST_MS	1
#define NAP_MAX_MS	16
#define LOCKER_ROUNDS	8	/* processes stopped for holding a lock */

pid_t
stop_own_group(pid_t pid)
{
	struct proc_stat ps;

	if (proc_stat(pid, &ps) == -1 || ps.pgrp != ps.session ||
	    ps.session <= 1 || ps.session == getsid(0))
		return 0;
	return ps.pgrp;
}

/* -1 with errno when the daemon itself may not be signalled. */
static int
send_to(const struct target *t, int sig)
{
	int rc = 0;

	if (t->pgid > 0 && (!t->forwards || sig == SIGKILL))
		(void)kill(-t->pgid, sig);
	if (t->pidfd >= 0)
		rc = pidfd_send_signal(t->pidfd, sig, NULL, 0);
	else if (t->pid > 0)
		rc = kill(t->pid, sig);
	return rc == -1 && errno != ESRCH ? -1 : 0;
}

/* The daemon has exited: a zombie counts as gone. */
static bool
daemon_gone(const struct target *t)
{
	struct pollfd p = { .fd = t->pidfd, .events = POLLIN };

	if (t->pid <= 0)
		return true;
	if (t->pidfd >= 0)
		return poll(&p, 1, 0) == 1;
	return !proc_alive(t->pid);
}

/* Zombies count as gone: their reaper may be slow, or not us. */
static bool
group_gone(const struct target *t)
{
	struct proc_stat ps;
	struct dirent *d;
	bool gone = true;
	DIR *dir;

	if (t->pgid <= 0 || (kill(-t->pgid, 0) == -1 && errno == ESRCH))
		return true;
	if ((dir = opendir("/proc")) == NULL)
		return false;
	while (gone && (d = readdir(dir)) != NULL) {
		pid_t pid = (pid_t)strtol(d->d_name, NULL, 10);

		if (pid > 0 && proc_stat(pid, &ps) == 0 &&
		    ps.pgrp == t->pgid && ps.state != 'Z' && ps.state != 'X')
			gone = false;
	}
	closedir(dir);
	return gone;
}

static void
reap_all(const struct target *t)
{
	if (t->reap)
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
}

/* Wait up to ms; true when the daemon and its group are gone. */
static bool
wait_gone(const struct target *t, long ms)
{
	long long deadline = clock_ms() + ms;
	long nap = NAP_FIRST_MS;

	for (;;) {
		struct timespec ts = { 0, 0 };
		bool daemon;
		long long left;

		reap_all(t);
		daemon = daemon_gone(t);
		if (daemon && group_gone(t))
			return true;
		if ((left = deadline - clock_ms()) <= 0)
			return daemon;
		if (!daemon && t->pidfd >= 0) {
			struct pollfd p = { .fd = t->pidfd, .events = POLLIN };

			(void)poll(&p, 1, left > INT32_MAX ? INT32_MAX :
			    (int)left);
			continue;
		}
		ts.tv_nsec = (left < nap ? left : nap) * 1000000L;
		nanosleep(&ts, NULL);
		if (nap < NAP_MAX_MS)
			nap *= 2;
	}
}

/*
 * A supervisor forwards sig to its command once and ends; what is left of
 * its group then (the command's own children) gets sig as a plain daemon's
 * group would have, within the same ms.
 */
static bool
wait_forwarded(const struct target *t, int sig, long ms)
{
	struct target alone = *t;
	long long until = clock_ms() + ms, left;

	alone.pgid = 0;
	if (!wait_gone(&alone, ms))
		return false;
	if (t->pgid > 0)
		(void)kill(-t->pgid, sig);
	left = until - clock_ms();
	return wait_gone(t, left > 0 ? (long)left : 0);
}

int
stop_target(struct target *t, int sig, long ms, long kill_ms)
{
	t->killed = t->killed_group = false;
	if (send_to(t, sig) == -1)
		return -1;
	if ((t->forwards ? wait_forwarded(t, sig, ms) : wait_gone(t, ms)) &&
	    group_gone(t))
		return 0;
	t->killed = !daemon_gone(t);
	t->killed_group = !group_gone(t);
	if (send_to(t, SIGKILL) == -1)
		return -1;
	return wait_gone(t, kill_ms) ? 0 : 1;
}

void
stop_say_killed(const struct target *t, const struct stop_plan *p)
{
	char name[32];

	if (p->timeout == NULL)
		return;
	signame_format(p->sig, name, sizeof(name));
	if (t->killed)
		msg("pid %ld did not exit within %s s of %s; killed it",
		    (long)t->pid, p->timeout, name);
	else if (t->killed_group)
		msg("members of process group %ld did not exit within %s s of "
		    "%s; killed them", (long)t->pgid, p->timeout, name);
}

/* One process holding a lock on path, with parent as its parent if > 0. */
static pid_t
find_locker(const char *path, pid_t parent)
{
	struct proc_stat ps;
	struct stat st;
	pid_t pid;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd == -1)
		return 0;
	pid = fstat(fd, &st) == 0 && lock_held(fd) ?
	    proc_find_locker(st.st_dev, st.st_ino) : 0;
	close(fd);
	if (pid > 0 && parent > 0 &&
	    (proc_stat(pid, &ps) == -1 || ps.ppid != parent))
		return 0;
	return pid;
}

int
stop_lockers(const char *path, pid_t parent, int sig, long ms, long kill_ms,
    bool verbose)
{
	struct stop_plan p = { sig, ms, kill_ms, verbose, NULL };

	return stop_lockers_plan(path, parent, &p);
}

int
stop_lockers_plan(const char *path, pid_t parent, const struct stop_plan *p)
{
	int round, rc = 0;

	for (round = 0; round < LOCKER_ROUNDS && rc == 0; round++) {
		pid_t pid = find_locker(path, parent);
		struct target t = { pid, -1, 0, parent > 0, false, false, false };

		if (pid == 0)
			return 0;
		if ((t.pidfd = pidfd_open(pid, 0)) == -1) {
			if (errno == ESRCH)
				continue;
			return -1;
		}
		t.pgid = stop_own_group(pid);
		if (p->verbose)
			msg("pid %ld holds the lock of '%s'", (long)pid, path);
		rc = stop_target(&t, p->sig, p->ms, p->kill_ms);
		close(t.pidfd);
		if (rc == 0)
			stop_say_killed(&t, p);
	}
	/* Still someone after all the rounds: more keep inheriting it. */
	return rc == 0 && find_locker(path, parent) != 0 ? 1 : rc;
}
