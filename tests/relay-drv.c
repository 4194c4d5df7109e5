/*
 * relay-drv: the output relay (src/relay.c) driven by a plain poll(2)
 * loop, for the tests and the benchmark; not installed.
 *
 *     relay-drv [-t] [-s SIZE] [-k N] [-o FILE] [-e FILE] [-E FD] [-m TEXT]
 *         [-- COMMAND [ARG]...]
 *
 * Without COMMAND it relays its stdin as the stdout stream and, with -E,
 * descriptor FD as the stderr stream, until both end. With COMMAND it runs
 * it with its stdout and stderr on pipes, as the supervisor does, and when
 * COMMAND exits drains the pipes (a child it left may still hold them),
 * writes "daemonize: 'COMMAND' exited with status N" and exits with N.
 * -t, -s, -k are --timestamps, --log-size, --log-keep; -m writes the
 * message "daemonize: TEXT" first. With RELAY_DRV_HWM set it prints its
 * peak RSS and its anonymous RSS at the end ("VmHWM: N kB", "RssAnon: N
 * kB") on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/num.h"
#include "../src/relay.h"

static void
die(const char *what)
{
	fprintf(stderr, "relay-drv: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void
usage(void)
{
	fprintf(stderr, "usage: relay-drv [-t] [-s SIZE] [-k N] [-o FILE] "
	    "[-e FILE] [-E FD] [-m TEXT] [-- COMMAND [ARG]...]\n");
	exit(2);
}

/* COMMAND with stdout and stderr on pipes; their read ends into in[]. */
static pid_t
spawn(char **argv, int in[RELAY_STREAMS])
{
	int p[RELAY_STREAMS][2], i;
	pid_t pid;

	for (i = 0; i < RELAY_STREAMS; i++)
		if (pipe2(p[i], O_CLOEXEC) == -1)
			die("pipe");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		if (dup2(p[0][1], 1) == -1 || dup2(p[1][1], 2) == -1)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < RELAY_STREAMS; i++) {
		close(p[i][1]);
		in[i] = p[i][0];
	}
	return pid;
}

/* Poll both streams (and the command's pidfd) once. */
static void
step(struct relay *r, int pidfd, bool *exited)
{
	struct pollfd pfd[RELAY_STREAMS + 1];
	int i, n;

	for (i = 0; i < RELAY_STREAMS; i++) {
		pfd[i].fd = relay_wants_input(r, i) ? relay_fd(r, i) : -1;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	pfd[RELAY_STREAMS] = (struct pollfd){ pidfd, POLLIN, 0 };
	n = poll(pfd, RELAY_STREAMS + 1, relay_timeout(r));
	if (n == -1 && errno != EINTR)
		die("poll");
	for (i = 0; n > 0 && i < RELAY_STREAMS; i++)
		if (pfd[i].revents != 0)
			(void)relay_read(r, i);
	if (n > 0 && pfd[RELAY_STREAMS].revents != 0)
		*exited = true;
	relay_retry(r);
}

/* Everything read written: after a run, and before exiting. */
static void
drain(struct relay *r)
{
	while (relay_drain(r) != 0) {
		(void)poll(NULL, 0, relay_timeout(r));
		relay_retry(r);
	}
}

static void
report_hwm(void)
{
	char line[256];
	FILE *f;

	if (getenv("RELAY_DRV_HWM") == NULL ||
	    (f = fopen("/proc/self/status", "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0 ||
		    strncmp(line, "RssAnon:", 8) == 0)
			fputs(line, stderr);
	fclose(f);
}

static int
run_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
main(int argc, char **argv)
{
	struct relay_conf c = { .file = { -1, -1 }, .in = { 0, -1 },
	    .log_keep = 5 };
	const char *text = NULL;
	unsigned long long v;
	long long n;
	struct relay *r;
	int opt, bad, pidfd = -1, status = 0;
	pid_t pid = -1;
	bool exited = false;

	while ((opt = getopt(argc, argv, "+E:e:k:m:o:s:t")) != -1) {
		switch (opt) {
		case 'E':
			if (num_parse(optarg, 0, 1024, &n, &(const char *){0}))
				usage();
			c.in[RELAY_ERR] = (int)n;
			break;
		case 'e': c.path[RELAY_ERR] = optarg; break;
		case 'k':
			if (num_parse(optarg, 0, 1000, &n, &(const char *){0}))
				usage();
			c.log_keep = (unsigned)n;
			break;
		case 'm': text = optarg; break;
		case 'o': c.path[RELAY_OUT] = optarg; break;
		case 's':
			if (num_size(optarg, 4096, 1ULL << 50, &v))
				usage();
			c.log_size = v;
			break;
		case 't': c.timestamps = true; break;
		default: usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (optind < argc) {
		pid = spawn(argv + optind, c.in);
		if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
			die("pidfd_open");
	}
	if ((r = relay_open(&c, &bad)) == NULL)
		die(bad >= 0 ? c.path[bad] : "relay_open");
	if (text != NULL)
		relay_message(r, "%s", text);
	while (!exited && (pid != -1 || relay_fd(r, RELAY_OUT) >= 0 ||
	    relay_fd(r, RELAY_ERR) >= 0))
		step(r, pidfd, &exited);
	drain(r);
	if (pid != -1) {
		status = run_status(pid);
		relay_message(r, "'%s' exited with status %d", argv[optind],
		    status);
		drain(r);
	}
	report_hwm();
	relay_free(r);
	return status;
}
