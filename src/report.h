/*
 * The verdict: how the set-up (setup.c) tells whoever forked it which step
 * failed. It travels over a close-on-exec pipe, so the reader seeing end of
 * file with no verdict knows the exec succeeded.
 */
#ifndef DAEMONIZE_REPORT_H
#define DAEMONIZE_REPORT_H

#include <stddef.h>
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
	STEP_STDOUT_PIDFILE,	/* -o is the pidfile */
	STEP_STDERR_PIDFILE,
	STEP_STDOUT_LOCKFILE,	/* -o is the lockfile */
	STEP_STDERR_LOCKFILE,
	STEP_STDOUT_CHOWN,
	STEP_STDERR_CHOWN,
	STEP_STDOUT_TRUNCATE,
	STEP_STDERR_TRUNCATE,
	STEP_STDIO,
	STEP_FDS,
	STEP_INHERIT,
	STEP_RLIMIT,		/* arg: the index of the --rlimit */
	STEP_NICE,
	STEP_OOM_SCORE_ADJ,
	STEP_ENV,
	STEP_GROUPS,
	STEP_SETGID,
	STEP_SETUID,
	STEP_CHDIR,
	STEP_SIGNALS,
	STEP_PARENT,		/* the parent-death signal, or the parent gone */
	STEP_EXEC,
	STEP_EXECUTING,		/* not a failure: the exec comes next */
	STEP_DETACHED,		/* not a failure: set-up runs as pid */
	/*
	 * Not a failure: a supervisor's first run (pid) ended while the
	 * caller still watched it; err holds its wait(2) status.
	 */
	STEP_RUN_ENDED,
	/*
	 * Not a failure: the set-up made log err (enum files_log), the file
	 * dev and ino; arg is 1 if it was a link's target (see files.h).
	 */
	STEP_LOG_MADE,
};

struct verdict {
	int step;		/* enum step */
	int err;		/* errno of the failure, or 0 */
	pid_t pid;		/* see enum step */
	int arg;		/* see enum step */
	unsigned long long dev, ino;	/* STEP_LOG_MADE */
};

/* The set-up's side: write the verdict (one atomic pipe write). */
void report_send(int fd, const struct verdict *v);

/*
 * Why the start failed, into buf without "daemonize: " (for a caller that
 * adds to the line, as a supervisor does); returns the exit code for it.
 */
int report_format(char *buf, size_t size, const struct launch *l,
    const struct verdict *v);

/* Say on fd why the start failed; returns the exit code for it. */
int report_explain(int fd, const struct launch *l, const struct verdict *v);

#endif
