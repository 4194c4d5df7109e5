/*
 * The event loop: each round polls the sources whose event matters in the
 * current state, then takes what came, event by event in the order of
 * their numbers, each through the table.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "arena.h"
#include "clock.h"
#include "loop.h"

void
loop_init(struct loop *lp, const loop_action *table, int nstates,
    int nevents, int state, void *ctx)
{
	memset(lp, 0, sizeof(*lp));
	lp->table = table;
	lp->nstates = nstates;
	lp->nevents = nevents;
	lp->state = state;
	lp->ctx = ctx;
}

static loop_action
action_of(const struct loop *lp, int event)
{
	if (event < 0 || event >= lp->nevents)
		return NULL;
	return lp->table[lp->state * lp->nevents + event];
}

/*
 * A free slot, reused so handles stay small and stable. The tables come
 * from the arena: a resident supervisor keeps its loop for life.
 */
static struct loop_src *
new_src(struct loop *lp, int *handle)
{
	size_t i;

	for (i = 0; i < lp->nsrc && lp->src[i].used; i++)
		;
	if (i == lp->cap) {
		size_t cap = lp->cap != 0 ? lp->cap * 2 : 8;
		struct loop_src *s = arena_grow(lp->src, lp->cap, cap,
		    sizeof(*s));

		if (s == NULL)
			return NULL;
		lp->src = s;
		lp->cap = cap;
	}
	if (i == lp->nsrc)
		lp->nsrc++;
	memset(&lp->src[i], 0, sizeof(lp->src[i]));
	lp->src[i].used = true;
	lp->src[i].fd = -1;
	lp->src[i].when = LLONG_MAX;
	*handle = (int)i;
	return &lp->src[i];
}

int
loop_add(struct loop *lp, enum loop_kind kind, int fd, int event,
    void *data)
{
	struct loop_src *s;
	int h;

	if ((s = new_src(lp, &h)) == NULL)
		return -1;
	s->kind = kind;
	s->fd = kind == LOOP_TIME ? -1 : fd;
	s->event = event;
	s->data = data;
	return h;
}

int
loop_add_group(struct loop *lp, const struct loop_group *g, int event,
    void *data)
{
	int h = loop_add(lp, LOOP_GROUP, -1, event, data);

	if (h >= 0)
		lp->src[h].group = g;
	return h;
}

void
loop_set_time(struct loop *lp, int src, long long when_ms)
{
	if (src >= 0 && (size_t)src < lp->nsrc)
		lp->src[src].when = when_ms;
}

void
loop_remove(struct loop *lp, int src)
{
	if (src >= 0 && (size_t)src < lp->nsrc)
		lp->src[src].used = false;
	while (lp->nsrc > 0 && !lp->src[lp->nsrc - 1].used)
		lp->nsrc--;
}

/* Room for this round's pollfds; false with errno if there is none. */
static bool
reserve(struct loop *lp)
{
	size_t need = 0, i;

	for (i = 0; i < lp->nsrc; i++) {
		struct loop_src *s = &lp->src[i];

		if (!s->used || action_of(lp, s->event) == NULL ||
		    s->kind == LOOP_TIME)
			continue;
		need += s->kind == LOOP_GROUP ? s->group->nfds(s->data) : 1;
	}
	if (need > lp->npfd_cap) {
		/* One a source at least: the arena does not reuse room. */
		size_t cap = need > lp->cap ? need : lp->cap;
		struct pollfd *p = arena_grow(lp->pfd, lp->npfd_cap, cap,
		    sizeof(*p));

		if (p == NULL)
			return false;
		lp->pfd = p;
		lp->npfd_cap = cap;
	}
	return true;
}

/* Fill the pollfds of the sources that matter now; *wake: the earliest time. */
static size_t
arm(struct loop *lp, long long now, long long *wake)
{
	size_t n = 0, i;

	for (i = 0; i < lp->nsrc; i++) {
		struct loop_src *s = &lp->src[i];

		s->armed = s->used && action_of(lp, s->event) != NULL;
		s->first = n;
		s->n = 0;
		if (!s->armed)
			continue;
		if (s->kind == LOOP_GROUP) {
			s->when = LLONG_MAX;
			s->n = s->group->fill(s->data, lp->pfd + n, now,
			    &s->when);
		} else if (s->kind != LOOP_TIME) {
			/* poll(2) always reports POLLHUP and POLLERR. */
			lp->pfd[n] = (struct pollfd){ .fd = s->fd,
			    .events = s->kind == LOOP_HUP ? 0 : POLLIN };
			s->n = 1;
		}
		if (s->kind == LOOP_TIME || s->kind == LOOP_GROUP)
			*wake = s->when < *wake ? s->when : *wake;
		n += s->n;
	}
	return n;
}

static int
timeout_ms(long long now, long long wake)
{
	if (wake == LLONG_MAX)
		return -1;
	if (wake <= now)
		return 0;
	return wake - now > INT_MAX ? INT_MAX : (int)(wake - now);
}

static short
revents_of(const struct loop *lp, const struct loop_src *s)
{
	short r = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		r |= lp->pfd[s->first + i].revents;
	return r;
}

/*
 * Whether source s brings an event this round; what the loop reads for
 * it (a signal, a timer's count) goes into ev.
 */
static bool
take(struct loop *lp, struct loop_src *s, struct loop_event *ev)
{
	ev->revents = revents_of(lp, s);
	switch (s->kind) {
	case LOOP_FD:
	case LOOP_HUP:
		return ev->revents != 0;
	case LOOP_SIGNAL: {
		struct signalfd_siginfo si;

		if (ev->revents == 0 ||
		    read(s->fd, &si, sizeof(si)) != sizeof(si))
			return false;
		ev->signo = (int)si.ssi_signo;
		ev->code = si.ssi_code;
		return true;
	}
	case LOOP_TIMER:
		return ev->revents != 0 &&
		    read(s->fd, &ev->ticks, sizeof(ev->ticks)) ==
		    sizeof(ev->ticks);
	case LOOP_TIME:
		if (s->when > ev->now)
			return false;
		s->when = LLONG_MAX;	/* once */
		return true;
	case LOOP_GROUP:
		ev->pfd = lp->pfd + s->first;
		ev->npfd = s->n;
		return ev->revents != 0 || s->when <= ev->now;
	}
	return false;
}

/*
 * Source i's event, if it brings one and still matters in the state the
 * actions before it left. 1: go on; 0 and *code: an action ended the
 * loop; -1: an action returned no state.
 */
static int
dispatch_one(struct loop *lp, size_t i, long long now, int *code)
{
	struct loop_src *s = &lp->src[i];
	struct loop_event ev = { .loop = lp, .src = (int)i, .fd = -1,
	    .now = now };
	loop_action act;
	int next;

	if (!s->used || !s->armed || (act = action_of(lp, s->event)) == NULL)
		return 1;
	ev.state = lp->state;
	ev.event = s->event;
	ev.data = s->data;
	ev.fd = s->fd;
	if (!take(lp, s, &ev))
		return 1;
	next = act(lp->ctx, &ev);
	if (next < 0) {
		*code = -1 - next;
		return 0;
	}
	if (next >= lp->nstates) {
		errno = EINVAL;
		return -1;
	}
	lp->state = next;
	return 1;
}

/* Events by their numbers; of one event, sources by their handles. */
static int
dispatch(struct loop *lp, long long now, int *code)
{
	size_t nsrc = lp->nsrc, i;
	int e, rc;

	for (e = 0; e < lp->nevents; e++) {
		for (i = 0; i < nsrc && i < lp->nsrc; i++) {
			if (lp->src[i].event != e)
				continue;
			if ((rc = dispatch_one(lp, i, now, code)) != 1)
				return rc;
		}
	}
	return 1;
}

int
loop_run(struct loop *lp)
{
	for (;;) {
		long long now = clock_ms(), wake = LLONG_MAX;
		size_t n;
		int code, rc;

		if (!reserve(lp))
			return -1;
		n = arm(lp, now, &wake);
		if (n == 0 && wake == LLONG_MAX) {
			errno = EDEADLK;
			return -1;
		}
		if (poll(lp->pfd, n, timeout_ms(now, wake)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((rc = dispatch(lp, clock_ms(), &code)) == 0)
			return code;
		if (rc == -1)
			return -1;
	}
}

void
loop_free(struct loop *lp)
{
	arena_free(lp->src);
	arena_free(lp->pfd);
	lp->src = NULL;
	lp->pfd = NULL;
	lp->nsrc = lp->cap = lp->npfd_cap = 0;
}
