/*
 * Readiness (-w): the sources each --wait SPEC watches, set up before the
 * fork, armed once the command has been executed, and checked from the
 * caller's event loop (watch.c).
 */
#ifndef DAEMONIZE_READY_H
#define DAEMONIZE_READY_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

#include "launch.h"
#include "logwait.h"
#include "notify.h"
#include "tcp.h"
#include "warden.h"

struct ready_src {
	const struct wait_spec *spec;
	bool met;
	int slot;		/* its index in the pollfd array, or -1 */
	long long next_ms;		/* probes: when to try again */
	long long nap_ms;		/* probes: the growing interval */
	int pipe;		/* fd: the read end, or -1 */
	struct tcp_wait tcp;	/* tcp: */
	char *path;		/* path: absolute */
	struct logwait log;	/* log: */
};

enum ready_state {
	READY_WAITING,
	READY_MET,		/* every source is ready */
	READY_FAILED,		/* see ready_explain() */
};

struct ready {
	struct launch *l;
	struct ready_src *src;
	size_t n;
	int notify_fd;		/* the notify socket, or -1 */
	int notify_slot;
	struct notify_place notify;
	struct warden warden;	/* with notify: undoes the start if we die */
	int *child_fds;		/* fd:N write ends, at N, for the daemon */
	size_t nchild_fds;
	pid_t daemon;		/* set by ready_arm() */
	pid_t session;		/* the session the start made */
	pid_t ready_sender;	/* who sent READY=1 */
	bool barrier;		/* BARRIER=1 came (its descriptor closed) */
	bool spared;		/* the warden knows the daemon is ready */
	/* Why READY_FAILED. */
	const struct ready_src *failed;
	int fail_errno;		/* ERRNO=N; for fd:N, 0 for end of file */
};

/* Nothing to wait for yet; ready_free() may follow. */
void ready_init(struct ready *r);

/*
 * First of all, before anything else opens a descriptor that could take
 * the number: the fd:N pipes, their write ends at N. 0, or the exit code
 * after saying why.
 */
int ready_reserve(struct ready *r, struct launch *l);

/*
 * Then, before the fork: the notify socket, addresses, where the logs
 * end. 0, or the exit code after saying why. cwd may be NULL if unknown.
 */
int ready_prepare(struct ready *r, const char *cwd);

/* After the fork, in the caller: close what only the daemon needs. */
void ready_forked(struct ready *r);

/*
 * The command runs as pid daemon in session: open its logs, first probes.
 * 0, or the exit code after saying why.
 */
int ready_arm(struct ready *r, pid_t daemon, pid_t session);

/*
 * Add the descriptors to poll to p (room for ready_nfds()); *wake_ms is
 * lowered to the time the next probe is due. Returns how many were added.
 */
size_t ready_nfds(const struct ready *r);
size_t ready_poll(struct ready *r, struct pollfd *p, long long now, long long *wake_ms);

/*
 * After poll: read what came, probe what is due. EXTEND_TIMEOUT_USEC may
 * move *deadline_ms later.
 */
enum ready_state ready_update(struct ready *r, const struct pollfd *p,
    long long now, long long *deadline_ms);

/* Read what waits on the notify socket, as ready_update() would. */
void ready_notify_read(struct ready *r, long long now, long long *deadline);

/* Say why READY_FAILED; the command as given names the daemon. */
void ready_explain(const struct ready *r);

void ready_free(struct ready *r);

#endif
