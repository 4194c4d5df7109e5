/*
 * The readiness sources. Events where the kernel has them (the notify
 * socket, the fd:N pipe, a pending connect, inotify on a log file);
 * probes at short, growing intervals where it has none (connecting to a
 * port nobody listens on yet, a path that does not exist yet).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>


#include "exitcodes.h"
#include "msg.h"
#include "num.h"
#include "options.h"
#include "path.h"
#include "proc.h"
#include "ready.h"
#include "stamp.h"

#define PROBE_FIRST_MS	1
#define PROBE_MAX_MS	5		/* readiness noticed within this */
#define CONNECT_MAX_MS	1000		/* a connect pending longer is retried */
#define NOTIFY_MAX	4096		/* longer datagrams are ignored */
#define LINE_MAX_LEN	65536		/* longer log lines cannot match */
#define NOTIFY_BATCH	64		/* datagrams read per wake-up */

static void
src_init(struct ready_src *s, const struct wait_spec *w)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->spec = w;
	s->fd = s->slot = -1;
	s->nap_ms = PROBE_FIRST_MS;
	for (i = 0; i < LOG_FILES_MAX; i++)
		s->log[i].fd = -1;
}

/*
 * Where the notify socket's private directory goes: somewhere others
 * cannot write, so nobody can take its name once it is removed.
 */
static const char *
notify_parent(void)
{
	const char *dir;

	if (geteuid() == 0)
		return access("/run", W_OK) == 0 ? "/run" : "/tmp";
	if ((dir = getenv("XDG_RUNTIME_DIR")) != NULL && dir[0] == '/')
		return dir;
	if ((dir = getenv("TMPDIR")) != NULL && dir[0] == '/')
		return dir;
	return "/tmp";
}

/* The directory, 0700; with -u, 0711 and the socket the user's alone. */
static int
notify_mkdir(struct ready *r, const char *parent)
{
	int n;

	n = snprintf(r->notify_dir, sizeof(r->notify_dir),
	    "%s/daemonize.XXXXXX", parent);
	if (n < 0 || (size_t)n >= sizeof(r->notify_dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdtemp(r->notify_dir) == NULL) {
		r->notify_dir[0] = '\0';
		return -1;
	}
	if (r->l->opt->user != NULL && chmod(r->notify_dir, 0711) == -1)
		return -1;
	n = snprintf(r->notify_path, sizeof(r->notify_path), "%s/notify",
	    r->notify_dir);
	return n < 0 || (size_t)n >= sizeof(r->notify_path) ? -1 : 0;
}

static int
notify_bind(struct ready *r)
{
	const struct launch *l = r->l;
	struct sockaddr_un sa;
	int one = 1;

	if (strlen(r->notify_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, r->notify_path);
	r->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (r->notify_fd == -1 ||
	    setsockopt(r->notify_fd, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) == -1 ||
	    bind(r->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		return -1;
	r->notify_bound = true;
	/* Connecting takes write permission on the socket. */
	if (chmod(r->notify_path, 0600) == -1 || (l->opt->user != NULL &&
	    chown(r->notify_path, l->user.uid, l->user.gid) == -1))
		return -1;
	return 0;
}

/*
 * A pathname socket in a private directory, both removed when the start
 * ends (ready_free), so the daemon's later messages reach nobody; an
 * abstract name could be taken by anyone once we are gone.
 */
static int
prepare_notify(struct ready *r)
{
	if (r->notify_fd >= 0)
		return 0;
	if (notify_mkdir(r, notify_parent()) == -1 || notify_bind(r) == -1) {
		msg("cannot create the notify socket%s%s: %s",
		    r->notify_dir[0] != '\0' ? " in " : "", r->notify_dir,
		    strerror(errno));
		return EXIT_SETUP;
	}
	snprintf(r->notify_env, sizeof(r->notify_env), "NOTIFY_SOCKET=%s",
	    r->notify_path);
	return 0;
}

/* A pipe whose write end sits at N, so nothing opened later takes N. */
static int
prepare_fd(struct ready *r, struct ready_src *s)
{
	int fds[2], n = s->spec->fd, moved;

	if (pipe2(fds, O_CLOEXEC) == -1)
		goto fail;
	if (fds[0] == n) {
		if ((moved = fcntl(fds[0], F_DUPFD_CLOEXEC, n + 1)) == -1)
			goto fail_pipe;
		close(fds[0]);
		fds[0] = moved;
	}
	if (fds[1] != n) {
		if (dup3(fds[1], n, O_CLOEXEC) == -1)
			goto fail_pipe;
		close(fds[1]);
	}
	/* Ours only: a line cut short must not block the loop. */
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1)
		goto fail_pipe;
	s->fd = fds[0];
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

static int
prepare_tcp(struct ready_src *s)
{
	struct addrinfo hints;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	e = getaddrinfo(s->spec->host, s->spec->port, &hints, &s->addrs);
	if (e != 0) {
		msg("cannot resolve '%s' for --wait '%s': %s", s->spec->host,
		    s->spec->given, e == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(e));
		return EXIT_SETUP;
	}
	s->addr = s->addrs;
	return 0;
}

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

/* Lines written before this start do not count: note where the logs end. */
static void
prepare_logs(struct ready *r)
{
	const char *file[LOG_FILES_MAX] = { r->l->out, r->l->err };
	struct stat st;
	size_t i;

	for (i = 0; i < LOG_FILES_MAX; i++) {
		r->log_start[i] = 0;
		if (file[i] != NULL && !r->l->opt->truncate &&
		    stat(file[i], &st) == 0 && S_ISREG(st.st_mode))
			r->log_start[i] = st.st_size;
	}
}

static int
prepare_src(struct ready *r, struct ready_src *s, const char *cwd)
{
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
		prepare_logs(r);
		return 0;
	}
	return 0;
}

void
ready_init(struct ready *r)
{
	memset(r, 0, sizeof(*r));
	r->notify_fd = r->notify_slot = -1;
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
		r->l->notify_env = r->notify_env;
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

/*
 * The daemon's own log, opened anew through /proc: the very file it
 * writes, whatever has become of the path, and with -u, no path a user
 * could steer to a file the user may not read.
 */
static int
open_log(struct ready *r, struct log_reader *lr, int stream, off_t start)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)r->daemon,
	    stream);
	lr->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (lr->fd == -1)
		return -1;
	lr->offset = start;
	return 0;
}

/* Only when the file is gone does the probe interval stand in for it. */
static void
watch_log(struct ready_src *s)
{
	char path[64];
	size_t i;

	s->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	for (i = 0; s->fd >= 0 && i < LOG_FILES_MAX; i++) {
		if (s->log[i].fd < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", s->log[i].fd);
		if (inotify_add_watch(s->fd, path, IN_MODIFY) == -1) {
			close(s->fd);
			s->fd = -1;
		}
	}
}

static int
arm_log(struct ready *r, struct ready_src *s)
{
	const struct launch *l = r->l;
	const char *given[LOG_FILES_MAX] = { l->opt->out, l->opt->err };
	bool shared = l->out != NULL && l->err != NULL &&
	    strcmp(l->out, l->err) == 0;
	/*
	 * By name, a link is followed only where no other user could have
	 * put it there since: the supervisor of a relayed log without -u.
	 */
	int nofollow = l->opt->relay && l->opt->user == NULL ? 0 : O_NOFOLLOW;
	size_t i;

	for (i = 0; i < LOG_FILES_MAX; i++) {
		if (given[i] == NULL || (i == 1 && shared))
			continue;
		/*
		 * Relayed (--timestamps, --log-size), the command's stdout and
		 * stderr are pipes, and the supervisor writes the file: it is
		 * found by its name, as when the daemon is not ours to look into.
		 */
		if (!l->opt->relay) {
			if (open_log(r, &s->log[i], (int)i + 1,
			    r->log_start[i]) == 0)
				continue;
			/* Gone already: the watch notices its exit. */
			if (errno == ENOENT)
				continue;
		}
		/* Not ours to look into (it made itself non-dumpable). */
		s->log[i].fd = open(i == 0 ? l->out : l->err, O_RDONLY |
		    nofollow | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (s->log[i].fd == -1) {
			msg("cannot read log file '%s': %s", given[i],
			    strerror(errno));
			return EXIT_SETUP;
		}
		s->log[i].offset = r->log_start[i];
	}
	watch_log(s);
	s->fresh = true;	/* lines written before the watch began */
	return 0;
}

int
ready_arm(struct ready *r, pid_t daemon, pid_t session)
{
	size_t i;
	int rc;

	r->daemon = daemon;
	r->session = session;
	for (i = 0; i < r->n; i++) {
		if (r->src[i].spec->kind != WAIT_LOG)
			continue;
		if ((rc = arm_log(r, &r->src[i])) != 0)
			return rc;
	}
	return 0;
}

size_t
ready_nfds(const struct ready *r)
{
	return r->n + 1;
}

static bool
is_probed(const struct ready_src *s)
{
	return !s->met && s->fd < 0 && (s->spec->kind == WAIT_TCP ||
	    s->spec->kind == WAIT_PATH || s->spec->kind == WAIT_LOG);
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

		s->slot = -1;
		if (!s->met && s->fd >= 0) {
			s->slot = (int)n;
			p[n++] = (struct pollfd){ .fd = s->fd, .events =
			    s->spec->kind == WAIT_TCP ? POLLOUT : POLLIN };
		}
		if (s->spec->kind == WAIT_TCP && s->fd >= 0 &&
		    s->since_ms + CONNECT_MAX_MS < *wake_ms)
			*wake_ms = s->since_ms + CONNECT_MAX_MS;
		if (is_probed(s) && s->next_ms < *wake_ms)
			*wake_ms = s->next_ms < now ? now : s->next_ms;
		if (s->fresh)
			*wake_ms = now;
	}
	return n;
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
tcp_close(struct ready_src *s, long long now)
{
	close(s->fd);
	s->fd = -1;
	s->addr = s->addr->ai_next != NULL ? s->addr->ai_next : s->addrs;
	probe_later(s, now);
}

static void
tcp_connect(struct ready_src *s, long long now)
{
	const struct addrinfo *a = s->addr;

	s->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, a->ai_protocol);
	if (s->fd == -1) {
		probe_later(s, now);
		return;
	}
	if (connect(s->fd, a->ai_addr, a->ai_addrlen) == 0) {
		s->met = true;
		close(s->fd);
		s->fd = -1;
	} else if (errno == EINPROGRESS) {
		s->since_ms = now;
	} else {
		tcp_close(s, now);
	}
}

static void
tcp_update(struct ready_src *s, const struct pollfd *p, long long now)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (s->fd < 0) {
		if (s->next_ms <= now)
			tcp_connect(s, now);
		return;
	}
	if (s->slot >= 0 && p[s->slot].revents != 0) {
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		    err == 0) {
			s->met = true;
			close(s->fd);
			s->fd = -1;
			return;
		}
		tcp_close(s, now);
	} else if (now - s->since_ms >= CONNECT_MAX_MS) {
		tcp_close(s, now);
	}
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

/* s6: a newline means ready; end of file before one means failure. */
static void
fd_update(struct ready *r, struct ready_src *s, const struct pollfd *p)
{
	char buf[512];
	ssize_t n;

	if (s->slot < 0 || p[s->slot].revents == 0)
		return;
	while ((n = read(s->fd, buf, sizeof(buf))) > 0) {
		if (memchr(buf, '\n', (size_t)n) != NULL) {
			s->met = true;
			break;
		}
	}
	if (n == -1)
		return;		/* EAGAIN: no newline yet */
	if (n == 0 && !s->met) {
		r->failed = s;
		r->fail_errno = 0;
	}
	if (s->met || n == 0) {
		close(s->fd);
		s->fd = -1;
	}
}

/*
 * Match the complete lines in buf; keep a partial last line. A stamped
 * line (--timestamps) is matched without its stamp.
 */
static bool
log_lines(struct ready_src *s, struct log_reader *lr, const char *buf,
    size_t len, bool stamped)
{
	const char *nl;

	while (len > 0) {
		size_t take;
		bool whole;

		nl = memchr(buf, '\n', len);
		take = nl != NULL ? (size_t)(nl - buf) : len;
		whole = nl != NULL;
		if (!lr->skipping && lr->len + take <= LINE_MAX_LEN) {
			char *p = realloc(lr->line, lr->len + take + 1);

			if (p == NULL)
				return false;
			lr->line = p;
			memcpy(lr->line + lr->len, buf, take);
			lr->len += take;
			lr->line[lr->len] = '\0';
		} else {
			lr->skipping = true;
		}
		if (whole) {
			size_t skip = stamped && !lr->skipping ?
			    stamp_prefix(lr->line, lr->len) : 0;

			if (!lr->skipping && strlen(lr->line) == lr->len &&
			    regexec(&s->spec->re, lr->line + skip, 0, NULL,
			    0) == 0)
				return true;
			lr->len = 0;
			lr->skipping = false;
			take++;
		}
		buf += take;
		len -= take;
	}
	return false;
}

static bool
log_read(struct ready_src *s, struct log_reader *lr, bool stamped)
{
	char buf[4096];
	struct stat st;
	ssize_t n;

	if (fstat(lr->fd, &st) == 0 && st.st_size < lr->offset)
		lr->offset = 0;		/* truncated since */
	while ((n = pread(lr->fd, buf, sizeof(buf), lr->offset)) > 0) {
		lr->offset += n;
		if (log_lines(s, lr, buf, (size_t)n, stamped))
			return true;
	}
	return false;
}

static void
log_update(struct ready_src *s, const struct pollfd *p, long long now,
    bool stamped)
{
	size_t i;

	if (s->fd >= 0) {
		char events[4096];

		if (!s->fresh && (s->slot < 0 || p[s->slot].revents == 0))
			return;
		while (read(s->fd, events, sizeof(events)) > 0)
			;
	} else if (!s->fresh && s->next_ms > now) {
		return;
	}
	s->fresh = false;
	for (i = 0; i < LOG_FILES_MAX && !s->met; i++)
		if (s->log[i].fd >= 0 && log_read(s, &s->log[i], stamped))
			s->met = true;
	if (s->fd < 0 && !s->met)
		probe_later(s, now);
}

/*
 * The sender rule: the daemon itself, or a process still alive when its
 * message is read and in the daemon's session.
 */
static bool
sender_ok(const struct ready *r, pid_t pid)
{
	struct proc_stat daemon, sender;
	pid_t session = r->session;

	if (pid == r->daemon)
		return true;
	if (proc_stat(r->daemon, &daemon) == 0)
		session = daemon.session;
	return proc_stat(pid, &sender) == 0 && sender.state != 'Z' &&
	    sender.state != 'X' && sender.session == session;
}

/* Descriptors passed with a message (BARRIER=1) are closed unread. */
static pid_t
take_control(struct msghdr *mh)
{
	struct cmsghdr *c;
	pid_t pid = 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			pid = uc.pid;
		} else if (c->cmsg_type == SCM_RIGHTS) {
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fd;

			while (n-- > 0) {
				memcpy(&fd, CMSG_DATA(c) + n * sizeof(int),
				    sizeof(fd));
				close(fd);
			}
		}
	}
	return pid;
}

/* The daemon's words reach a terminal: no control characters. */
static void
show_status(const char *text)
{
	char clean[NOTIFY_MAX + 1];
	size_t i;

	for (i = 0; i < NOTIFY_MAX && text[i] != '\0'; i++)
		clean[i] = (unsigned char)text[i] < 0x20 ||
		    text[i] == 0x7f ? '?' : text[i];
	clean[i] = '\0';
	msg("status: %s", clean);
}

static void
notify_line(struct ready *r, const char *line, pid_t sender, long long now,
    long long *deadline)
{
	const char *why;
	long long v;

	if (strcmp(line, "READY=1") == 0) {
		size_t i;

		for (i = 0; i < r->n; i++)
			if (r->src[i].spec->kind == WAIT_NOTIFY)
				r->src[i].met = true;
		r->ready_sender = sender;
	} else if (strcmp(line, "BARRIER=1") == 0) {
		r->barrier = true;
	} else if (strncmp(line, "STATUS=", 7) == 0) {
		if (r->l->opt->verbose)
			show_status(line + 7);
	} else if (strncmp(line, "ERRNO=", 6) == 0) {
		if (num_parse(line + 6, 1, INT_MAX, &v, &why) == 0 &&
		    r->failed == NULL) {
			size_t i;

			for (i = 0; i < r->n; i++)
				if (r->src[i].spec->kind == WAIT_NOTIFY)
					r->failed = &r->src[i];
			r->fail_errno = (int)v;
		}
	} else if (strncmp(line, "EXTEND_TIMEOUT_USEC=", 20) == 0) {
		if (num_parse(line + 20, 0, LLONG_MAX, &v, &why) == 0 &&
		    now + v / 1000 > *deadline)
			*deadline = now + v / 1000;
	}
}

static void
notify_message(struct ready *r, char *buf, size_t len, pid_t sender,
    long long now, long long *deadline)
{
	char *line, *save;

	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		notify_line(r, line, sender, now, deadline);
}

void
ready_notify_read(struct ready *r, long long now, long long *deadline)
{
	char buf[NOTIFY_MAX + 1];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(253 * sizeof(int))];	/* SCM_MAX_FD */
	} control;
	struct iovec iov = { buf, NOTIFY_MAX };
	struct msghdr mh;
	size_t i;
	pid_t pid;

	/* A bounded number a round: anyone may send to the socket. */
	for (i = 0; i < NOTIFY_BATCH; i++) {
		ssize_t n;

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		n = recvmsg(r->notify_fd, &mh, MSG_DONTWAIT | MSG_TRUNC |
		    MSG_CMSG_CLOEXEC);
		if (n < 0)
			break;
		pid = take_control(&mh);
		if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > NOTIFY_MAX ||
		    memchr(buf, '\0', (size_t)n) != NULL || pid <= 0 ||
		    !sender_ok(r, pid))
			continue;
		notify_message(r, buf, (size_t)n, pid, now, deadline);
	}
}

static void
notify_update(struct ready *r, const struct pollfd *p, long long now,
    long long *deadline)
{
	if (r->notify_slot >= 0 && p[r->notify_slot].revents != 0)
		ready_notify_read(r, now, deadline);
}

enum ready_state
ready_update(struct ready *r, const struct pollfd *p, long long now,
    long long *deadline_ms)
{
	bool all = true;
	size_t i;

	notify_update(r, p, now, deadline_ms);
	for (i = 0; i < r->n && r->failed == NULL; i++) {
		struct ready_src *s = &r->src[i];

		if (s->met)
			continue;
		switch (s->spec->kind) {
		case WAIT_NOTIFY:
			break;
		case WAIT_FD:
			fd_update(r, s, p);
			break;
		case WAIT_TCP:
			tcp_update(s, p, now);
			break;
		case WAIT_PATH:
			path_update(s, now);
			break;
		case WAIT_LOG:
			log_update(s, p, now, r->l->opt->timestamps);
			break;
		}
	}
	if (r->failed != NULL)
		return READY_FAILED;
	for (i = 0; i < r->n; i++)
		all = all && r->src[i].met;
	return all ? READY_MET : READY_WAITING;
}

void
ready_explain(const struct ready *r)
{
	const char *cmd = r->l->opt->argv[0];

	if (r->failed == NULL)
		return;
	if (r->failed->spec->kind == WAIT_FD)
		msg("'%s' closed descriptor %d before it was ready", cmd,
		    r->failed->spec->fd);
	else
		msg("'%s' reported failure: %s", cmd, strerror(r->fail_errno));
}

void
ready_free(struct ready *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		struct ready_src *s = &r->src[i];

		if (s->fd >= 0)
			close(s->fd);
		if (s->addrs != NULL)
			freeaddrinfo(s->addrs);
		free(s->path);
		for (j = 0; j < LOG_FILES_MAX; j++) {
			if (s->log[j].fd >= 0)
				close(s->log[j].fd);
			free(s->log[j].line);
		}
	}
	ready_forked(r);
	if (r->notify_fd >= 0)
		close(r->notify_fd);
	if (r->notify_bound)
		(void)unlink(r->notify_path);
	if (r->notify_dir[0] != '\0')
		(void)rmdir(r->notify_dir);
	free(r->src);
	free(r->child_fds);
	ready_init(r);
}
