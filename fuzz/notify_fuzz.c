/*
 * libFuzzer harness of the sd_notify message handling of --wait notify.
 *
 * Today the parser is not a function of its own: it is reached through
 * ready_notify_read() (src/ready.c), which reads datagrams off the notify
 * socket. So the harness sends each input as one datagram, with the
 * kernel's credentials (ours: the "daemon" is this process), to a
 * socketpair that stands in for that socket, and reads it with
 * ready_notify_read(). Byte 0 of the input is flags: bit 0 also passes a
 * descriptor (SCM_RIGHTS, as BARRIER=1 does); the rest is the datagram.
 *
 * When the message parser is a pure function (src/notify.c, planned in
 * issue 9), call it on the bytes directly instead of the socket round
 * trip, and keep the oracle below, which is the protocol as DESIGN.md
 * reads it: a datagram over 4096 bytes or holding a NUL changes nothing;
 * READY=1, BARRIER=1, ERRNO=N (N a decimal from 1) and
 * EXTEND_TIMEOUT_USEC=N (N a decimal) count only as whole lines; the
 * deadline only moves later; a passed descriptor is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launch.h"
#include "options.h"
#include "ready.h"

#define INPUT_MAX	8192
#define NOTIFY_MAX	4096		/* as src/ready.c */
#define NOW_MS		1000000LL
#define DEADLINE_MS	(NOW_MS + 5000)

static int sock[2] = { -1, -1 };	/* [0] sends, [1] is the socket */
static struct options opt;
static struct launch launch;
static struct wait_spec spec;
static FILE *out;		/* stderr, kept from -close_fd_mask=2 */

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(out, "notify_fuzz: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int one = 1, size = 1 << 20;

	(void)argc;
	(void)argv;
	/* Before libFuzzer closes stderr: our findings must be seen. */
	if ((out = fdopen(dup(STDERR_FILENO), "w")) == NULL)
		out = stderr;
	setvbuf(out, NULL, _IONBF, 0);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sock) == -1 ||
	    setsockopt(sock[1], SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) == -1 ||
	    setsockopt(sock[0], SOL_SOCKET, SO_SNDBUF, &size,
	    sizeof(size)) == -1 ||
	    fcntl(sock[1], F_SETFL, O_NONBLOCK) == -1) {
		perror("notify_fuzz: socketpair");
		exit(1);
	}
	opt.verbose = true;		/* STATUS= is shown: covered too */
	launch.opt = &opt;
	spec.kind = WAIT_NOTIFY;
	spec.given = "notify";
	spec.fd = -1;
	return 0;
}

/* Whether a line of msg (len bytes, lines split at \n) satisfies want. */
static bool
has_line(const char *msg, size_t len, bool (*want)(const char *, size_t))
{
	size_t at = 0;

	while (at < len) {
		const char *nl = memchr(msg + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - (msg + at)) : len - at;

		if (n > 0 && want(msg + at, n))
			return true;
		at += n + 1;
	}
	return false;
}

static bool
is(const char *line, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(line, word, n) == 0;
}

static bool
is_ready(const char *l, size_t n) { return is(l, n, "READY=1"); }

static bool
is_barrier(const char *l, size_t n) { return is(l, n, "BARRIER=1"); }

/* "KEY=" then decimal digits only. */
static bool
is_number_line(const char *l, size_t n, const char *key)
{
	size_t k = strlen(key), i;

	if (n <= k || memcmp(l, key, k) != 0)
		return false;
	for (i = k; i < n; i++)
		if (l[i] < '0' || l[i] > '9')
			return false;
	return true;
}

static bool
is_errno(const char *l, size_t n) { return is_number_line(l, n, "ERRNO="); }

static bool
is_extend(const char *l, size_t n)
{
	return is_number_line(l, n, "EXTEND_TIMEOUT_USEC=");
}

static void
send_datagram(const uint8_t *data, size_t size, bool pass_fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { (void *)data, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fd = -1;

	if (pass_fd) {
		struct cmsghdr *c;

		check((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0,
		    "cannot open /dev/null");
		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	}
	check(sendmsg(sock[0], &mh, 0) == (ssize_t)size, "sendmsg failed");
	if (fd >= 0)
		close(fd);
}

/* The lowest free descriptor: one left open changes it. */
static int
next_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data + 1;
	long long deadline = DEADLINE_MS;
	struct ready_src src;
	struct ready r;
	size_t len;
	bool ignored;
	int before;
	char byte;

	if (size < 1 || size > INPUT_MAX)
		return 0;
	len = size - 1;
	before = next_fd();
	ready_init(&r);
	memset(&src, 0, sizeof(src));
	src.spec = &spec;
	src.fd = src.slot = -1;
	r.l = &launch;
	r.src = &src;
	r.n = 1;
	r.notify_fd = sock[1];
	r.daemon = getpid();
	r.session = getsid(0);
	send_datagram(data + 1, len, data[0] & 1);
	ready_notify_read(&r, NOW_MS, &deadline);
	/* Nothing may be left to read, and nothing left open. */
	check(recv(sock[1], &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	    "a datagram was left unread");
	check(next_fd() == before, "a passed descriptor was left open");

	ignored = len > NOTIFY_MAX || memchr(msg, '\0', len) != NULL;
	check(!src.met || (!ignored && has_line(msg, len, is_ready)),
	    "ready without a READY=1 line");
	check(!r.barrier || (!ignored && has_line(msg, len, is_barrier)),
	    "barrier without a BARRIER=1 line");
	check(r.failed == NULL || (!ignored && r.fail_errno >= 1 &&
	    has_line(msg, len, is_errno)), "failed without an ERRNO=N line");
	check(deadline >= DEADLINE_MS, "the deadline moved earlier");
	check(deadline == DEADLINE_MS || (!ignored &&
	    has_line(msg, len, is_extend)), "deadline moved without "
	    "EXTEND_TIMEOUT_USEC=N");
	return 0;
}
