/*
 * The sd_notify protocol (sd_notify(3)), as much of it as a start needs: a
 * datagram socket whose path the daemon gets as NOTIFY_SOCKET, messages of
 * newline-separated VARIABLE=VALUE lines, and the sender's credentials.
 */
#include <errno.h>
#include <linux/magic.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"
#include "num.h"
#include "proc.h"

#define NAME_TRIES	100		/* mkdtemp(3) tries as many */
#define NUM_MAX_LEN	32		/* longer numbers are bad values */

/* --- the message parser ------------------------------------------------- */

enum var { VAR_READY, VAR_BARRIER, VAR_STATUS, VAR_ERRNO, VAR_EXTEND };

/* Arrays, not pointers, so the table needs no relocation (report.c). */
static const struct {
	char name[24];
	enum var var;
} vars[] = {
	{ "READY", VAR_READY },
	{ "BARRIER", VAR_BARRIER },
	{ "STATUS", VAR_STATUS },
	{ "ERRNO", VAR_ERRNO },
	{ "EXTEND_TIMEOUT_USEC", VAR_EXTEND },
};

static int
var_of(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static bool
is_one(const char *v, size_t len)
{
	return len == 1 && v[0] == '1';
}

/* num_parse() on a value that is not NUL-terminated. */
static bool
number(const char *v, size_t len, long long lo, long long hi, long long *n)
{
	char buf[NUM_MAX_LEN + 1];
	const char *why;

	if (len > NUM_MAX_LEN)
		return false;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return num_parse(buf, lo, hi, n, &why) == 0;
}

/* One VARIABLE=VALUE line: false if it is of no use. */
static bool
parse_line(struct notify_msg *m, const char *line, size_t len,
    unsigned *seen)
{
	const char *eq = memchr(line, '=', len), *v;
	size_t vlen;
	long long n;
	int i;

	if (eq == NULL || (i = var_of(line, (size_t)(eq - line))) == -1)
		return false;
	v = eq + 1;
	vlen = len - (size_t)(v - line);
	/* READY=1 and BARRIER=1 count wherever they are; the rest once. */
	if (vars[i].var == VAR_READY || vars[i].var == VAR_BARRIER) {
		if (!is_one(v, vlen))
			return false;
		if (vars[i].var == VAR_READY)
			m->ready = true;
		else
			m->barrier = true;
		return true;
	}
	if (*seen & 1U << i)
		return false;
	*seen |= 1U << i;
	switch (vars[i].var) {
	case VAR_READY:
	case VAR_BARRIER:
		return false;	/* above */
	case VAR_STATUS:
		m->status = v;
		m->status_len = vlen;
		return true;
	case VAR_ERRNO:
		if (!number(v, vlen, 1, INT_MAX, &n))
			return false;
		m->error = (int)n;
		return true;
	case VAR_EXTEND:
		if (!number(v, vlen, 0, LLONG_MAX, &n))
			return false;
		m->extend_usec = n;
		return true;
	}
	return false;
}

int
notify_parse(const char *buf, size_t len, struct notify_msg *m)
{
	const char *p = buf, *end = buf + len;
	unsigned seen = 0;

	memset(m, 0, sizeof(*m));
	m->extend_usec = -1;
	if (len > NOTIFY_MAX || memchr(buf, '\0', len) != NULL)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0 && !parse_line(m, p, n, &seen))
			m->ignored++;
		p += n + 1;
	}
	return 0;
}

/* --- the socket ----------------------------------------------------------- */

static bool
on_tmpfs(const char *dir)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC &&
	    access(dir, W_OK) == 0;
}

/*
 * Root's socket goes on a tmpfs where there is one: making, binding and
 * removing it costs a tenth of a millisecond on a disk file system, a
 * hundredth on tmpfs. /dev/shm is sticky, and the directory is made
 * exclusively with mode 0700, so no other user can take its place.
 */
const char *
notify_parent(void)
{
	const char *dir;

	if (geteuid() == 0) {
		if (on_tmpfs("/run"))
			return "/run";
		if (on_tmpfs("/dev/shm"))
			return "/dev/shm";
		return access("/run", W_OK) == 0 ? "/run" : "/tmp";
	}
	if ((dir = getenv("XDG_RUNTIME_DIR")) != NULL && dir[0] == '/')
		return dir;
	if ((dir = getenv("TMPDIR")) != NULL && dir[0] == '/')
		return dir;
	return "/tmp";
}

/*
 * parent/daemonize.XXXXXX, as mkdtemp(3) names it: six letters or digits
 * from one getrandom(2), the 62**6 names being a sliver of 2**64.
 */
static int
name_dir(struct notify_place *np, const char *parent)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t r;
	char x[7];
	size_t i;
	int n;

	if ((n = (int)getrandom(&r, sizeof(r), 0)) != (int)sizeof(r)) {
		if (n >= 0)
			errno = EIO;	/* short: no errno of its own */
		return -1;
	}
	for (i = 0; i < sizeof(x) - 1; i++, r /= sizeof(chars) - 1)
		x[i] = chars[r % (sizeof(chars) - 1)];
	x[i] = '\0';
	n = snprintf(np->dir, sizeof(np->dir), "%s%sdaemonize.%s", parent,
	    parent[0] != '\0' && parent[strlen(parent) - 1] == '/' ? "" : "/",
	    x);
	if (n < 0 || (size_t)n >= sizeof(np->dir) ||
	    (size_t)snprintf(np->path, sizeof(np->path), "%s/notify",
	    np->dir) >= sizeof(np->path)) {
		np->dir[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * mkdtemp(3) by hand: each name is told to the hook before it is made, so
 * that no moment exists where the directory is there and nobody knows it.
 * 0700 whatever our umask (one with 0100 would lock us out); with a user,
 * 0711 so the user reaches the socket.
 */
static int
make_dir(struct notify_place *np, const char *parent, notify_hook *hook,
    void *arg, bool user)
{
	int tries;

	for (tries = 0; tries < NAME_TRIES; tries++) {
		mode_t mask;
		int e;

		if (name_dir(np, parent) == -1)
			return -1;
		hook(arg, np->dir, true);
		hook(arg, np->path, false);
		mask = umask(077);
		e = mkdir(np->dir, 0700);
		umask(mask);
		if (e == 0) {
			np->made = true;
			return user && chmod(np->dir, 0711) == -1 ? -1 : 0;
		}
		if (errno != EEXIST)
			break;
	}
	return -1;		/* np->dir names the last try, for a message */
}

static int
bind_socket(struct notify_place *np, bool user, uid_t uid, gid_t gid)
{
	struct sockaddr_un sa;
	int fd, e, one = 1;
	mode_t mask;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(np->path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, np->path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == -1)
		goto fail;
	/*
	 * Sending takes write permission on the socket: 0600, whatever our
	 * umask, made so by bind(2) (a umask of our own, not shared with the
	 * warden) rather than by a chmod(2) after.
	 */
	mask = umask(0177);
	e = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (e == -1)
		goto fail;
	np->bound = true;
	if (user && chown(np->path, uid, gid) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * A pathname socket in a private directory, both removed when the start
 * ends, so the daemon's later messages reach nobody; an abstract name
 * could be taken by anyone once we are gone.
 */
int
notify_open(struct notify_place *np, const char *parent, notify_hook *hook,
    void *arg, bool user, uid_t uid, gid_t gid)
{
	int fd;

	if (make_dir(np, parent, hook, arg, user) == -1 ||
	    (fd = bind_socket(np, user, uid, gid)) == -1)
		return -1;
	snprintf(np->env, sizeof(np->env), "NOTIFY_SOCKET=%s", np->path);
	return fd;
}

/* The sender's pid; descriptors passed (BARRIER=1) are closed unread. */
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

ssize_t
notify_recv(int fd, char *buf, size_t size, pid_t *sender)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(253 * sizeof(int))];	/* SCM_MAX_FD */
	} control;
	struct iovec iov = { buf, size };
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	/* MSG_TRUNC: the length of a datagram cut short is its own. */
	n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	*sender = take_control(&mh);
	if ((mh.msg_flags & MSG_TRUNC) && (size_t)n <= size)
		n = (ssize_t)size + 1;
	return n;
}

bool
notify_sender_ok(pid_t sender, pid_t daemon, pid_t session)
{
	struct proc_stat d, s;

	if (sender <= 0)
		return false;
	if (sender == daemon)
		return true;
	/* The daemon may have made a session of its own since. */
	if (proc_stat(daemon, &d) == 0)
		session = d.session;
	return proc_stat(sender, &s) == 0 && s.state != 'Z' &&
	    s.state != 'X' && s.session == session;
}

void
notify_close(struct notify_place *np, int fd)
{
	if (fd >= 0)
		close(fd);
	if (np->bound)
		(void)unlink(np->path);
	if (np->made)
		(void)rmdir(np->dir);
	np->bound = np->made = false;
}
