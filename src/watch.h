/*
 * The caller's side after the fork: the verdict, interrupts, and with
 * --wait, readiness, the daemon's exit and the deadline.
 */
#ifndef DAEMONIZE_WATCH_H
#define DAEMONIZE_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "launch.h"
#include "ready.h"
#include "report.h"

struct watch {
	struct launch *l;
	pid_t child;		/* the first child */
	bool child_reaped;
	int report_fd;		/* the verdict pipe's read end */
	int sigfd;		/* SIGINT, SIGTERM, SIGHUP */
	long long deadline;		/* clock_ms(); LLONG_MAX: none */
	struct verdict last;	/* the last record read */
	bool any;		/* any record read */
	bool cut;		/* a record cut short */
	pid_t side;		/* the daemon's side, once it has detached */
	pid_t daemon;		/* known from the "exec next" record */
	int pidfd;		/* for daemon, with --wait */
	bool executed;		/* the verdict said the command runs */
	bool lock_existed;	/* the lockfile was there before the fork */
};

/*
 * Read the verdict and, with --wait, wait until ready. Returns the exit
 * code; on failure, what the start made is gone.
 */
int watch_start(struct watch *w, struct ready *r);

#endif
