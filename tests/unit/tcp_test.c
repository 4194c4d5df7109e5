/* tcp.c: which listener takes a connection to an address of ours. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "../../src/tcp.h"
#include "unit.h"

static const struct {
	const char *listener;	/* address as bound */
	int port;
	bool listening;
	const char *peer;	/* address connected to */
	int peer_port;
	int match;
} cases[] = {
	{ "127.0.0.1", 80, true, "127.0.0.1", 80, 2 },
	{ "127.0.0.1", 80, true, "127.0.0.1", 81, 0 },
	{ "127.0.0.1", 80, false, "127.0.0.1", 80, 0 },
	{ "127.0.0.2", 80, true, "127.0.0.1", 80, 0 },
	{ "0.0.0.0", 80, true, "127.0.0.1", 80, 1 },
	{ "0.0.0.0", 80, true, "192.0.2.7", 80, 1 },
	{ "192.0.2.7", 80, true, "192.0.2.7", 80, 2 },
	{ "192.0.2.7", 80, true, "127.0.0.1", 80, 0 },
	/* IPv6 listeners */
	{ "::1", 80, true, "::1", 80, 2 },
	{ "::", 80, true, "::1", 80, 1 },
	{ "::1", 80, true, "127.0.0.1", 80, 0 },
	{ "::", 80, true, "127.0.0.1", 80, 1 },	/* dual-stack */
	{ "::ffff:127.0.0.1", 80, true, "127.0.0.1", 80, 2 },
	{ "::ffff:127.0.0.2", 80, true, "127.0.0.1", 80, 0 },
	{ "0.0.0.0", 80, true, "::1", 80, 0 },
	/* An IPv4-mapped address connected to is IPv4. */
	{ "127.0.0.1", 80, true, "::ffff:127.0.0.1", 80, 2 },
	/* The unspecified address reaches whatever listens on the port. */
	{ "127.0.0.1", 80, true, "0.0.0.0", 80, 2 },
	{ "::1", 80, true, "::", 80, 2 },
	{ "::1", 81, true, "::", 80, 0 },
};

static void
to_socket(const char *a, int port, bool listening, struct tcp_socket *s)
{
	memset(s, 0, sizeof(*s));
	s->family = strchr(a, ':') != NULL ? AF_INET6 : AF_INET;
	inet_pton(s->family, a, s->addr);
	s->port = (uint16_t)port;
	s->listening = listening;
}

static void
to_peer(const char *a, int port, struct tcp_peer *p)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint8_t b[16] = { 0 };
	size_t i;

	memset(p, 0, sizeof(*p));
	p->family = strchr(a, ':') != NULL ? AF_INET6 : AF_INET;
	inet_pton(p->family, a, b);
	if (p->family == AF_INET6 && memcmp(b, v4mapped, 12) == 0) {
		p->family = AF_INET;
		memmove(b, b + 12, 4);
		memset(b + 4, 0, 12);
	}
	memcpy(p->addr, b, 16);
	p->port = (uint16_t)port;
	p->any = true;
	for (i = 0; i < 16; i++)
		p->any = p->any && b[i] == 0;
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcp_socket s;
		struct tcp_peer p;
		int m;

		to_socket(cases[i].listener, cases[i].port, cases[i].listening,
		    &s);
		to_peer(cases[i].peer, cases[i].peer_port, &p);
		m = tcp_match(&s, &p);
		unit_check(m == cases[i].match,
		    "tcp_match: %s %s:%d for %s:%d: %d (want %d)",
		    cases[i].listening ? "listener" : "socket",
		    cases[i].listener, cases[i].port, cases[i].peer,
		    cases[i].peer_port, m, cases[i].match);
	}
	return unit_done();
}
