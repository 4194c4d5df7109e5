/*
 * killat: start a command and SIGKILL it after a given time, for
 * bench/soak's "caller killed at a random point of a start".
 *
 *     killat MICROSECONDS COMMAND [ARG]...
 *
 * COMMAND is spawned with stdin on /dev/null and stdout and stderr kept;
 * after MICROSECONDS (spinning, so the point is not rounded up to a timer
 * tick) it gets SIGKILL, by the pid still unreaped, and is reaped. Prints
 * "killed" if the signal ended it, or "exited N" / "signal N" if it had
 * already ended by itself; exits 0, or 2 if it could not be spawned.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char *argv[])
{
	posix_spawn_file_actions_t fa;
	long long until;
	int status;
	pid_t pid;
	char *end;
	long us;

	if (argc < 3 || (us = strtol(argv[1], &end, 10), *end != '\0') ||
	    us < 0) {
		fprintf(stderr, "usage: killat MICROSECONDS COMMAND [ARG]...\n");
		return 2;
	}
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0) != 0) {
		perror("killat");
		return 2;
	}
	until = now_us() + us;
	errno = posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (errno != 0) {
		fprintf(stderr, "killat: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	/* Not reaped until after the kill: the pid cannot be reused. */
	while (now_us() < until)
		;
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			perror("killat: waitpid");
			return 2;
		}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		printf("killed\n");
	else if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("exited %d\n", WEXITSTATUS(status));
	return 0;
}
