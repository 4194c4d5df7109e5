/*
 * spawn: start a launcher N times, one after the other, and time it.
 *
 *     spawn N COMMAND [ARG]...
 *
 * Each start is posix_spawn(3) of COMMAND with stdin and stdout on /dev/null
 * and stderr kept, then wait4(2) for it; every start must exit 0. "%i" in an
 * ARG becomes the start's number (0 to N-1), so each can have its own
 * pidfile. Prints one line: the wall time per start in microseconds (the
 * total over N) and the median peak RSS of a launcher in KiB (ru_maxrss of
 * wait4, which covers the launcher and the children it waited for).
 *
 * spawn is a child subreaper, so every daemon a launcher leaves behind
 * becomes its child: the daemons are not reaped while timing (their exits
 * cost no launcher anything), and once the N starts are done every one left
 * is killed by pid and reaped, as they are if SIGINT, SIGTERM or SIGHUP
 * stops the run. Nothing started here outlives spawn.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STARTS	1000000

extern char **environ;

static volatile sig_atomic_t stopped;

static void
on_signal(int sig)
{
	stopped = sig;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* "%i" in each template becomes i; the others are passed as they are. */
static void
fill_args(char **args, char **tmpl, int argc, char (*buf)[256], int i)
{
	char num[16];
	int k;

	snprintf(num, sizeof(num), "%d", i);
	for (k = 0; k < argc; k++) {
		const char *at = strstr(tmpl[k], "%i");

		if (at == NULL) {
			args[k] = tmpl[k];
			continue;
		}
		snprintf(buf[k], sizeof(buf[k]), "%.*s%s%s",
		    (int)(at - tmpl[k]), tmpl[k], num, at + 2);
		args[k] = buf[k];
	}
	args[argc] = NULL;
}

/* Our children, by pid from /proc: the daemons the launchers left us. */
static void
kill_children(void)
{
	char path[64], line[512], *p;
	struct dirent *e;
	pid_t self = getpid();
	long pid, ppid;
	DIR *d;
	FILE *f;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if ((pid = strtol(e->d_name, &p, 10)) <= 0 || *p != '\0')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		p = fgets(line, sizeof(line), f);
		fclose(f);
		/* "pid (comm) state ppid ...": comm may hold anything. */
		if (p == NULL || (p = strrchr(line, ')')) == NULL ||
		    sscanf(p + 1, " %*c %ld", &ppid) != 1 || ppid != self)
			continue;
		(void)kill((pid_t)pid, SIGKILL);
	}
	closedir(d);
}

/* Kill and reap until nothing is left, however deep the launchers forked. */
static void
reap_all(void)
{
	struct timespec nap = { 0, 1000000 };
	pid_t r;

	for (;;) {
		kill_children();
		do
			r = waitpid(-1, NULL, WNOHANG);
		while (r > 0 || (r == -1 && errno == EINTR));
		if (r == -1)		/* ECHILD: no child, so no descendant */
			return;
		nanosleep(&nap, NULL);	/* killed, not yet dead */
	}
}

int
main(int argc, char *argv[])
{
	posix_spawn_file_actions_t fa;
	char **args, (*buf)[256];
	long n, i, *rss;
	int cmdc, status;
	struct sigaction sa;
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	char *end;

	if (argc < 3 || (n = strtol(argv[1], &end, 10), *end != '\0') ||
	    n < 1 || n > MAX_STARTS) {
		fprintf(stderr, "usage: spawn N COMMAND [ARG]...\n");
		return 2;
	}
	cmdc = argc - 2;
	args = calloc((size_t)cmdc + 1, sizeof(*args));
	buf = calloc((size_t)cmdc, sizeof(*buf));
	rss = calloc((size_t)n, sizeof(*rss));
	if (args == NULL || buf == NULL || rss == NULL ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ||
	    posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) {
		perror("spawn: set-up");
		return 1;
	}

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);

	t0 = now();
	for (i = 0; i < n && !stopped; i++) {
		fill_args(args, argv + 2, cmdc, buf, (int)i);
		if ((errno = posix_spawn(&pid, args[0], &fa, NULL, args,
		    environ)) != 0) {
			fprintf(stderr, "spawn: %s: %s\n", args[0],
			    strerror(errno));
			reap_all();
			return 1;
		}
		while (wait4(pid, &status, 0, &ru) == -1)
			if (errno != EINTR) {
				perror("spawn: wait4");
				reap_all();
				return 1;
			}
		if (stopped)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn: start %ld of %s failed "
			    "(status 0x%x)\n", i, args[0], status);
			reap_all();
			return 1;
		}
		rss[i] = ru.ru_maxrss;
	}
	t1 = now();

	reap_all();
	if (stopped)
		return 128 + stopped;
	qsort(rss, (size_t)n, sizeof(*rss), cmp_long);
	printf("%.1f %ld\n", (t1 - t0) * 1e6 / (double)n, rss[n / 2]);
	return 0;
}
