/*
 * respawn: the least a supervisor can do between two runs, the yardstick
 * of the restart latency in bench/supervisors.
 *
 *     respawn COMMAND [ARG]...
 *
 * Fork, exec COMMAND (a path: no PATH search), wait for it; again while
 * it exits 1. Nothing else: no pidfile, no descriptors, signals or
 * limits set up for the run, no message, no back-off, no event loop.
 * Exits with the last run's status (128 + N if it was killed by signal N),
 * 127 if it cannot fork or wait.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: respawn COMMAND [ARG]...\n");
		return 2;
	}
	do {
		if ((pid = fork()) == -1) {
			perror("fork");
			return 127;
		}
		if (pid == 0) {
			execv(argv[1], argv + 1);
			perror(argv[1]);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) == -1) {
			perror("waitpid");
			return 127;
		}
	} while (WIFEXITED(status) && WEXITSTATUS(status) == 1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
