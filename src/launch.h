/*
 * The state of one start, shared by the caller's side (start.c), the
 * daemon's session (detach.c) and the set-up of each run (setup.c): what
 * the options resolved to, and what has been opened so far.
 */
#ifndef DAEMONIZE_LAUNCH_H
#define DAEMONIZE_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "files.h"
#include "options.h"
#include "user.h"

struct launch {
	const struct options *opt;

	/*
	 * Absolute forms of the paths given, resolved before any chdir;
	 * from the arena (arena.h), kept for the daemon's life.
	 */
	char *pidfile;
	char *lockfile;
	char *out;
	char *err;
	char *dir;
	char *path;		/* the command to execve() */

	struct user user;	/* valid when opt->user is set */

	int report_fd;		/* verdict pipe, write end; -1 in foreground */
	int msg_fd;		/* the caller's stderr, for messages */

	/* Opened by setup_claim(); -1 until then. */
	int pid_fd;
	int lock_fd;		/* == pid_fd when both name one file */
	/* Opened by setup_exec(), unless its caller opened them already. */
	int out_fd;
	int err_fd;		/* == out_fd when both name one file */

	/* --wait: what the daemon needs of the readiness sources. */
	char *notify_env;	/* "NOTIFY_SOCKET=@...", or NULL */
	const int *ready_fds;	/* fd:N write ends, already at N */
	size_t nready_fds;

	/*
	 * A run of a resident supervisor (setup.h): the locks stay with the
	 * supervisor, and the command dies with it.
	 */
	bool supervised;
	bool truncated;		/* --truncate done already (a later run) */
	int death_signal;	/* sent to the command if its parent dies */
	pid_t parent;		/* that parent, for the check after the prctl */

	bool switched;		/* user_switch() done: undo needs root back */

	/* With -u: the directories the paths above were walked to safely. */
	int guard_fd[4];
	int nguard;

	/* What this start created, to be removed if it fails. */
	bool lock_created;
	struct files files;	/* the logs made: see files.h */
};

#endif
