/*
 * proc.c's proc_find_child(): the children file read in pieces, a pid
 * straddling two of them, and a child found by its name; and the same
 * through a file opened ahead (proc_child_in), read afresh each time. The
 * children are ours, made here, each waiting on a pipe, and reaped by pid.
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/proc.h"
#include "unit.h"

#define KIDS	80	/* more than one piece of the children file */

static pid_t kids[KIDS];
static size_t nkids;

/* A child that waits for the pipe's end, named name if not NULL. */
static pid_t
kid(const int fds[2], const char *name)
{
	pid_t pid = fork();
	char c;

	if (pid != 0)
		return pid;
	close(fds[1]);
	if (name != NULL)
		(void)prctl(PR_SET_NAME, name);
	(void)!read(fds[0], &c, 1);
	_exit(0);
}

/* Is pid one of ours? */
static bool
ours(pid_t pid)
{
	size_t i;

	for (i = 0; i < nkids; i++)
		if (kids[i] == pid)
			return true;
	return false;
}

int
main(void)
{
	const char *names[] = { "proc-test-mid", "proc-test-last" };
	int fds[2], ahead;
	size_t i;
	pid_t got;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(fds) == -1)
		return 2;
	unit_check(proc_find_child(getpid(), NULL) == 0,
	    "no children: none found");
	ahead = proc_children_open(getpid());
	unit_check(ahead >= 0 && proc_child_in(ahead, NULL) == 0,
	    "opened ahead, no children: none found");
	for (i = 0; i < KIDS; i++) {
		const char *name = i == KIDS / 2 ? names[0] :
		    i == KIDS - 1 ? names[1] : NULL;

		if ((kids[nkids] = kid(fds, name)) > 0)
			nkids++;
	}
	unit_check(nkids == KIDS, "%d children made", KIDS);
	got = proc_find_child(getpid(), NULL);
	unit_check(got > 0 && ours(got), "any child: one of ours (%ld)",
	    (long)got);
	for (i = 0; i < 2; i++) {
		got = proc_find_child(getpid(), names[i]);
		unit_check(got == kids[i == 0 ? KIDS / 2 : KIDS - 1],
		    "by name: %s found (%ld)", names[i], (long)got);
	}
	unit_check(proc_find_child(getpid(), "proc-test") == 0,
	    "a prefix of a name is not the name");
	unit_check(proc_find_child(getpid(), "proc-test-lastx") == 0,
	    "nor a longer one");
	for (i = 0; i < 2; i++)
		unit_check(proc_child_in(ahead, names[1]) == kids[KIDS - 1],
		    "opened ahead, read again (%zu): %s found", i + 1,
		    names[1]);
	close(fds[1]);
	for (i = 0; i < nkids; i++)
		(void)waitpid(kids[i], NULL, 0);
	unit_check(proc_find_child(getpid(), NULL) == 0,
	    "all reaped: none found");
	unit_check(proc_child_in(ahead, NULL) == 0,
	    "opened ahead, all reaped: none found");
	close(ahead);
	return unit_done();
}
