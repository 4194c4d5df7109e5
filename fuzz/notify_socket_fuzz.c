/*
 * libFuzzer harness of --wait notify's socket end (src/notify.c): each
 * input is sent as one datagram, with the kernel's credentials, to a
 * socketpair standing in for the notify socket, and read back with
 * notify_recv(), then parsed with notify_parse() and the sender judged
 * with notify_sender_ok(), as the caller's loop does. Byte 0 of the input
 * is flags: bit 0 also passes descriptors (SCM_RIGHTS, as BARRIER=1
 * does; bit 1 two of them); the rest is the datagram. fuzz/notify_fuzz.c
 * checks the parser itself, exactly and far faster.
 *
 * The oracle: notify_recv() gives the datagram's length and bytes as sent
 * (a longer one says it was cut) and our pid as the sender; nothing is
 * left to read, every descriptor passed is closed; the sender (ourselves)
 * passes the sender rule; and the parse of what was received is the parse
 * of what was sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "notify.h"

#define INPUT_MAX	(NOTIFY_MAX + 256)

static int sock[2] = { -1, -1 };	/* [0] sends, [1] is the socket */

static void
check(bool ok, const char *what)
{
	if (!ok)
		harness_fail("notify_socket_fuzz: %s", what);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int one = 1, size = 1 << 20;

	(void)argc;
	(void)argv;
	harness_keep_stderr();
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sock) == -1 ||
	    setsockopt(sock[1], SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) == -1 ||
	    setsockopt(sock[0], SOL_SOCKET, SO_SNDBUF, &size,
	    sizeof(size)) == -1 ||
	    fcntl(sock[1], F_SETFL, O_NONBLOCK) == -1) {
		perror("notify_socket_fuzz: socketpair");
		exit(1);
	}
	return 0;
}

/* Send the datagram, with nfds descriptors of /dev/null. */
static void
send_datagram(const uint8_t *data, size_t size, int nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} control;
	struct iovec iov = { (void *)data, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[2] = { -1, -1 }, i;

	if (nfds > 0) {
		struct cmsghdr *c;

		for (i = 0; i < nfds; i++)
			check((fds[i] = open("/dev/null", O_RDONLY |
			    O_CLOEXEC)) >= 0, "cannot open /dev/null");
		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
	}
	check(sendmsg(sock[0], &mh, 0) == (ssize_t)size, "sendmsg failed");
	for (i = 0; i < nfds; i++)
		close(fds[i]);
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

static bool
same_parse(const struct notify_msg *a, const char *abuf,
    const struct notify_msg *b, const char *bbuf)
{
	bool same_status = a->status == NULL ? b->status == NULL :
	    b->status != NULL && a->status - abuf == b->status - bbuf &&
	    a->status_len == b->status_len;

	return a->ready == b->ready && a->barrier == b->barrier &&
	    same_status && a->error == b->error &&
	    a->extend_usec == b->extend_usec && a->ignored == b->ignored;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[NOTIFY_MAX];
	struct notify_msg sent, got;
	const char *msg = (const char *)data + 1;
	int before, rs, rg, nfds;
	size_t len;
	pid_t sender = -1;
	ssize_t n;
	char byte;

	if (size < 1 || size > INPUT_MAX)
		return 0;
	len = size - 1;
	nfds = data[0] & 1 ? 1 + (data[0] >> 1 & 1) : 0;
	before = next_fd();
	send_datagram(data + 1, len, nfds);
	n = notify_recv(sock[1], buf, sizeof(buf), &sender);
	check(n == (ssize_t)len, "the length received is not the length sent");
	check(sender == getpid(), "the sender is not ours");
	check(recv(sock[1], &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	    "a datagram was left unread");
	check(next_fd() == before, "a passed descriptor was left open");
	check(notify_sender_ok(sender, getpid(), getsid(0)),
	    "the daemon itself failed the sender rule");
	if (len > sizeof(buf))
		return 0;		/* cut: only the length is known */
	check(memcmp(buf, msg, len) == 0, "the bytes received differ");
	rs = notify_parse(msg, len, &sent);
	rg = notify_parse(buf, (size_t)n, &got);
	check(rs == rg && (rs == -1 || same_parse(&sent, msg, &got, buf)),
	    "the parse of what came is not the parse of what was sent");
	return 0;
}
