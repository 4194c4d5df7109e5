/*
 * The readiness sources, and which of them is due. Events where the kernel
 * has them (the notify socket, the fd:N pipe, a pending connect, inotify on
 * a log file); probes at short, growing intervals where it has none
 * (connecting to a port nobody listens on yet, a path that does not exist
 * yet). notify.c, tcp.c and logwait.c hold each protocol; fd:N and path:
 * are small enough to live here.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "exitcodes.h"
#include "msg.h"
#include "options.h"
#include "path.h"
#include "ready.h"

#define PROBE_FIRST_MS	1
#define PROBE_MAX_MS	5		/* readiness noticed within this */
#define NOTIFY_BATCH	64		/* datagrams read per wake-up */

static void
src_init(struct ready_src *s, const struct wait_spec *w)
{
	memset(s, 0, sizeof(*s));
	s->spec = w;
	s->slot = s->pipe = -1;
	s->nap_ms = PROBE_FIRST_MS;
	tcp_init(&s->tcp);
	logwait_init(&s->log, &w->re);
}

static void
src_free(struct ready_src *s)
{
	if (s->pipe >= 0)
		close(s->pipe);
	tcp_free(&s->tcp);
	arena_free(s->path);
	logwait_free(&s->log);
}

/* --- fd:N ----------------------------------------------------------------- */

/* Some fd:N given wants descriptor fd. */
static bool
wanted(const struct ready *r, int fd)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->src[i].spec->kind == WAIT_FD && r->src[i].spec->fd == fd)
			return true;
	return false;
}

/*
 * fd moved to the lowest number no fd:N wants (else placing that one's
 * write end would close it); the new number, or -1 with errno.
 */
static int
unwanted(const struct ready *r, int fd)
{
	int to = fd;

	while (wanted(r, to)) {
		int from = to + 1;

		if (to != fd)
			close(to);
		if ((to = fcntl(fd, F_DUPFD_CLOEXEC, from)) == -1)
			return -1;
	}
	if (to != fd)
		close(fd);
	return to;
}

/* A pipe whose write end sits at N, so nothing opened later takes N. */
static int
prepare_fd(struct ready *r, struct ready_src *s)
{
	int fds[2], n = s->spec->fd, rd;

	if (pipe2(fds, O_CLOEXEC) == -1)
		goto fail;
	if ((rd = unwanted(r, fds[0])) == -1)
		goto fail_pipe;
	fds[0] = rd;
	if (fds[1] != n) {
		if (dup3(fds[1], n, O_CLOEXEC) == -1)
			goto fail_pipe;
		close(fds[1]);
	}
	/* Ours only: a line cut short must not block the loop. */
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1)
		goto fail_pipe;
	s->pipe = fds[0];
	r->child_fds[r->nchild_fds++] = n;
	return 0;
fail_pipe:
	close(fds[0]);
	close(fds[1]);
fail:
	msg("cannot create a pipe for --wait '%s': %s", s->spec->given,
	    strerror(errno));
	return EXIT_SETUP;
}

/* s6: a newline means ready; end of file before one means failure. */
static void
fd_update(struct ready *r, struct ready_src *s, const struct pollfd *p)
{
	char buf[512];
	ssize_t n;

	if (s->slot < 0 || p[s->slot].revents == 0)
		return;
	while ((n = read(s->pipe, buf, sizeof(buf))) > 0) {
		if (memchr(buf, '\n', (size_t)n) != NULL) {
			s->met = true;
			break;
		}
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;		/* no newline yet */
	if (!s->met) {
		r->failed = s;
		r->fail_errno = n == -1 ? errno : 0;
	}
	close(s->pipe);
	s->pipe = -1;
}

/* --- path: ---------------------------------------------------------------- */

static int
prepare_path(struct ready_src *s, const char *cwd)
{
	if ((s->path = path_absolute(s->spec->arg, cwd)) != NULL)
		return 0;
	if (errno == ENOENT)
		msg("cannot find the current directory for --wait '%s'",
		    s->spec->given);
	else
		msg("cannot resolve --wait '%s': %s", s->spec->given,
		    strerror(errno));
	return EXIT_SETUP;
}

/* A probe failed: try again a little later each time, up to the cap. */
static void
probe_later(struct ready_src *s, long long now)
{
	s->next_ms = now + s->nap_ms;
	if (s->nap_ms < PROBE_MAX_MS)
		s->nap_ms = s->nap_ms * 2 < PROBE_MAX_MS ? s->nap_ms * 2 :
		    PROBE_MAX_MS;
}

static void
path_update(struct ready_src *s, long long now)
{
	struct stat st;

	if (s->next_ms > now)
		return;
	/* lstat: a symbolic link the daemon makes counts, dangling or not. */
	if (lstat(s->path, &st) == 0)
		s->met = true;
	else
		probe_later(s, now);
}

/* --- the others, through their modules ------------------------------------ */

static void
tell_warden(void *arg, const char *path, bool dir)
{
	warden_path(arg, path, dir);
}

/*
 * One socket for every -w notify. The warden first, so that whatever
 * becomes of us from here on, nothing of the socket is left behind.
 */
static int
prepare_notify(struct ready *r)
{
	const struct launch *l = r->l;

	if (r->notify_fd >= 0)
		return 0;
	if (warden_start(&r->warden, l->pidfile) == -1) {
		msg("cannot fork: %s", strerror(errno));
		return EXIT_SETUP;
	}
	r->notify_fd = notify_open(&r->notify, notify_parent(), tell_warden,
	    &r->warden, l->opt->user != NULL, l->user.uid, l->user.gid);
	if (r->notify_fd == -1) {
		msg("cannot create the notify socket%s%s: %s",
		    r->notify.dir[0] != '\0' ? " in " : "", r->notify.dir,
		    strerror(errno));
		return EXIT_SETUP;
	}
	return 0;
}

static int
prepare_tcp(struct ready_src *s)
{
	int e = tcp_prepare(&s->tcp, s->spec->host, s->spec->port);

	if (e == 0)
		return 0;
	msg("cannot resolve '%s' for --wait '%s': %s", s->spec->host,
	    s->spec->given, e == EAI_SYSTEM ? strerror(errno) :
	    gai_strerror(e));
	return EXIT_SETUP;
}

static void
log_files(const struct launch *l, struct log_files *f)
{
	f->given[0] = l->opt->out;
	f->given[1] = l->opt->err;
	f->path[0] = l->out;
	f->path[1] = l->err;
	f->truncate = l->opt->truncate;
	f->relayed = l->opt->relay;
	f->stamped = l->opt->timestamps;
	f->as_user = l->opt->user != NULL;
}

static int
prepare_src(struct ready *r, struct ready_src *s, const char *cwd)
{
	struct log_files f;

	switch (s->spec->kind) {
	case WAIT_NOTIFY:
		return prepare_notify(r);
	case WAIT_FD:
		return 0;	/* ready_reserve() did it */
	case WAIT_TCP:
		return prepare_tcp(s);
	case WAIT_PATH:
		return prepare_path(s, cwd);
	case WAIT_LOG:
		log_files(r->l, &f);
		logwait_prepare(&s->log, &f);
		return 0;
	}
	return 0;
}

static void
tcp_update(struct ready *r, struct ready_src *s, const struct pollfd *p,
    long long now)
{
	struct tcp_owner o = { r->daemon, r->session };
	enum tcp_state st;

	if (s->tcp.fd >= 0)
		st = tcp_finish(&s->tcp, s->slot >= 0 ? p[s->slot].revents : 0,
		    now, &o);
	else if (s->next_ms <= now)
		st = tcp_connect(&s->tcp, now, &o);
	else
		return;
	if (st == TCP_UP)
		s->met = true;
	else if (st == TCP_DOWN)
		probe_later(s, now);
	else if (st == TCP_STRANGER)
		s->next_ms = now + TCP_STRANGER_NAP_MS;
}

static void
log_update(struct ready_src *s, const struct pollfd *p, long long now)
{
	bool probed = s->log.inotify < 0;
	bool woken = probed ? s->next_ms <= now :
	    s->slot >= 0 && p[s->slot].revents != 0;
	bool reads = woken || s->log.fresh;

	if (logwait_update(&s->log, woken))
		s->met = true;
	else if (reads && probed)
		probe_later(s, now);
}

/* --- notify --------------------------------------------------------------- */

static void
notify_apply(struct ready *r, const struct notify_msg *m, pid_t sender,
    long long now, long long *deadline)
{
	struct ready_src *notify = NULL;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->src[i].spec->kind != WAIT_NOTIFY)
			continue;
		notify = &r->src[i];
		if (m->ready)
			notify->met = true;
	}
	if (m->status != NULL && r->l->opt->verbose)
		msg("status: %.*s", (int)m->status_len, m->status);
	if (m->ready)
		r->ready_sender = sender;
	if (m->barrier)
		r->barrier = true;
	if (m->error > 0 && r->failed == NULL && notify != NULL) {
		r->failed = notify;
		r->fail_errno = m->error;
	}
	if (m->extend_usec >= 0 && now + m->extend_usec / 1000 > *deadline)
		*deadline = now + m->extend_usec / 1000;
}

void
ready_notify_read(struct ready *r, long long now, long long *deadline)
{
	char buf[NOTIFY_MAX];
	struct notify_msg m;
	size_t i;

	/* A bounded number a round: anyone may send to the socket. */
	for (i = 0; i < NOTIFY_BATCH; i++) {
		pid_t sender;
		ssize_t n = notify_recv(r->notify_fd, buf, sizeof(buf),
		    &sender);

		if (n < 0)
			break;
		if (notify_parse(buf, (size_t)n, &m) == 0 &&
		    notify_sender_ok(sender, r->daemon, r->session))
			notify_apply(r, &m, sender, now, deadline);
	}
}

/* --- the steps of a start ------------------------------------------------- */

void
ready_init(struct ready *r)
{
	memset(r, 0, sizeof(*r));
	r->notify_fd = r->notify_slot = -1;
	warden_init(&r->warden);
}

int
ready_reserve(struct ready *r, struct launch *l)
{
	const struct options *o = l->opt;
	size_t i;

	r->l = l;
	if (o->nwait == 0)
		return 0;
	r->src = calloc(o->nwait, sizeof(*r->src));
	r->child_fds = calloc(o->nwait, sizeof(*r->child_fds));
	if (r->src == NULL || r->child_fds == NULL) {
		msg("cannot wait: %s", strerror(errno));
		return EXIT_SETUP;
	}
	for (r->n = 0; r->n < o->nwait; r->n++)
		src_init(&r->src[r->n], &o->wait[r->n]);
	for (i = 0; i < r->n; i++) {
		int rc;

		if (r->src[i].spec->kind == WAIT_FD &&
		    (rc = prepare_fd(r, &r->src[i])) != 0)
			return rc;
	}
	l->ready_fds = r->child_fds;
	l->nready_fds = r->nchild_fds;
	return 0;
}

int
ready_prepare(struct ready *r, const char *cwd)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		int rc = prepare_src(r, &r->src[i], cwd);

		if (rc != 0)
			return rc;
	}
	if (r->notify_fd >= 0)
		r->l->notify_env = r->notify.env;
	return 0;
}

void
ready_forked(struct ready *r)
{
	size_t i;

	for (i = 0; i < r->nchild_fds; i++)
		close(r->child_fds[i]);
	r->nchild_fds = 0;
}

int
ready_arm(struct ready *r, pid_t daemon, pid_t session)
{
	struct log_files f;
	size_t i;

	r->daemon = daemon;
	r->session = session;
	log_files(r->l, &f);
	for (i = 0; i < r->n; i++)
		if (r->src[i].spec->kind == WAIT_LOG &&
		    logwait_arm(&r->src[i].log, &f, daemon) == -1)
			return EXIT_SETUP;
	return 0;
}

size_t
ready_nfds(const struct ready *r)
{
	return r->n + 1;
}

/* What poll watches for s, or -1: then it is probed, if at all. */
static int
src_fd(const struct ready_src *s)
{
	switch (s->spec->kind) {
	case WAIT_FD:
		return s->pipe;
	case WAIT_TCP:
		return s->tcp.fd;
	case WAIT_LOG:
		return s->log.inotify;
	default:
		return -1;
	}
}

static void
src_wake(const struct ready_src *s, long long now, long long *wake_ms)
{
	enum wait_kind k = s->spec->kind;

	if (k == WAIT_TCP && s->tcp.fd >= 0 &&
	    s->tcp.since_ms + TCP_CONNECT_MAX_MS < *wake_ms)
		*wake_ms = s->tcp.since_ms + TCP_CONNECT_MAX_MS;
	if (src_fd(s) < 0 && (k == WAIT_TCP || k == WAIT_PATH ||
	    k == WAIT_LOG) && s->next_ms < *wake_ms)
		*wake_ms = s->next_ms < now ? now : s->next_ms;
	if (k == WAIT_LOG && s->log.fresh)
		*wake_ms = now;
}

size_t
ready_poll(struct ready *r, struct pollfd *p, long long now, long long *wake_ms)
{
	size_t i, n = 0;

	r->notify_slot = -1;
	if (r->notify_fd >= 0) {
		r->notify_slot = (int)n;
		p[n++] = (struct pollfd){ .fd = r->notify_fd, .events = POLLIN };
	}
	for (i = 0; i < r->n; i++) {
		struct ready_src *s = &r->src[i];
		int fd = src_fd(s);

		s->slot = -1;
		if (s->met)
			continue;
		if (fd >= 0) {
			s->slot = (int)n;
			p[n++] = (struct pollfd){ .fd = fd, .events =
			    s->spec->kind == WAIT_TCP ? POLLOUT : POLLIN };
		}
		src_wake(s, now, wake_ms);
	}
	return n;
}

static void
src_update(struct ready *r, struct ready_src *s, const struct pollfd *p,
    long long now)
{
	switch (s->spec->kind) {
	case WAIT_NOTIFY:
		break;		/* the socket is read for all of them */
	case WAIT_FD:
		fd_update(r, s, p);
		break;
	case WAIT_TCP:
		tcp_update(r, s, p, now);
		break;
	case WAIT_PATH:
		path_update(s, now);
		break;
	case WAIT_LOG:
		log_update(s, p, now);
		break;
	}
}

enum ready_state
ready_update(struct ready *r, const struct pollfd *p, long long now,
    long long *deadline_ms)
{
	size_t i;

	if (r->notify_slot >= 0 && p[r->notify_slot].revents != 0)
		ready_notify_read(r, now, deadline_ms);
	for (i = 0; i < r->n && r->failed == NULL; i++)
		if (!r->src[i].met)
			src_update(r, &r->src[i], p, now);
	if (r->failed != NULL)
		return READY_FAILED;
	for (i = 0; i < r->n; i++)
		if (!r->src[i].met)
			return READY_WAITING;
	/* Should we die from here on, the daemon stays: it is ready. */
	if (!r->spared) {
		warden_spare(&r->warden);
		r->spared = true;
	}
	return READY_MET;
}

void
ready_explain(const struct ready *r)
{
	const char *cmd = r->l->opt->argv[0];
	const struct wait_spec *w;

	if (r->failed == NULL)
		return;
	w = r->failed->spec;
	if (w->kind == WAIT_FD && r->fail_errno == 0)
		msg("'%s' closed descriptor %d before it was ready", cmd,
		    w->fd);
	else if (w->kind == WAIT_FD)
		msg("cannot read --wait '%s': %s", w->given,
		    strerror(r->fail_errno));
	else
		msg("'%s' reported failure: %s", cmd, strerror(r->fail_errno));
}

void
ready_free(struct ready *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		src_free(&r->src[i]);
	ready_forked(r);
	notify_close(&r->notify, r->notify_fd);
	/* After the socket is gone, so nothing is left at any moment. */
	warden_end(&r->warden);
	free(r->src);
	free(r->child_fds);
	ready_init(r);
}
