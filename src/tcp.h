/*
 * --wait tcp:[HOST:]PORT: a TCP connection succeeds; where HOST is an
 * address of this machine, the listening socket must also be held by the
 * daemon or a process in its session, so a port some other program
 * already listens on does not count.
 */
#ifndef DAEMONIZE_TCP_H
#define DAEMONIZE_TCP_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define TCP_STRANGER_NAP_MS	50	/* between tries at a stranger's port */
#define TCP_STRANGERS_MAX	4

struct tcp_wait {
	struct addrinfo *addrs;	/* where to connect */
	struct addrinfo *addr;	/* the one tried next */
	int fd;			/* a connect under way, or -1 */
	long long since_ms;	/* when it began */
	/* Listeners found to be a stranger's, so not looked up again. */
	ino_t strangers[TCP_STRANGERS_MAX];
	size_t nstrangers;
};

enum tcp_state {
	TCP_DOWN,		/* nobody listens: try again later */
	TCP_PENDING,		/* a connect is under way on fd */
	TCP_STRANGER,		/* another program listens: try again later */
	TCP_UP,			/* the daemon listens */
};

/* Whose listener counts: the daemon and its session. */
struct tcp_owner {
	pid_t daemon;
	pid_t session;		/* unless the daemon has made its own since */
};

void tcp_init(struct tcp_wait *t);

/* Resolve host and port: 0, or getaddrinfo(3)'s error. */
int tcp_prepare(struct tcp_wait *t, const char *host, const char *port);

/* Begin a connect to the next address. */
enum tcp_state tcp_connect(struct tcp_wait *t, long long now,
    const struct tcp_owner *o);

/*
 * The connect under way: revents as poll(2) gave them for fd (0 if
 * none). One pending longer than TCP_CONNECT_MAX_MS is given up.
 */
#define TCP_CONNECT_MAX_MS	1000
enum tcp_state tcp_finish(struct tcp_wait *t, short revents, long long now,
    const struct tcp_owner *o);

void tcp_free(struct tcp_wait *t);

/* A socket as the kernel's sock_diag(7) shows it. */
struct tcp_socket {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* the local address; IPv4 in the first 4 */
	uint16_t port;		/* the local port */
	bool listening;
	ino_t inode;
};

/* An address connected to, as a listener for it would show it. */
struct tcp_peer {
	int family;		/* AF_INET for an IPv4-mapped IPv6 address */
	uint8_t addr[16];	/* IPv4: the first 4 bytes */
	uint16_t port;
	bool any;		/* 0.0.0.0 or ::, which reach this machine */
};

/*
 * How well the listener s takes connections to p: 2 bound to its very
 * address (or p is the unspecified address), 1 to the wildcard, which the
 * kernel picks only when no socket is bound to the address itself, 0 not
 * at all.
 */
int tcp_match(const struct tcp_socket *s, const struct tcp_peer *p);

#endif
