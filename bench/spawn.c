/*
 * spawn: start a launcher N times, one after the other, and time each start.
 *
 *     spawn N COMMAND [ARG]... [';;' COMMAND [ARG]...]...
 *
 * With more than one COMMAND (separated by ";;"), the launchers take turns
 * start by start, N starts each, in an order that rotates, so that drift
 * on the machine hits them alike (a difference between them is then far
 * steadier than one between batches); each line then ends with the
 * launcher's number, from 0.
 *
 * Each start is posix_spawn(3) of COMMAND with stdin and stdout on /dev/null
 * and stderr kept, then wait4(2) for it; every start must exit 0. "%i" in an
 * ARG becomes the start's number (0 to N-1; with several COMMANDs, 0 to
 * N*COMMANDS-1, each start its own), so each can have its own pidfile. A start is timed from just before the spawn to the launcher's
 * exit, and followed by an untimed pause of 1 ms (GAP_US), so the daemon it
 * started gets through its own start-up before the next start is timed:
 * each start is measured alone, as a caller waiting for it sees it, not
 * against the last daemon's start-up for a CPU. Prints a line per start:
 * its time in microseconds and the launcher's peak RSS in KiB (ru_maxrss of
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
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STARTS	1000000
#define MAX_CMDS	8
#define GAP_US		1000

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

/* Spinning, not sleeping: a CPU left idle is slow to wake in a VM. */
static void
pause_busy(double sec)
{
	double until = now() + sec;

	while (now() < until)
		;
}

/* One start, timed; its ru_maxrss in *rss. -1 if it failed. */
static double
start_one(char **args, const posix_spawn_file_actions_t *fa, long *rss)
{
	struct rusage ru;
	double t0, t;
	int status;
	pid_t pid;

	t0 = now();
	if ((errno = posix_spawn(&pid, args[0], fa, NULL, args, environ))) {
		fprintf(stderr, "spawn: %s: %s\n", args[0], strerror(errno));
		return -1;
	}
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("spawn: wait4");
			return -1;
		}
	t = now() - t0;
	if (!stopped && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		fprintf(stderr, "spawn: %s failed (status 0x%x)\n", args[0],
		    status);
		return -1;
	}
	*rss = ru.ru_maxrss;
	return t;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

/* Split argv at ";;" into at most MAX_CMDS commands: their number. */
static int
split_commands(char **argv, int argc, char **cmd[], int cmdc[])
{
	int n = 0, i, from = 0;

	for (i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], ";;") != 0)
			continue;
		if (i == from || n == MAX_CMDS)
			return -1;
		cmd[n] = argv + from;
		cmdc[n++] = i - from;
		from = i + 1;
	}
	return n;
}

int
main(int argc, char *argv[])
{
	posix_spawn_file_actions_t fa;
	char **args, (*buf)[256], **cmd[MAX_CMDS];
	double *us;
	long n, i, *rss;
	int cmdc[MAX_CMDS], ncmd, k, who, rc = 0;
	char *end;

	if (argc < 3 || (n = strtol(argv[1], &end, 10), *end != '\0') ||
	    n < 1 || n > MAX_STARTS ||
	    (ncmd = split_commands(argv + 2, argc - 2, cmd, cmdc)) < 1) {
		fprintf(stderr, "usage: spawn N COMMAND [ARG]... "
		    "[';;' COMMAND [ARG]...]...\n");
		return 2;
	}
	args = calloc((size_t)argc, sizeof(*args));
	buf = calloc((size_t)argc, sizeof(*buf));
	us = calloc((size_t)(n * ncmd), sizeof(*us));
	rss = calloc((size_t)(n * ncmd), sizeof(*rss));
	/*
	 * Launchers start with 0, 1 and 2 only, as from a terminal: whatever
	 * else make or a harness left open would otherwise live on in the
	 * daemons of launchers that do not close it, and cost them alone.
	 */
	if (args == NULL || buf == NULL || us == NULL || rss == NULL ||
	    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == -1 ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ||
	    posix_spawn_file_actions_init(&fa) != 0) {
		perror("spawn: set-up");
		return 1;
	}
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) {
		perror("spawn: set-up");
		rc = 1;
	}
	catch_signals();

	/* Start i of launcher who is at i * ncmd + who. */
	for (i = 0; rc == 0 && i < n && !stopped; i++)
		for (k = 0; rc == 0 && k < ncmd && !stopped; k++) {
			who = (int)((i + k) % ncmd);
			fill_args(args, cmd[who], cmdc[who], buf,
			    (int)(i * ncmd + who));
			if ((us[i * ncmd + who] = start_one(args, &fa,
			    &rss[i * ncmd + who]) * 1e6) < 0)
				rc = 1;
			else
				pause_busy(GAP_US / 1e6);
		}
	reap_all();
	if (rc == 0 && stopped)
		rc = 128 + stopped;
	for (i = 0; rc == 0 && i < n * ncmd; i++)
		if (ncmd == 1)
			printf("%.1f %ld\n", us[i], rss[i]);
		else
			printf("%.1f %ld %ld\n", us[i], rss[i], i % ncmd);
	/* Freed, so a sanitizer build of the bench reports real leaks only. */
	posix_spawn_file_actions_destroy(&fa);
	free(args);
	free(buf);
	free(us);
	free(rss);
	return rc;
}
