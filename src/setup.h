/*
 * The set-up: the recipe between fork and exec, in two parts.
 *
 *   setup_claim()  once per daemon, in the process that is to hold the
 *                  locks for the daemon's life: take the pidfile and the
 *                  lockfile, write this process's pid.
 *   setup_exec()   once per run of COMMAND, in the process that becomes
 *                  it: umask, log files and standard streams, descriptors,
 *                  resource limits, environment, user and groups,
 *                  directory, signals reset, then the exec.
 *
 * Neither reports to its caller by returning: a failed step is sent as a
 * verdict (report.h) on l->report_fd, or, with no pipe (-f), said on
 * l->msg_fd; then whatever this process made is undone and it exits 125.
 * setup_exec() does not return at all: it execs COMMAND or fails.
 *
 * A plain start runs both in the daemon's process: detach.c calls them
 * after setsid() and the forks, and for -f in the caller's own process.
 *
 * A resident supervisor (issue #8) runs them apart, as the same recipe:
 *  - in the supervisor, once: detach_session() (detach.h), then
 *    setup_claim(), so the pidfile holds the supervisor's pid and its lock
 *    lives as long as the supervisor does, across restarts;
 *  - for each run: a new close-on-exec verdict pipe, then fork, and in the
 *    child set l->supervised (the command then gets neither the pidfile nor
 *    the lockfile descriptor: they are closed with the others), and
 *    l->death_signal with l->parent set to the supervisor's pid (so the
 *    command dies with the supervisor, even by SIGKILL: the signal is asked
 *    for after the last change of credentials, which would clear it), and
 *    l->report_fd to the pipe's write end; then setup_exec(). Each run thus
 *    gets the full set-up: directory, umask, user and groups, environment,
 *    signals reset, descriptors and resource limits.
 *  - the supervisor reads the verdict as the caller of a plain start does
 *    (end of file after STEP_EXECUTING: the run was executed). A failure
 *    verdict is a failed run: report_format() gives its line, to which the
 *    supervisor adds "; restarting in 4 s". A run's child that fails removes
 *    the log files it created; one killed in set-up leaves them in the
 *    record of files.h, for files_remove().
 *  - the first run may use the readiness plumbing of --wait; for later runs
 *    the supervisor sets l->notify_env to NULL and l->nready_fds to 0. The
 *    log descriptors l->out_fd and l->err_fd, when already open (the output
 *    relay's pipes), are used as they are instead of opening -o and -e.
 */
#ifndef DAEMONIZE_SETUP_H
#define DAEMONIZE_SETUP_H

#include <sys/types.h>

#include "launch.h"
#include "report.h"

/* Lock the pidfile and lockfile, and write this process's pid. */
void setup_claim(struct launch *l);

/*
 * A supervisor, once: open -o and -e (with the --umask), for every run and
 * for its own lines. Fails as setup_claim() does.
 */
void setup_logs(struct launch *l);

/* Set up this process for COMMAND, and exec it. */
void setup_exec(struct launch *l) __attribute__((noreturn));

/*
 * Report step as failed (with errno err, or 0; pid and arg as enum step
 * says), undo what this process made, and exit.
 */
void setup_fail(struct launch *l, enum step step, int err, pid_t pid,
    int arg) __attribute__((noreturn));

#endif
