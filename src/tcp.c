/*
 * Non-blocking connects, tried at short intervals until one succeeds.
 * Whose listener answered is found as ss(8) finds it: the listening
 * socket's inode from the kernel's sock_diag(7) (the inode column of
 * /proc/net/tcp and tcp6, without their cost: reading those walks the
 * whole established hash, 20 ms for 262144 buckets), then a descriptor of
 * a process in the daemon's session that is that socket
 * ("socket:[INODE]").
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proc.h"
#include "tcp.h"

#define LISTENERS_MAX	16		/* on one port: SO_REUSEPORT */

void
tcp_init(struct tcp_wait *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

int
tcp_prepare(struct tcp_wait *t, const char *host, const char *port)
{
	struct addrinfo hints;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &t->addrs)) != 0)
		return e;
	t->addr = t->addrs;
	return 0;
}

void
tcp_free(struct tcp_wait *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->addrs != NULL)
		freeaddrinfo(t->addrs);
	tcp_init(t);
}

/* --- whose listener ------------------------------------------------------- */

static bool
zero(const uint8_t *a, size_t n)
{
	while (n-- > 0)
		if (a[n] != 0)
			return false;
	return true;
}

static bool
mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static bool
peer_of(const struct addrinfo *a, struct tcp_peer *p)
{
	memset(p, 0, sizeof(*p));
	if (a->ai_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a->ai_addr;

		p->family = AF_INET;
		memcpy(p->addr, &in->sin_addr, 4);
		p->port = ntohs(in->sin_port);
		p->any = zero(p->addr, 4);
		return true;
	}
	if (a->ai_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)a->ai_addr;
		const uint8_t *b = in6->sin6_addr.s6_addr;

		p->family = mapped(b) ? AF_INET : AF_INET6;
		memcpy(p->addr, mapped(b) ? b + 12 : b, mapped(b) ? 4 : 16);
		p->port = ntohs(in6->sin6_port);
		p->any = zero(p->addr, p->family == AF_INET ? 4 : 16);
		return true;
	}
	return false;
}

/* Loopback, unspecified, or an address of one of our interfaces. */
static bool
is_local(const struct tcp_peer *p)
{
	static const uint8_t loop6[16] = { [15] = 1 };
	struct ifaddrs *ifs, *i;
	bool local = false;

	if (p->any || (p->family == AF_INET && p->addr[0] == 127) ||
	    (p->family == AF_INET6 && memcmp(p->addr, loop6, 16) == 0))
		return true;
	if (getifaddrs(&ifs) == -1)
		return false;
	for (i = ifs; i != NULL && !local; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (sa == NULL || sa->sa_family != p->family)
			continue;
		if (p->family == AF_INET)
			local = memcmp(&((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, p->addr, 4) == 0;
		else
			local = memcmp(&((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, p->addr, 16) == 0;
	}
	freeifaddrs(ifs);
	return local;
}

int
tcp_match(const struct tcp_socket *s, const struct tcp_peer *p)
{
	if (!s->listening || s->port != p->port)
		return 0;
	if (p->any)
		return 2;
	if (s->family == AF_INET)
		return p->family != AF_INET ? 0 :
		    memcmp(s->addr, p->addr, 4) == 0 ? 2 :
		    zero(s->addr, 4) ? 1 : 0;
	if (p->family == AF_INET6)
		return memcmp(s->addr, p->addr, 16) == 0 ? 2 :
		    zero(s->addr, 16) ? 1 : 0;
	/* An IPv4 peer: an IPv4-mapped listener, or [::] dual-stack. */
	return mapped(s->addr) && memcmp(s->addr + 12, p->addr, 4) == 0 ? 2 :
	    zero(s->addr, 16) ? 1 : 0;
}

/* Keep s if it matches p best so far; *best is the best match yet. */
static void
consider(const struct tcp_socket *s, const struct tcp_peer *p, int *best,
    ino_t *ino, size_t max, size_t *n)
{
	int m = tcp_match(s, p);

	if (m == 0 || m < *best)
		return;
	if (m > *best) {
		*best = m;
		*n = 0;
	}
	if (*n < max)
		ino[(*n)++] = s->inode;
}

/* Ask for the TCP listeners of one family: only they are dumped. */
static int
ask(int fd, int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} m;

	memset(&m, 0, sizeof(m));
	m.nlh.nlmsg_len = sizeof(m);
	m.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	m.req.sdiag_family = (uint8_t)family;
	m.req.sdiag_protocol = IPPROTO_TCP;
	m.req.idiag_states = 1U << TCP_LISTEN;
	return send(fd, &m, sizeof(m), 0) == (ssize_t)sizeof(m) ? 0 : -1;
}

/* One reply of the dump: 1 when it is done, 0 for more, -1 on error. */
static int
take_reply(int fd, const struct tcp_peer *p, int *best, ino_t *ino,
    size_t max, size_t *n)
{
	long buf[32768 / sizeof(long)];	/* more than a dump part holds */
	const struct nlmsghdr *h;
	ssize_t got = recv(fd, buf, sizeof(buf), 0);
	int len = (int)got;

	if (got <= 0)
		return -1;
	for (h = (const void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		const struct inet_diag_msg *d = NLMSG_DATA(h);
		struct tcp_socket s;

		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*d)))
			return -1;
		memset(&s, 0, sizeof(s));
		s.family = d->idiag_family;
		memcpy(s.addr, d->id.idiag_src, s.family == AF_INET ? 4 : 16);
		s.port = ntohs(d->id.idiag_sport);
		s.listening = d->idiag_state == TCP_LISTEN;
		s.inode = d->idiag_inode;
		consider(&s, p, best, ino, max, n);
	}
	return 0;
}

/* The inodes of the listeners that best match p; -1 if none can be seen. */
static ssize_t
listeners(const struct tcp_peer *p, ino_t *ino, size_t max)
{
	static const int families[] = { AF_INET, AF_INET6 };
	size_t i, n = 0;
	int fd, best = 1, rc = 0;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd == -1)
		return -1;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if ((rc = ask(fd, families[i])) == -1)
			break;
		while ((rc = take_reply(fd, p, &best, ino, max, &n)) == 0)
			;
		if (rc == -1)
			break;
	}
	close(fd);
	return rc == -1 ? -1 : (ssize_t)n;
}

static bool
is_socket(const char *link, const ino_t *ino, size_t n)
{
	unsigned long long v;
	char *end;
	size_t i;

	if (strncmp(link, "socket:[", 8) != 0 || link[8] < '0' ||
	    link[8] > '9')
		return false;
	errno = 0;
	v = strtoull(link + 8, &end, 10);
	if (errno != 0 || strcmp(end, "]") != 0)
		return false;
	for (i = 0; i < n; i++)
		if (ino[i] == (ino_t)v)
			return true;
	return false;
}

/* 1: pid has one of the sockets open; 0: not; -1: we may not look. */
static int
holds(pid_t pid, const ino_t *ino, size_t n)
{
	char path[64], link[64];
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	while (found == 0 && (e = readdir(d)) != NULL) {
		ssize_t len = readlinkat(dirfd(d), e->d_name, link,
		    sizeof(link) - 1);

		if (len <= 0)
			continue;
		link[len] = '\0';
		found = is_socket(link, ino, n);
	}
	closedir(d);
	return found;
}

/*
 * 1 if the daemon or a live process of its session holds one of the
 * sockets, 0 if none does, -1 if one of them could not be looked into.
 */
static int
session_holds(const struct tcp_owner *o, const ino_t *ino, size_t n)
{
	struct proc_stat ps;
	pid_t session = o->session;
	struct dirent *e;
	int r = 0, found;
	DIR *d;

	/* Most daemons listen themselves: no need to look further. */
	if ((found = holds(o->daemon, ino, n)) == 1)
		return 1;
	if (proc_stat(o->daemon, &ps) == 0)
		session = ps.session;
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while (r != 1 && (e = readdir(d)) != NULL) {
		pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);

		if (pid <= 0 || pid == o->daemon || proc_stat(pid, &ps) == -1 ||
		    ps.session != session || ps.state == 'Z' || ps.state == 'X')
			continue;
		if ((r = holds(pid, ino, n)) != 0)
			found = r == 1 ? 1 : -1;
	}
	closedir(d);
	return found;
}

static bool
known_strangers(const struct tcp_wait *t, const ino_t *ino, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < t->nstrangers && t->strangers[j] != ino[i]; j++)
			;
		if (j == t->nstrangers)
			return false;
	}
	return n > 0;
}

/*
 * Someone accepted the connection: the daemon, unless the address is
 * ours and its listener is held by none of the daemon's session. What
 * cannot be seen (no listener the kernel shows us, a process we may not
 * look into) counts for the daemon: a stranger must be shown to be one.
 */
static enum tcp_state
judge(struct tcp_wait *t, const struct tcp_owner *o)
{
	ino_t ino[LISTENERS_MAX];
	struct tcp_peer p;
	ssize_t n;
	size_t i;

	if (!peer_of(t->addr, &p) || !is_local(&p))
		return TCP_UP;
	if ((n = listeners(&p, ino, LISTENERS_MAX)) <= 0)
		return TCP_UP;
	if (known_strangers(t, ino, (size_t)n))
		return TCP_STRANGER;
	if (session_holds(o, ino, (size_t)n) != 0)
		return TCP_UP;
	for (i = 0; i < (size_t)n && i < TCP_STRANGERS_MAX; i++)
		t->strangers[i] = ino[i];
	t->nstrangers = i;
	return TCP_STRANGER;
}

/* --- connecting ----------------------------------------------------------- */

/* This try is over: the next address, next time. */
static enum tcp_state
next(struct tcp_wait *t, enum tcp_state st)
{
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	t->addr = t->addr->ai_next != NULL ? t->addr->ai_next : t->addrs;
	return st;
}

static enum tcp_state
connected(struct tcp_wait *t, const struct tcp_owner *o)
{
	enum tcp_state st;

	close(t->fd);
	t->fd = -1;
	if ((st = judge(t, o)) == TCP_UP)
		return TCP_UP;
	return next(t, st);
}

enum tcp_state
tcp_connect(struct tcp_wait *t, long long now, const struct tcp_owner *o)
{
	const struct addrinfo *a = t->addr;

	t->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, a->ai_protocol);
	if (t->fd == -1)
		return TCP_DOWN;
	if (connect(t->fd, a->ai_addr, a->ai_addrlen) == 0)
		return connected(t, o);
	if (errno == EINPROGRESS) {
		t->since_ms = now;
		return TCP_PENDING;
	}
	return next(t, TCP_DOWN);
}

enum tcp_state
tcp_finish(struct tcp_wait *t, short revents, long long now,
    const struct tcp_owner *o)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (revents != 0) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		    err == 0)
			return connected(t, o);
		return next(t, TCP_DOWN);
	}
	if (now - t->since_ms >= TCP_CONNECT_MAX_MS)
		return next(t, TCP_DOWN);
	return TCP_PENDING;
}
