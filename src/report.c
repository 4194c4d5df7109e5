/*
 * Messages and the verdict pipe. Every failure is one line naming the
 * action, the object as the user gave it, and the reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "exitcodes.h"
#include "report.h"

void
vmsg_to(int fd, const char *fmt, va_list ap)
{
	static const char prefix[] = "daemonize: ";
	char line[1024];
	size_t len = sizeof(prefix) - 1;
	int n;

	memcpy(line, prefix, len);
	n = vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	if (n < 0)
		return;
	len += (size_t)n < sizeof(line) - len - 1 ? (size_t)n :
	    sizeof(line) - len - 2;
	line[len++] = '\n';
	/* One write, so lines from several processes do not interleave. */
	(void)!write(fd, line, len);
}

void
msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vmsg_to(STDERR_FILENO, fmt, ap);
	va_end(ap);
}

void
msg_to(int fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg_to(fd, fmt, ap);
	va_end(ap);
}

void
report_send(int fd, const struct verdict *v)
{
	ssize_t n;

	/* Smaller than PIPE_BUF, so written whole or not at all. */
	do
		n = write(fd, v, sizeof(*v));
	while (n == -1 && errno == EINTR);
}

int
report_receive(int fd, struct verdict *v)
{
	size_t got = 0;

	while (got < sizeof(*v)) {
		ssize_t n = read(fd, (char *)v + got, sizeof(*v) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof(*v))
		return 1;
	if (got != 0) {
		/* A torn verdict cannot happen with one small write. */
		v->step = STEP_NONE;
		v->err = EPROTO;
		return 1;
	}
	return 0;
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

int
report_explain(int fd, const struct launch *l, const struct verdict *v)
{
	const struct options *o = l->opt;
	const char *why = strerror(v->err);

	switch (v->step) {
	case STEP_SETSID:
		msg_to(fd, "cannot start a new session: %s", why);
		break;
	case STEP_FORK:
		msg_to(fd, "cannot fork: %s", why);
		break;
	case STEP_PIDFILE_OPEN:
		msg_to(fd, "cannot open pidfile '%s': %s", o->pidfile, why);
		break;
	case STEP_PIDFILE_SYMLINK:
		msg_to(fd, "cannot open pidfile '%s': it is a symbolic link",
		    o->pidfile);
		break;
	case STEP_PIDFILE_NOTREG:
		msg_to(fd, "cannot open pidfile '%s': not a regular file",
		    o->pidfile);
		break;
	case STEP_PIDFILE_HELD:
		return explain_held(fd, "pidfile", o->pidfile, v->pid);
	case STEP_PIDFILE_WRITE:
		msg_to(fd, "cannot write pidfile '%s': %s", o->pidfile, why);
		break;
	case STEP_LOCKFILE_OPEN:
		msg_to(fd, "cannot open lockfile '%s': %s", o->lockfile, why);
		break;
	case STEP_LOCKFILE_HELD:
		return explain_held(fd, "lockfile", o->lockfile, v->pid);
	case STEP_DEVNULL:
		msg_to(fd, "cannot open '/dev/null': %s", why);
		break;
	case STEP_STDOUT_OPEN:
		msg_to(fd, "cannot open log file '%s': %s", o->out, why);
		break;
	case STEP_STDERR_OPEN:
		msg_to(fd, "cannot open log file '%s': %s", o->err, why);
		break;
	case STEP_STDOUT_CHOWN:
		msg_to(fd, "cannot give log file '%s' to user '%s': %s",
		    o->out, o->user, why);
		break;
	case STEP_STDERR_CHOWN:
		msg_to(fd, "cannot give log file '%s' to user '%s': %s",
		    o->err, o->user, why);
		break;
	case STEP_STDIO:
		msg_to(fd, "cannot set up standard streams: %s", why);
		break;
	case STEP_FDS:
		msg_to(fd, "cannot close inherited descriptors: %s", why);
		break;
	case STEP_ENV:
		msg_to(fd, "cannot set up the environment: %s", why);
		break;
	case STEP_GROUPS:
		msg_to(fd, "cannot set the groups of user '%s': %s", o->user,
		    why);
		break;
	case STEP_SETGID:
		msg_to(fd, "cannot switch to group %ld: %s",
		    (long)l->user.gid, why);
		break;
	case STEP_SETUID:
		msg_to(fd, "cannot switch to user '%s': %s", o->user, why);
		break;
	case STEP_CHDIR:
		msg_to(fd, "cannot change directory to '%s': %s",
		    o->dir != NULL ? o->dir : "/", why);
		break;
	case STEP_EXEC:
		return explain_exec(fd, l, v->err);
	default:
		msg_to(fd, "cannot start '%s': %s", o->argv[0], why);
		break;
	}
	return EXIT_SETUP;
}
