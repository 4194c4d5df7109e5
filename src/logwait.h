/*
 * --wait log:REGEX: a complete line matching REGEX, written to the
 * daemon's -o or -e file after this start began.
 */
#ifndef DAEMONIZE_LOGWAIT_H
#define DAEMONIZE_LOGWAIT_H

#include <regex.h>
#include <stdbool.h>
#include <sys/types.h>

#define LOG_FILES_MAX	2		/* -o and -e */

struct log_reader {
	int fd;			/* the daemon's log, opened anew; -1 if none */
	off_t offset;		/* where lines after the start begin */
	char *line;		/* a partial line, read so far */
	size_t len;
	bool skipping;		/* inside a line too long to keep */
};

/* The logs as the start resolved them: stdout's first, then stderr's. */
struct log_files {
	const char *given[LOG_FILES_MAX];	/* as given, for messages */
	const char *path[LOG_FILES_MAX];	/* absolute, or NULL */
	bool truncate;				/* --truncate */
	/*
	 * --timestamps or --log-size: the supervisor writes the files (the
	 * command's stdout and stderr are pipes), and with --timestamps each
	 * line starts with a stamp, which a match leaves out.
	 */
	bool relayed;
	bool stamped;
	bool as_user;				/* -u */
};

struct logwait {
	const regex_t *re;
	bool stamped;
	struct log_reader rd[LOG_FILES_MAX];
	off_t start[LOG_FILES_MAX];	/* where the files ended */
	int inotify;		/* woken by writes; -1: probe instead */
	bool fresh;		/* not read since armed */
};

void logwait_init(struct logwait *lw, const regex_t *re);

/* Before the fork: lines written before this start do not count. */
void logwait_prepare(struct logwait *lw, const struct log_files *f);

/*
 * The daemon runs as pid: open its logs through its own descriptors. 0,
 * or -1 after saying why.
 */
int logwait_arm(struct logwait *lw, const struct log_files *f, pid_t pid);

/*
 * Read what was added; true once a matching line came. woken: inotify
 * (or the probe interval) says there may be more.
 */
bool logwait_update(struct logwait *lw, bool woken);

void logwait_free(struct logwait *lw);

#endif
