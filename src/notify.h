/*
 * --wait notify: the sd_notify socket in its private directory, the
 * credentials of each message, and the message parser.
 */
#ifndef DAEMONIZE_NOTIFY_H
#define DAEMONIZE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NOTIFY_MAX	4096		/* longer datagrams are ignored */

/*
 * What one datagram says, as systemd reads it: READY=1 and BARRIER=1
 * count wherever they are; of STATUS=, ERRNO= and EXTEND_TIMEOUT_USEC=
 * the first assignment counts, even when its value is bad.
 */
struct notify_msg {
	bool ready;		/* READY=1 */
	bool barrier;		/* BARRIER=1 */
	const char *status;	/* STATUS= text, within the datagram, or NULL */
	size_t status_len;
	int error;		/* ERRNO=N, N 1 or more; 0 if none */
	long long extend_usec;	/* EXTEND_TIMEOUT_USEC=N; -1 if none */
	size_t ignored;		/* non-empty lines of no use: unknown, bad */
};

/*
 * Parse the datagram buf (len bytes, no NUL needed). 0 and *m filled; -1
 * when the whole datagram is ignored: over NOTIFY_MAX bytes (len may say
 * how long it was, beyond what buf holds) or holding a NUL byte.
 */
int notify_parse(const char *buf, size_t len, struct notify_msg *m);

/* The socket's place: its private directory, its path, the variable. */
struct notify_place {
	bool made;		/* dir exists */
	bool bound;		/* path exists */
	char dir[96];		/* or "" */
	char path[104];		/* fits sun_path */
	char env[128];		/* "NOTIFY_SOCKET=PATH" */
};

/*
 * Called with each path before it is made (dir true for the directory),
 * so that something can remove it whatever becomes of us.
 */
typedef void notify_hook(void *arg, const char *path, bool dir);

/*
 * Make the directory under parent and bind the socket in it; with user,
 * the socket is uid's alone. The socket's descriptor, or -1 with errno.
 */
int notify_open(struct notify_place *np, const char *parent,
    notify_hook *hook, void *arg, bool user, uid_t uid, gid_t gid);

/* Where the directory goes: somewhere others cannot write. */
const char *notify_parent(void);

/*
 * One datagram off the socket: its length (more than size if it was cut)
 * and *sender from its credentials (0 if it had none); descriptors sent
 * with it are closed unread. -1 when nothing waits.
 */
ssize_t notify_recv(int fd, char *buf, size_t size, pid_t *sender);

/*
 * The sender rule: the daemon itself, or a process still alive when its
 * message is read and in the daemon's session.
 */
bool notify_sender_ok(pid_t sender, pid_t daemon, pid_t session);

/* Remove the socket and its directory; close fd if not -1. */
void notify_close(struct notify_place *np, int fd);

#endif
