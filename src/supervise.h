/*
 * Supervised mode (-r, --restart): the daemon is a small resident
 * supervisor that holds the pidfile and lockfile for its life and runs
 * COMMAND as its child, restarting it by the policy of restart.h, and
 * forwarding the signals a daemon is sent (HUP, USR1, USR2, WINCH, ALRM,
 * INT, QUIT, TERM) to it. It is the second user of the event loop.
 */
#ifndef DAEMONIZE_SUPERVISE_H
#define DAEMONIZE_SUPERVISE_H

#include "launch.h"

/*
 * In the daemon's process, after setup_claim(): supervise until the end.
 * l->report_fd is the caller's verdict pipe (-1 with -f): the first run's
 * fate is told there as a plain start's would be. Does not return: exits
 * 0 (with -f: the last run's status, 128 + the signal if it was killed),
 * or as a failed set-up does.
 */
void supervise(struct launch *l) __attribute__((noreturn));

#endif
