/*
 * stoplat: time stops, from the daemon's own exit to the stopper's return.
 *
 *     stoplat N DIR DAEMONIZE NOTIFIER STOPPER [ARG]...
 *
 * N times: start NOTIFIER with `DAEMONIZE -w fd:3 -p DIR/I.pid NOTIFIER
 * DIR/I.t` (untimed; once it returns, the daemon's SIGTERM handler is in
 * place), then run STOPPER ("%i" in an ARG becomes I) and wait for it. The
 * daemon writes the monotonic clock to DIR/I.t as it exits on SIGTERM;
 * the time from then to the stopper's exit is the stop's latency. Prints
 * a line per stop: the latency in microseconds and the stopper's peak RSS
 * in KiB, as bench/spawn does for starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS	64

extern char **environ;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Run argv, wait for it; its exit status, or -1. */
static int
run(char *argv[], struct rusage *ru)
{
	posix_spawn_file_actions_t fa;
	int status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	while (wait4(pid, &status, 0, ru) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static long long
read_stamp(const char *path)
{
	long long v = -1;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int
main(int argc, char *argv[])
{
	char pidfile[4096], stampf[4096], args[MAX_ARGS][4096];
	char *start[9], *stop[MAX_ARGS + 1];
	int n, i, k, nstop;

	if (argc < 6 || argc - 5 > MAX_ARGS || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: stoplat N DIR DAEMONIZE NOTIFIER "
		    "STOPPER [ARG]...\n");
		return 2;
	}
	nstop = argc - 5;
	for (i = 0; i < n; i++) {
		struct rusage ru;
		long long t_ret, t_exit;

		snprintf(pidfile, sizeof(pidfile), "%s/%d.pid", argv[2], i);
		snprintf(stampf, sizeof(stampf), "%s/%d.t", argv[2], i);
		start[0] = argv[3];
		start[1] = "-w";
		start[2] = "fd:3";
		start[3] = "-p";
		start[4] = pidfile;
		start[5] = argv[4];
		start[6] = stampf;
		start[7] = NULL;
		if (run(start, &ru) != 0) {
			fprintf(stderr, "stoplat: start %d failed\n", i);
			return 1;
		}
		for (k = 0; k < nstop; k++) {
			const char *a = argv[5 + k], *at = strstr(a, "%i");

			if (at == NULL) {
				stop[k] = argv[5 + k];
				continue;
			}
			snprintf(args[k], sizeof(args[k]), "%.*s%d%s",
			    (int)(at - a), a, i, at + 2);
			stop[k] = args[k];
		}
		stop[nstop] = NULL;
		if (run(stop, &ru) != 0) {
			fprintf(stderr, "stoplat: stop %d failed\n", i);
			return 1;
		}
		t_ret = now_us();
		if ((t_exit = read_stamp(stampf)) < 0) {
			fprintf(stderr, "stoplat: daemon %d left no stamp\n",
			    i);
			return 1;
		}
		printf("%lld %ld\n", t_ret - t_exit, ru.ru_maxrss);
	}
	return 0;
}
