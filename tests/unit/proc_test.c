/*
 * proc.c's proc_find_child(): the children file read in pieces, and a
 * child found by its name; the same through a file opened ahead
 * (proc_child_in), read afresh each time; and, in a file of our own, a pid
 * straddling two pieces and a number too long to be one. The children are
 * ours, made here, each waiting on a pipe, and reaped by pid.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/proc.h"
#include "unit.h"

#define KIDS	80	/* more than one piece of the children file */

static pid_t kids[KIDS];
static size_t nkids;

/*
 * A child named name (if not NULL) that says so on up[1], then waits for
 * the end of hold.
 */
static pid_t
kid(const int hold[2], const int up[2], const char *name)
{
	pid_t pid = fork();
	char c = 'x';

	if (pid != 0)
		return pid;
	close(hold[1]);
	close(up[0]);
	if (name != NULL)
		(void)prctl(PR_SET_NAME, name);
	(void)!write(up[1], &c, 1);
	close(up[1]);
	(void)!read(hold[0], &c, 1);
	_exit(0);
}

/* A file in memory holding text (proc_child_in() reads from its start). */
static int
file_of(const char *text)
{
	int fd = memfd_create("children", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* proc_child_in() over text (any child): the pid, 0 for none. */
static pid_t
child_in_text(const char *text)
{
	int fd = file_of(text);
	pid_t pid;

	if (fd < 0)
		return -1;
	pid = proc_child_in(fd, NULL);
	close(fd);
	return pid;
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
	char text[300], c;
	int fds[2], up[2], ahead;
	size_t i;
	pid_t got;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* 254 spaces, then a pid the first 256-byte piece cuts after "12". */
	memset(text, ' ', 254);
	strcpy(text + 254, "12345 ");
	unit_check(child_in_text(text) == 12345,
	    "a pid straddling two pieces is read whole");
	unit_check(child_in_text("12345") == 12345,
	    "a pid at the end without a space");
	unit_check(child_in_text("99999999999999999999 7 ") == 7,
	    "a number too long to be a pid is skipped");
	unit_check(child_in_text("") == 0 && child_in_text("  ") == 0,
	    "no pids: none");
	if (pipe(fds) == -1 || pipe(up) == -1)
		return 2;
	unit_check(proc_find_child(getpid(), NULL) == 0,
	    "no children: none found");
	ahead = proc_children_open(getpid());
	unit_check(ahead >= 0 && proc_child_in(ahead, NULL) == 0,
	    "opened ahead, no children: none found");
	for (i = 0; i < KIDS; i++) {
		const char *name = i == KIDS / 2 ? names[0] :
		    i == KIDS - 1 ? names[1] : NULL;

		if ((kids[nkids] = kid(fds, up, name)) > 0)
			nkids++;
	}
	close(up[1]);
	/* Each has its name once it has said so. */
	for (i = 0; i < nkids; i++)
		if (read(up[0], &c, 1) != 1)
			break;
	close(up[0]);
	unit_check(nkids == KIDS && i == KIDS, "%d children made and named",
	    KIDS);
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
