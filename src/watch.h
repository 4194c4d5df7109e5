/*
 * The caller's side after the fork: the verdict, interrupts (the signals
 * start.c catches), and with --wait, readiness, the daemon's exit and the
 * deadline. A user of the event loop (loop.h).
 */
#ifndef DAEMONIZE_WATCH_H
#define DAEMONIZE_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "launch.h"
#include "loop.h"
#include "ready.h"
#include "report.h"
#include "tail.h"

struct watch {
	struct launch *l;
	struct ready *r;
	pid_t child;		/* the first child */
	bool child_reaped;
	int report_fd;		/* the verdict pipe's read end */
	int sigfd;		/* the signals start.c catches */
	long long deadline;		/* clock_ms(); LLONG_MAX: none */
	struct verdict last;	/* the last record read */
	bool any;		/* any record read */
	bool cut;		/* a record cut short */
	pid_t side;		/* the daemon's side, once it has detached */
	pid_t daemon;		/* known from the "exec next" record */
	int pidfd;		/* for daemon, with --wait */
	bool executed;		/* the verdict said the command runs */
	bool lock_existed;	/* the lockfile was there before the fork */
	/*
	 * Supervised: the supervisor keeps its end of the pipe open until we
	 * exit, so its record of the exec settles the start, and it tells us
	 * how the first run ended (that run is its child, not ours).
	 */
	bool settled;
	bool run_ended;
	int run_status;
	struct tail tail;	/* with --wait: its log as it was before */
	struct loop loop;
	int deadline_src;	/* the loop's sources whose time changes */
	int judge_src;
	int sender_fd;		/* lingering: pidfd of the barrier's sender */
	int children_fd;	/* -w notify: the daemon's children file */
};

/*
 * Before the fork: nothing open yet; with --wait (r has sources), note
 * where the daemon's log ends.
 */
void watch_init(struct watch *w, struct launch *l, const struct ready *r,
    long long deadline);

/*
 * Read the verdict and, with --wait, wait until ready. Returns the exit
 * code; on failure, what the start made is gone.
 */
int watch_start(struct watch *w, struct ready *r);

/* Close what the watch opened (not sigfd: start.c made it). */
void watch_free(struct watch *w);

#endif
