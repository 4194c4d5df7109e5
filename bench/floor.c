/*
 * floor: the least a truthful daemonizer can do, as the benchmarks' yardstick.
 *
 *     floor [-1w] [-p PIDFILE] [-o LOGFILE] COMMAND [ARG]...
 *
 * Fork, setsid, fork, exec, with the caller waiting on a close-on-exec pipe:
 * end of file with nothing read means the exec happened (exit 0); otherwise
 * the daemon's side wrote its errno (exit 127). -p creates, locks and fills
 * the pidfile in the daemon before the exec, so it holds the pid when the
 * caller returns; -o appends stdout and stderr to a file; -1 forks once,
 * the daemon leading its session (the yardstick of daemonize -1). -w hands
 * the daemon the write end of a pipe as descriptor 3 and, once the exec is
 * confirmed and the first child reaped, reads until a newline (exit 0) or
 * end of file (exit 1): the yardstick of daemonize -w fd:3. Nothing else:
 * no PATH search (give a path), no stdin, signal or descriptor clean-up,
 * no message beyond the errno, no undo on failure, no watch on the daemon
 * while it gets ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static void __attribute__((noreturn))
fail(int report, int err)
{
	(void)!write(report, &err, sizeof(err));
	_exit(127);
}

static void
write_pidfile(int report, const char *path)
{
	char buf[32];
	int fd, len;

	/* Not close-on-exec: the daemon holds the lock for its lifetime. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY, 0644)) == -1 ||
	    flock(fd, LOCK_EX | LOCK_NB) == -1 || ftruncate(fd, 0) == -1)
		fail(report, errno);
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)len) != len)
		fail(report, errno);
}

static void
open_log(int report, const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY, 0666);

	if (fd == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		fail(report, errno);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* The ready pipe's write end becomes descriptor 3, kept across the exec. */
static int
ready_fd(int report, int ready)
{
	if (report == 3 && (report = fcntl(report, F_DUPFD_CLOEXEC, 4)) == -1)
		fail(3, errno);
	if (ready == 3 ? fcntl(3, F_SETFD, 0) == -1 : dup2(ready, 3) == -1)
		fail(report, errno);
	return report;
}

static void __attribute__((noreturn))
daemon_side(int report, int forks, int ready, const char *pidfile,
    const char *log, char **argv)
{
	pid_t pid;

	if (ready >= 0)
		report = ready_fd(report, ready);
	if (setsid() == -1)
		fail(report, errno);
	if (forks == 2 && (pid = fork()) != 0) {
		if (pid == -1)
			fail(report, errno);
		_exit(0);
	}
	if (pidfile != NULL)
		write_pidfile(report, pidfile);
	if (log != NULL)
		open_log(report, log);
	execv(argv[0], argv);
	fail(report, errno);
}

/* -w: a newline, after any other bytes, on the ready pipe; 0 or 1. */
static int
await_newline(int fd)
{
	char buf[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n == -1 &&
	    errno == EINTR))
		if (n > 0 && memchr(buf, '\n', (size_t)n) != NULL)
			return 0;
	fprintf(stderr, "floor: descriptor 3 closed before a newline\n");
	return 1;
}

int
main(int argc, char *argv[])
{
	const char *pidfile = NULL, *log = NULL;
	int fds[2], rfds[2] = { -1, -1 }, err, c, forks = 2;
	bool wait_ready = false;
	pid_t pid;

	while ((c = getopt(argc, argv, "+1o:p:w")) != -1) {
		switch (c) {
		case '1':
			forks = 1;
			break;
		case 'w':
			wait_ready = true;
			break;
		case 'o':
			log = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: floor [-1w] [-p PIDFILE] [-o LOGFILE] "
		    "COMMAND [ARG]...\n");
		return 2;
	}
	if (pipe2(fds, O_CLOEXEC) == -1 ||
	    (wait_ready && pipe2(rfds, O_CLOEXEC) == -1) ||
	    (pid = fork()) == -1) {
		perror("floor");
		return 125;
	}
	if (pid == 0) {
		close(fds[0]);
		daemon_side(fds[1], forks, rfds[1], pidfile, log,
		    argv + optind);
	}
	close(fds[1]);
	if (wait_ready)
		close(rfds[1]);
	if (read(fds[0], &err, sizeof(err)) == sizeof(err)) {
		fprintf(stderr, "floor: %s: %s\n", argv[optind], strerror(err));
		return 127;
	}
	if (forks == 2)
		(void)waitpid(pid, NULL, 0);
	return wait_ready ? await_newline(rfds[0]) : 0;
}
