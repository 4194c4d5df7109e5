/*
 * The log files a start creates. The set-up records each in its own memory
 * and tells whoever forked it, over the verdict pipe, which file it made
 * (a STEP_LOG_MADE record: a shared mapping would be a shmem file to make
 * and tear down on every start). A set-up that fails removes what it made
 * itself; one that is killed (by SIGKILL, say) cannot, and then the caller
 * does, from the records it read. Just before the exec the logs become the
 * command's: a start that fails after that (exit 3 or 124) keeps them, and
 * with them the daemon's own account of what went wrong.
 *
 * The one gap: a set-up killed between the return of the open(2) that
 * created a log and the write that tells of it, a system call later,
 * leaves that log.
 */
#ifndef DAEMONIZE_FILES_H
#define DAEMONIZE_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct launch;
struct verdict;

enum files_log { FILES_OUT, FILES_ERR, FILES_NLOGS };

enum made_state {
	MADE_NONE,
	MADE_BY_SETUP,		/* the caller removes it if the start fails */
	MADE_HANDED,		/* the command's: kept, unless its exec fails */
};

struct made_log {
	enum made_state state;
	dev_t dev;		/* what was made, so that nothing else */
	ino_t ino;		/* is removed in its place (ino 0: unknown) */
	bool linked;		/* made as the target of a dangling link */
	char *at;		/* the set-up's: that target (malloc'd), or NULL */
};

/* In struct launch, zeroed with it: MADE_NONE everywhere. */

struct files {
	struct made_log log[FILES_NLOGS];
};

/*
 * The daemon's side: open the log at path (-o for FILES_OUT, -e for
 * FILES_ERR) as path_create() does, record what that created and tell it
 * on the verdict pipe. -1 with errno.
 */
int files_open_log(struct launch *l, enum files_log which, const char *path,
    int flags, mode_t mode);

/* Whether the set-up made the log which. */
bool files_made(const struct launch *l, enum files_log which);

/*
 * Whoever forked the set-up (the caller, or a supervisor for its first
 * run): note a STEP_LOG_MADE record.
 */
void files_note(struct launch *l, const struct verdict *v);

/*
 * Just before the exec, and in the caller at the record of the exec: the
 * logs made are the command's from now on.
 */
void files_hand_over(struct launch *l);

/*
 * A supervisor, once its first run was executed: the logs are the daemon's
 * for good, and no later run's failure removes them. The record is empty.
 */
void files_forget(struct launch *l);

/* The daemon's side, failing: remove every log it made. */
void files_undo(struct launch *l);

/*
 * The caller, after a start failed: remove the logs its set-up made and did
 * not hand over (each only if it is still the file made).
 */
void files_remove(const struct launch *l);

#endif
