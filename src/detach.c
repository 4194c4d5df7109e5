/*
 * Session and forks. The first child (forked by start.c) makes a new
 * session; with -2 it forks again and leaves, so the daemon is not a
 * session leader and can never acquire a terminal by opening one. That
 * first child runs in the caller's memory (vfork(2)): up to its _exit(),
 * it changes nothing there the caller reads, but for the pids it tells
 * the warden (warden.h).
 */
#include <errno.h>
#include <unistd.h>

#include "detach.h"
#include "report.h"
#include "setup.h"
#include "supervise.h"
#include "warden.h"

void
detach_session(struct launch *l)
{
	struct verdict v = { STEP_DETACHED, 0, 0, 0, 0, 0 };
	pid_t pid;

	if (setsid() == -1)
		setup_fail(l, STEP_SETSID, errno, 0, 0);
	if (l->opt->forks != FORKS_TWO)
		return;
	if ((pid = fork()) == -1)
		setup_fail(l, STEP_FORK, errno, 0, 0);
	if (pid == 0)
		return;
	warden_note_daemon(pid);
	/*
	 * So the caller can wait for all of it to be gone. Sent from here,
	 * while the daemon's side gets on with its set-up, not by that side.
	 */
	v.pid = pid;
	report_send(l->report_fd, &v);
	_exit(0);
}

void
detach_daemon(struct launch *l)
{
	detach_session(l);
	setup_claim(l);
	if (l->opt->supervise)
		supervise(l);
	setup_exec(l);
}

void
detach_in_place(struct launch *l)
{
	setup_claim(l);
	if (l->opt->supervise)
		supervise(l);
	setup_exec(l);
}
