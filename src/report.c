/*
 * Messages and the verdict pipe. Every failure is one line naming the
 * action, the object as the user gave it, and the reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
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
explain_exec(int fd, const struct launch *l, int err)
{
	const char *cmd = l->opt->argv[0];
	char interp[256];

	if (err == ENOENT &&
	    command_missing_interpreter(l->path, interp, sizeof(interp))) {
		msg_to(fd, "cannot run interpreter '%s' of '%s': %s", interp,
		    cmd, strerror(ENOENT));
		return EXIT_NOTFOUND;
	}
	msg_to(fd, "cannot execute '%s': %s", cmd, strerror(err));
	return err == ENOENT ? EXIT_NOTFOUND : EXIT_CANNOT;
}

static int
explain_held(int fd, const char *what, const char *path, pid_t pid)
{
	if (pid > 0)
		msg_to(fd, "already running as pid %ld (%s %s)", (long)pid,
		    what, path);
	else
		msg_to(fd, "already running (%s %s is locked by another "
		    "process)", what, path);
	return EXIT_RUNNING;
}

/* The daemon is gone; what inherited its lock holds it (pidfile_take()). */
static int
explain_orphaned(int fd, const struct launch *l, pid_t gone)
{
	char why[256];

	msg_to(fd, "%s (pidfile %s)", pidfile_orphans(l->pidfile, gone, why,
	    sizeof(why)), l->opt->pidfile);
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
};

/* Each step's message; ": strerror" follows when the verdict has an errno. */
static const struct {
	enum step step;
	enum object obj;
	const char *fmt;
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
	{ STEP_ENV,		OBJ_NONE,	"cannot set up the environment" },
	{ STEP_GROUPS,		OBJ_USER,
	    "cannot set the groups of user '%s'" },
	{ STEP_SETGID,		OBJ_USER,
	    "cannot switch to the group of '%s'" },
	{ STEP_SETUID,		OBJ_USER,	"cannot switch to user '%s'" },
	{ STEP_CHDIR,		OBJ_DIR,	"cannot change directory to '%s'" },
	{ STEP_SIGNALS,		OBJ_NONE,	"cannot reset signals" },
};

static const char *
object_name(const struct options *o, enum object obj)
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
	case OBJ_NONE:
		break;
	}
	return "";
}

/*
 * The pidfile is always opened without following a final symbolic link,
 * and with -u the logs and the lockfile too: ELOOP then means just that.
 */
static const char *
reason(const struct launch *l, const struct verdict *v)
{
	bool nofollow = v->step == STEP_PIDFILE_OPEN ||
	    (l->opt->user != NULL && (v->step == STEP_LOCKFILE_OPEN ||
	    v->step == STEP_STDOUT_OPEN || v->step == STEP_STDERR_OPEN));

	if (v->err == ELOOP && nofollow && l->opt->user != NULL)
		return "it is, or passes through, a symbolic link the user "
		    "could have made";
	if (v->err == ELOOP && nofollow)
		return "it is a symbolic link";
	return strerror(v->err);
}

int
report_explain(int fd, const struct launch *l, const struct verdict *v)
{
	char line[512];
	size_t i;

	if (v->step == STEP_PIDFILE_HELD && v->pid < 0)
		return explain_orphaned(fd, l, -v->pid);
	/* -q: a daemon already running is no news to cron. */
	if ((v->step == STEP_PIDFILE_HELD || v->step == STEP_LOCKFILE_HELD) &&
	    l->opt->quiet)
		return EXIT_RUNNING;
	if (v->step == STEP_PIDFILE_OPEN && trust_reason(v->err) != NULL) {
		msg_to(fd, "cannot trust pidfile '%s': %s", l->opt->pidfile,
		    trust_reason(v->err));
		return EXIT_SETUP;
	}
	if (v->step == STEP_PIDFILE_HELD)
		return explain_held(fd, "pidfile", l->opt->pidfile, v->pid);
	if (v->step == STEP_LOCKFILE_HELD)
		return explain_held(fd, "lockfile", l->opt->lockfile, v->pid);
	if (v->step == STEP_EXEC)
		return explain_exec(fd, l, v->err);

	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (messages[i].step == (enum step)v->step)
			break;
	if (i == sizeof(messages) / sizeof(messages[0])) {
		msg_to(fd, "cannot start '%s': %s", l->opt->argv[0],
		    strerror(v->err));
		return EXIT_SETUP;
	}
	/* The formats are ours and take at most the one object. */
	snprintf(line, sizeof(line), messages[i].fmt,
	    object_name(l->opt, messages[i].obj));
	if (v->err != 0)
		msg_to(fd, "%s: %s", line, reason(l, v));
	else
		msg_to(fd, "%s", line);
	return EXIT_SETUP;
}
