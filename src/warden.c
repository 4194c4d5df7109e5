/*
 * Only --wait notify has one: its directory is the one thing a start
 * leaves in the file system that nothing else would clean up.
 *
 * The warden is a clone(2) that shares the caller's memory (CLONE_VM, as
 * posix_spawn's child does), not a fork: no page tables to copy, none to
 * tear down, and what the caller knows of what to undo is simply written
 * to memory the warden will read, with no message to wake it. A forked
 * warden, told over its pipe, cost the notify start half a millisecond on
 * a loaded machine. The price is discipline:
 *  - while the caller lives, the warden only reads pids from its pipe to
 *    its own stack, every signal blocked, and calls nothing that could
 *    fail and write errno (the caller's: the thread pointer is shared) or
 *    touch the heap;
 *  - it undoes only at end of file on the pipe, which means the caller is
 *    dead (a caller that settles kills it first), so the memory is the
 *    warden's alone; even then it calls nothing that allocates, since the
 *    caller may have died inside malloc.
 *
 * Whom to stop is told by the forks themselves, not by the caller, which
 * could be killed before it passed on a pid fork(2) gave it. A first
 * child made by vfork(2) (the default two forks) runs in the caller's
 * memory, and so in the warden's: it writes its own pid (which names the
 * daemon's session and group) and then the daemon's side's, as fork(2)
 * returns it, straight into the plan, and the warden sleeps through it.
 * A child made by fork(2) (-1) has only a copy: a pthread_atfork(3)
 * handler has it write its pid to the pipe first thing. Either way the
 * pipe's end of file cannot come before the pids are told, since the
 * children hold copies of its write end until their set-up closes them
 * (the first child until it leaves).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "pidfile.h"
#include "proc.h"
#include "warden.h"

#define STACK_SIZE	(256 * 1024)	/* mapped lazily: costs what it uses */
#define GRACE_MS	2000	/* SIGTERM, then SIGKILL: as a failed start */
#define NAP_MAX_MS	16

/*
 * What to undo, at the top of the warden's stack: written by the caller,
 * read by the warden once the caller is dead. A path counts once its flag
 * is set, after it is whole: SIGKILL may stop the caller mid-copy.
 */
struct warden_plan {
	int fd;			/* the pipe's read end */
	const char *pidfile;	/* the caller's, never freed before us */
	char file[128];
	char dir[128];
	atomic_bool has_file;
	atomic_bool has_dir;
	atomic_bool spare;
	atomic_int pid[2];	/* the first child, the daemon's side */
};

/*
 * pthread_atfork(3) handlers take no argument: the pipe while it is ours,
 * and its inode, since a child that has closed it (the daemon's side, in
 * its set-up) may have opened something else at the number since.
 */
static int forked_fd = -1;
static ino_t forked_ino;

/*
 * The plan, for a first child made by vfork(2) to write to; and whether
 * one did, in which case the daemon's side (a copy of it) writes nothing.
 * The flag is set in the caller's memory too, until warden_end(): a fork
 * of the caller's own before then would note nothing.
 */
static struct warden_plan *shared_plan;
static bool told_in_plan;

void
warden_note_vforked(void)
{
	if (shared_plan == NULL)
		return;
	atomic_store(&shared_plan->pid[0], getpid());
	told_in_plan = true;
}

void
warden_note_daemon(pid_t pid)
{
	if (told_in_plan)
		atomic_store(&shared_plan->pid[1], pid);
}

/* In each child fork(2) makes: the first, then the daemon's side. */
static void
note_forked(void)
{
	pid_t pid;
	struct stat st;

	if (told_in_plan)
		return;
	pid = getpid();
	if (forked_fd >= 0 && fstat(forked_fd, &st) == 0 &&
	    st.st_ino == forked_ino && S_ISFIFO(st.st_mode))
		(void)!write(forked_fd, &pid, sizeof(pid));
}

static void
send_all(pid_t pgid, int pidfd, int sig)
{
	if (pgid > 0)
		(void)kill(-pgid, sig);
	if (pidfd >= 0)
		(void)pidfd_send_signal(pidfd, sig, NULL, 0);
}

/* The daemon has exited and nothing of its group is left (or reaped). */
static bool
gone(pid_t pgid, int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd >= 0 && poll(&p, 1, 0) != 1)
		return false;
	return pgid <= 0 || (kill(-pgid, 0) == -1 && errno == ESRCH);
}

static bool
wait_gone(pid_t pgid, int pidfd, long ms)
{
	long long end = clock_ms() + ms;
	long nap = 1;

	while (!gone(pgid, pidfd)) {
		struct timespec ts = { 0, nap * 1000000L };

		if (clock_ms() >= end)
			return false;
		nanosleep(&ts, NULL);
		if (nap < NAP_MAX_MS)
			nap *= 2;
	}
	return true;
}

/*
 * The daemon's pidfd, if it is still the daemon: alive or a zombie, and
 * in the session the start made (unless it made its own), not a process
 * that took its number after it was reaped.
 */
static int
daemon_pidfd(pid_t daemon, pid_t pgid)
{
	struct proc_stat ps;
	int fd;

	if (daemon <= 0 || (fd = pidfd_open(daemon, 0)) == -1)
		return -1;
	if (proc_stat(daemon, &ps) == 0 &&
	    (ps.session == pgid || ps.session == daemon))
		return fd;
	close(fd);
	return -1;
}

/*
 * The caller is gone unsettled: do what it would have done. Stopping is
 * stop.c's rule (SIGTERM to the group and the daemon, SIGKILL after the
 * grace) without its scan of /proc, which allocates.
 */
static void
undo(const struct warden_plan *p, pid_t pgid, pid_t daemon)
{
	int pidfd;

	if (atomic_load(&p->has_file))
		(void)unlink(p->file);
	if (atomic_load(&p->has_dir))
		(void)rmdir(p->dir);
	if (atomic_load(&p->spare))
		return;
	pidfd = daemon_pidfd(daemon, pgid);
	if (pidfd < 0 && pgid <= 0)
		return;
	send_all(pgid, pidfd, SIGTERM);
	if (!wait_gone(pgid, pidfd, GRACE_MS)) {
		send_all(pgid, pidfd, SIGKILL);
		(void)wait_gone(pgid, pidfd, GRACE_MS);
	}
	if (p->pidfile != NULL)
		pidfile_clean(p->pidfile);
}

static int
warden_main(void *arg)
{
	const struct warden_plan *p = arg;
	pid_t pid[2] = { 0, 0 };	/* the first child, the daemon's side */
	size_t n = 0;
	sigset_t all;
	pid_t got;

	/* Nothing but the pipe: no copy of a fd:N pipe to hide its EOF. */
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) != 0 ||
	    (p->fd > 0 && close_range(0, (unsigned)p->fd - 1, 0) != 0) ||
	    close_range((unsigned)p->fd + 1, ~0U, 0) != 0)
		return 1;
	/* The forks' pids, if they are not in the plan; then end of file. */
	while (read(p->fd, &got, sizeof(got)) == (ssize_t)sizeof(got))
		if (n < 2)
			pid[n++] = got;
	if (n == 0) {
		pid[0] = atomic_load(&p->pid[0]);
		pid[1] = atomic_load(&p->pid[1]);
	}
	undo(p, pid[0], pid[1]);
	/*
	 * Returned: clone(2)'s wrapper ends the process, and no noreturn
	 * call (_exit) makes a sanitizer warn of a stack it does not know.
	 */
	return 0;
}

void
warden_init(struct warden *w)
{
	w->pid = 0;
	w->pidfd = w->fd = -1;
	w->plan = NULL;
}

int
warden_start(struct warden *w, const char *pidfile)
{
	struct warden_plan *p;
	struct stat st;
	void *stack;
	int fds[2], e;

	static bool registered;

	if (!registered) {
		if ((errno = pthread_atfork(NULL, NULL, note_forked)) != 0)
			return -1;
		registered = true;
	}
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		goto fail;
	/* Zeroed, as a fresh mapping is: no paths, no pids. */
	p = (struct warden_plan *)((char *)stack + STACK_SIZE) - 1;
	p->fd = fds[0];
	p->pidfile = pidfile;
	w->pid = clone(warden_main, p, CLONE_VM | CLONE_PIDFD | SIGCHLD, p,
	    &w->pidfd);
	if (w->pid == -1) {
		e = errno;
		munmap(stack, STACK_SIZE);
		errno = e;
		goto fail;
	}
	close(fds[0]);
	w->fd = fds[1];
	w->plan = shared_plan = p;
	if (fstat(w->fd, &st) == 0) {
		forked_ino = st.st_ino;
		forked_fd = w->fd;
	}
	return 0;
fail:
	e = errno;
	close(fds[0]);
	close(fds[1]);
	warden_init(w);
	errno = e;
	return -1;
}

void
warden_path(const struct warden *w, const char *path, bool dir)
{
	struct warden_plan *p = w->plan;
	atomic_bool *ok;
	char *to;

	if (p == NULL)
		return;
	ok = dir ? &p->has_dir : &p->has_file;
	to = dir ? p->dir : p->file;
	atomic_store(ok, false);
	strncpy(to, path, sizeof(p->dir) - 1);
	atomic_store(ok, true);
}

void
warden_spare(const struct warden *w)
{
	if (w->plan != NULL)
		atomic_store(&w->plan->spare, true);
}

/*
 * Move the sleeping warden to our CPU before it is woken to die: its exit,
 * and ours from waiting for it, are then a switch on one CPU, not two
 * wake-ups across them (on a virtual machine, a sleeping CPU's wake-up is
 * what costs). A hint: if it fails, it only costs that. By number, so
 * only while it is alive and unreaped (a stop reaps whatever it finds):
 * then nobody but us can reap it and free the number.
 */
static void
wake_here(pid_t pid, int pidfd)
{
	cpu_set_t one;
	siginfo_t si = { 0 };
	int cpu = sched_getcpu();

	if (cpu < 0 || waitid(P_PIDFD, (id_t)pidfd, &si,
	    WEXITED | WNOHANG | WNOWAIT) == -1 || si.si_pid != 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	(void)sched_setaffinity(pid, sizeof(one), &one);
}

void
warden_end(struct warden *w)
{
	siginfo_t si;

	/*
	 * Killed (it never undoes what we settled) and waited for, so that
	 * no process of this start outlives our return; through its pidfd,
	 * since a stop may have reaped it already were it dead, and its
	 * number be another's. Its stack stays mapped: we end soon, and
	 * unmapped, it could leave a sanitizer's shadow of its frames on
	 * memory mapped there later.
	 */
	if (w->pidfd >= 0) {
		wake_here(w->pid, w->pidfd);
		(void)pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
		while (waitid(P_PIDFD, (id_t)w->pidfd, &si, WEXITED) == -1 &&
		    errno == EINTR)
			;
		close(w->pidfd);
	}
	if (w->fd >= 0) {
		if (forked_fd == w->fd)
			forked_fd = -1;
		close(w->fd);
	}
	if (shared_plan == w->plan) {
		shared_plan = NULL;
		told_in_plan = false;
	}
	warden_init(w);
}
