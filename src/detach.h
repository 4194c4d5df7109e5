/*
 * The daemon's session: setsid(2), and the forks that leave the caller's
 * process group and, by default, any chance of a controlling terminal.
 * What comes after, between fork and exec, is the set-up (setup.h).
 */
#ifndef DAEMONIZE_DETACH_H
#define DAEMONIZE_DETACH_H

#include "launch.h"

/*
 * In the first child: a new session and, with the default double fork, a
 * second fork whose parent leaves. Returns in the process that is to be
 * the daemon (or, in supervised mode, its supervisor); a failure is
 * reported as the set-up's are, and the process exits.
 */
void detach_session(struct launch *l);

/* In the first child: detach_session(), then set up and exec. */
void detach_daemon(struct launch *l) __attribute__((noreturn));
/* For -f: no session and no fork; set up in place and exec. */
void detach_in_place(struct launch *l) __attribute__((noreturn));

#endif
