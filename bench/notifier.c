/*
 * notifier: the daemon of the readiness and stop rows of bench/run.
 *
 *     notifier [STAMP]
 *
 * Ready at once: a newline to descriptor 3 if it is open (--wait fd:3),
 * READY=1 to $NOTIFY_SOCKET if it is set (--wait notify). Then it waits;
 * SIGTERM makes it write the monotonic clock, in microseconds, to STAMP
 * and exit, so bench/stoplat can time a stop from the daemon's own exit.
 * It ends itself after 10 s in any case.
 *
 * For bench/soak, two variables change that: NOTIFIER_DELAY_US, a pause
 * before it reports ready, and NOTIFIER_LIFE, its lifetime in seconds
 * (0: until it is stopped).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *stamp;

static void
on_term(int sig)
{
	struct timespec ts;
	char buf[32];
	int fd, n;

	(void)sig;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, sizeof(buf), "%lld\n",
	    (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	if (stamp != NULL &&
	    (fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
		(void)!write(fd, buf, (size_t)n);
		close(fd);
	}
	_exit(0);
}

static void
notify_ready(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static const char ready[] = "READY=1";
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)sendto(fd, ready, sizeof(ready) - 1, 0, (struct sockaddr *)&sa,
	    sizeof(sa));
	close(fd);
}

/* A variable's value as a number, or dflt if it is unset or not one. */
static long
env_num(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 ? v : dflt;
}

int
main(int argc, char *argv[])
{
	const char *sock = getenv("NOTIFY_SOCKET");
	long delay = env_num("NOTIFIER_DELAY_US", 0);

	stamp = argc > 1 ? argv[1] : NULL;
	signal(SIGTERM, on_term);
	alarm((unsigned int)env_num("NOTIFIER_LIFE", 10));
	if (delay > 0) {
		struct timespec ts = { delay / 1000000, delay % 1000000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (fcntl(3, F_GETFD) != -1) {
		(void)!write(3, "\n", 1);
		close(3);
	}
	if (sock != NULL)
		notify_ready(sock);
	for (;;)
		pause();
}
