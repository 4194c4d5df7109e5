/*
 * The verdict pipe, and the words for each failed step: one line naming the
 * action, the object as the user gave it, and the reason. A failed exec is
 * explained by command.c, which knows commands and their interpreters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "compat.h"
#include "exitcodes.h"
#include "msg.h"
#include "pidfile.h"
#include "report.h"
#include "trust.h"

void
report_send(int fd, const struct verdict *v)
{
	ssize_t n;

	/* Smaller than PIPE_BUF, so written whole or not at all. */
	do
		n = write(fd, v, sizeof(*v));
	while (n == -1 && errno == EINTR);
}

static int
explain_held(char *buf, size_t size, const char *what, const char *path,
    pid_t pid)
{
	if (pid > 0)
		snprintf(buf, size, "already running as pid %ld (%s %s)",
		    (long)pid, what, path);
	else
		snprintf(buf, size, "already running (%s %s is locked by "
		    "another process)", what, path);
	return EXIT_RUNNING;
}

/* The daemon is gone; what inherited its lock holds it (pidfile_take()). */
static int
explain_orphaned(char *buf, size_t size, const struct launch *l, pid_t gone)
{
	char why[256];

	snprintf(buf, size, "%s (pidfile %s)", pidfile_orphans(l->pidfile,
	    gone, why, sizeof(why)), l->opt->pidfile);
	return EXIT_RUNNING;
}

/* What a message names: the object as the user gave it. */
enum object {
	OBJ_NONE,
	OBJ_PIDFILE,
	OBJ_LOCKFILE,
	OBJ_OUT,
	OBJ_ERR,
	OBJ_DIR,
	OBJ_USER,
	OBJ_RLIMIT,		/* the --rlimit the verdict's arg points at */
	OBJ_NICE,
	OBJ_OOM_SCORE_ADJ,
};

/*
 * Each step's message; ": reason" follows when the verdict has an errno.
 * The formats are arrays, not pointers: a pointer in a PIE is relocated at
 * start-up, which dirties its page for good in every process, a resident
 * supervisor's too (tables of pointers are what make RELRO a page longer).
 * C accepts a format of exactly sizeof(fmt) characters and drops its NUL:
 * keep the size above the longest (tests/unit/report_test.c checks).
 */
static const struct {
	enum step step;
	enum object obj;
	char fmt[48];
} messages[] = {
	{ STEP_SETSID,		OBJ_NONE,	"cannot start a new session" },
	{ STEP_FORK,		OBJ_NONE,	"cannot fork" },
	{ STEP_PIDFILE_OPEN,	OBJ_PIDFILE,	"cannot open pidfile '%s'" },
	{ STEP_PIDFILE_NOTREG,	OBJ_PIDFILE,
	    "cannot open pidfile '%s': not a regular file" },
	{ STEP_PIDFILE_WRITE,	OBJ_PIDFILE,	"cannot write pidfile '%s'" },
	{ STEP_LOCKFILE_OPEN,	OBJ_LOCKFILE,	"cannot open lockfile '%s'" },
	{ STEP_DEVNULL,		OBJ_NONE,	"cannot open '/dev/null'" },
	{ STEP_STDOUT_OPEN,	OBJ_OUT,	"cannot open log file '%s'" },
	{ STEP_STDERR_OPEN,	OBJ_ERR,	"cannot open log file '%s'" },
	{ STEP_STDOUT_PIDFILE,	OBJ_OUT,
	    "cannot use log file '%s': it is the pidfile" },
	{ STEP_STDERR_PIDFILE,	OBJ_ERR,
	    "cannot use log file '%s': it is the pidfile" },
	{ STEP_STDOUT_LOCKFILE,	OBJ_OUT,
	    "cannot use log file '%s': it is the lockfile" },
	{ STEP_STDERR_LOCKFILE,	OBJ_ERR,
	    "cannot use log file '%s': it is the lockfile" },
	{ STEP_STDOUT_CHOWN,	OBJ_OUT,
	    "cannot give log file '%s' to the user" },
	{ STEP_STDERR_CHOWN,	OBJ_ERR,
	    "cannot give log file '%s' to the user" },
	{ STEP_STDOUT_TRUNCATE,	OBJ_OUT,	"cannot truncate log file '%s'" },
	{ STEP_STDERR_TRUNCATE,	OBJ_ERR,	"cannot truncate log file '%s'" },
	{ STEP_STDIO,		OBJ_NONE,
	    "cannot set up the standard streams" },
	{ STEP_FDS,		OBJ_NONE,
	    "cannot close inherited descriptors" },
	{ STEP_INHERIT,		OBJ_NONE,
	    "cannot pass descriptors to the command" },
	{ STEP_RLIMIT,		OBJ_RLIMIT,
	    "cannot set resource limit '%s'" },
	{ STEP_NICE,		OBJ_NICE,
	    "cannot change the niceness by %s" },
	{ STEP_OOM_SCORE_ADJ,	OBJ_OOM_SCORE_ADJ,
	    "cannot set oom_score_adj to %s" },
	{ STEP_ENV,		OBJ_NONE,	"cannot set up the environment" },
	{ STEP_GROUPS,		OBJ_USER,
	    "cannot set the groups of user '%s'" },
	{ STEP_SETGID,		OBJ_USER,
	    "cannot switch to the group of '%s'" },
	{ STEP_SETUID,		OBJ_USER,	"cannot switch to user '%s'" },
	{ STEP_CHDIR,		OBJ_DIR,	"cannot change directory to '%s'" },
	{ STEP_SIGNALS,		OBJ_NONE,	"cannot reset signals" },
	{ STEP_PARENT,		OBJ_NONE,
	    "cannot tie the command to its supervisor" },
};

static const char *
object_name(const struct options *o, enum object obj, int arg)
{
	switch (obj) {
	case OBJ_PIDFILE:
		return o->pidfile;
	case OBJ_LOCKFILE:
		return o->lockfile;
	case OBJ_OUT:
		return o->out;
	case OBJ_ERR:
		return o->err;
	case OBJ_DIR:
		return o->dir != NULL ? o->dir : "/";
	case OBJ_USER:
		return o->user;
	case OBJ_RLIMIT:
		return arg >= 0 && (size_t)arg < o->nrlimits ?
		    o->rlimits[arg].given : "";
	case OBJ_NICE:
		return o->nice_arg;
	case OBJ_OOM_SCORE_ADJ:
		return o->oom_score_adj_arg;
	case OBJ_NONE:
		break;
	}
	return "";
}

/*
 * The pidfile and the lockfile are always opened without following a final
 * symbolic link, and with -u the logs too: ELOOP then means just that.
 */
static const char *
reason(const struct launch *l, const struct verdict *v)
{
	bool nofollow = v->step == STEP_PIDFILE_OPEN ||
	    v->step == STEP_LOCKFILE_OPEN ||
	    (l->opt->user != NULL && (v->step == STEP_STDOUT_OPEN ||
	    v->step == STEP_STDERR_OPEN));

	if (v->err == ELOOP && nofollow && l->opt->user != NULL)
		return "it is, or passes through, a symbolic link the user "
		    "could have made";
	if (v->err == ELOOP && nofollow)
		return "it is a symbolic link";
	return strerror(v->err);
}

int
report_format(char *buf, size_t size, const struct launch *l,
    const struct verdict *v)
{
	char line[512];
	size_t i;

	if (size > 0)
		buf[0] = '\0';
	if (v->step == STEP_PIDFILE_HELD && v->pid < 0)
		return explain_orphaned(buf, size, l, -v->pid);
	/* -q: a daemon already running is no news to cron. */
	if ((v->step == STEP_PIDFILE_HELD || v->step == STEP_LOCKFILE_HELD) &&
	    l->opt->quiet)
		return EXIT_RUNNING;
	if (v->step == STEP_PIDFILE_OPEN && trust_reason(v->err) != NULL) {
		snprintf(buf, size, "cannot trust pidfile '%s': %s",
		    l->opt->pidfile, trust_reason(v->err));
		return EXIT_SETUP;
	}
	if (v->step == STEP_PIDFILE_HELD)
		return explain_held(buf, size, "pidfile", l->opt->pidfile,
		    v->pid);
	if (v->step == STEP_LOCKFILE_HELD)
		return explain_held(buf, size, "lockfile", l->opt->lockfile,
		    v->pid);
	if (v->step == STEP_EXEC)
		return command_explain(buf, size, l->opt->argv[0], l->path,
		    v->err);

	for (i = 0; i < nitems(messages); i++)
		if (messages[i].step == (enum step)v->step)
			break;
	if (i == nitems(messages)) {
		snprintf(buf, size, "cannot start '%s': %s", l->opt->argv[0],
		    strerror(v->err));
		return EXIT_SETUP;
	}
	/* The formats are ours and take at most the one object. */
	snprintf(line, sizeof(line), messages[i].fmt,
	    object_name(l->opt, messages[i].obj, v->arg));
	if (v->err != 0)
		snprintf(buf, size, "%s: %s", line, reason(l, v));
	else
		snprintf(buf, size, "%s", line);
	return EXIT_SETUP;
}

int
report_explain(int fd, const struct launch *l, const struct verdict *v)
{
	char line[1024];
	int rc = report_format(line, sizeof(line), l, v);

	/* Empty for -q's silent refusal. */
	if (line[0] != '\0')
		msg_to(fd, "%s", line);
	return rc;
}
