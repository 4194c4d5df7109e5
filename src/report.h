/*
 * Messages, and the verdict: how the daemon's side tells the caller which
 * set-up step failed. The verdict travels over a close-on-exec pipe, so the
 * caller reading end of file with no verdict means the exec succeeded.
 */
#ifndef DAEMONIZE_REPORT_H
#define DAEMONIZE_REPORT_H

#include <sys/types.h>

#include "launch.h"

enum step {
	STEP_NONE = 0,
	STEP_SETSID,
	STEP_FORK,
	STEP_PIDFILE_OPEN,
	STEP_PIDFILE_NOTREG,
	STEP_PIDFILE_HELD,	/* pid: the running daemon, or 0 if unknown */
	STEP_PIDFILE_WRITE,
	STEP_LOCKFILE_OPEN,
	STEP_LOCKFILE_HELD,	/* pid: the holder, or 0 if unknown */
	STEP_DEVNULL,
	STEP_STDOUT_OPEN,
	STEP_STDERR_OPEN,
	STEP_STDOUT_CHOWN,
	STEP_STDERR_CHOWN,
	STEP_STDOUT_TRUNCATE,
	STEP_STDERR_TRUNCATE,
	STEP_STDIO,
	STEP_FDS,
	STEP_INHERIT,
	STEP_ENV,
	STEP_GROUPS,
	STEP_SETGID,
	STEP_SETUID,
	STEP_CHDIR,
	STEP_SIGNALS,
	STEP_EXEC,
	STEP_EXECUTING,		/* not a failure: the exec comes next */
	STEP_DETACHED,		/* not a failure: set-up runs as pid */
};

struct verdict {
	int step;		/* enum step */
	int err;		/* errno of the failure, or 0 */
	pid_t pid;		/* see enum step */
};

/* Daemon's side: write the verdict (one atomic pipe write). */
void report_send(int fd, const struct verdict *v);
/* Say on fd why the start failed; returns the exit code for it. */
int report_explain(int fd, const struct launch *l, const struct verdict *v);

#endif
