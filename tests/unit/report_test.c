/*
 * report.c: the line for each failed step. Its formats are char arrays
 * (no relocation), and C lets a format that fills one exactly lose its
 * NUL: every step's line is checked to be the message and nothing after.
 */
#include <errno.h>
#include <string.h>

#include "../../src/compat.h"
#include "../../src/exitcodes.h"
#include "../../src/report.h"
#include "unit.h"

static const struct {
	enum step step;
	int err;
	const char *line;
} cases[] = {
	{ STEP_SETSID, EPERM,
	    "cannot start a new session: Operation not permitted" },
	{ STEP_FORK, EAGAIN,
	    "cannot fork: Resource temporarily unavailable" },
	{ STEP_PIDFILE_OPEN, EACCES,
	    "cannot open pidfile 'app.pid': Permission denied" },
	{ STEP_PIDFILE_NOTREG, 0,
	    "cannot open pidfile 'app.pid': not a regular file" },
	{ STEP_LOCKFILE_OPEN, ENOENT,
	    "cannot open lockfile 'app.lock': No such file or directory" },
	{ STEP_DEVNULL, ENOENT,
	    "cannot open '/dev/null': No such file or directory" },
	{ STEP_STDOUT_OPEN, EISDIR,
	    "cannot open log file 'out.log': Is a directory" },
	{ STEP_STDERR_LOCKFILE, 0,
	    "cannot use log file 'err.log': it is the lockfile" },
	{ STEP_STDOUT_CHOWN, EPERM,
	    "cannot give log file 'out.log' to the user: "
	    "Operation not permitted" },
	{ STEP_RLIMIT, EPERM,
	    "cannot set resource limit 'nofile=10': Operation not permitted" },
	{ STEP_NICE, EACCES,
	    "cannot change the niceness by -5: Permission denied" },
	{ STEP_OOM_SCORE_ADJ, EACCES,
	    "cannot set oom_score_adj to -100: Permission denied" },
	{ STEP_GROUPS, EPERM,
	    "cannot set the groups of user 'www': Operation not permitted" },
	{ STEP_CHDIR, ENOENT,
	    "cannot change directory to '/srv': No such file or directory" },
	{ STEP_PARENT, ESRCH,
	    "cannot tie the command to its supervisor: No such process" },
};

/* Steps reported by other means (held files, exec) or not failures. */
static bool
has_message(enum step s)
{
	return s != STEP_PIDFILE_HELD && s != STEP_LOCKFILE_HELD &&
	    s < STEP_EXEC;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

int
main(void)
{
	struct rlimit_spec rl = { .given = "nofile=10" };
	char *argv[] = { "app", NULL };
	struct options o = {
		.pidfile = "app.pid", .lockfile = "app.lock",
		.out = "out.log", .err = "err.log", .dir = "/srv",
		.user = "www", .rlimits = &rl, .nrlimits = 1,
		.nice_arg = "-5", .oom_score_adj_arg = "-100", .argv = argv,
	};
	struct launch l = { .opt = &o };
	char line[1024];
	size_t i;
	int s;

	for (i = 0; i < nitems(cases); i++) {
		struct verdict v = { cases[i].step, cases[i].err, 0, 0, 0, 0 };
		int rc = report_format(line, sizeof(line), &l, &v);

		unit_check(rc == EXIT_SETUP && strcmp(line, cases[i].line) == 0,
		    "step %d: %s", cases[i].step, line);
	}
	/* Every format ends where its text does. */
	for (s = STEP_SETSID; s < STEP_EXEC; s++) {
		struct verdict v = { s, 0, 0, 0, 0, 0 };

		if (!has_message((enum step)s))
			continue;
		(void)report_format(line, sizeof(line), &l, &v);
		unit_check(strncmp(line, "cannot ", 7) == 0 && printable(line) &&
		    strlen(line) < 80, "step %d alone: %s", s, line);
	}
	return unit_done();
}
