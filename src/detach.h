/*
 * The daemon's side of a start: everything between fork and exec.
 * Neither function returns: they exec the command, or report the failed
 * step (over the verdict pipe, or in the foreground on the caller's stderr)
 * and exit after undoing what they created.
 */
#ifndef DAEMONIZE_DETACH_H
#define DAEMONIZE_DETACH_H

#include "launch.h"

/* In the first child: new session, second fork if asked, set up, exec. */
void detach_daemon(struct launch *l) __attribute__((noreturn));
/* For -f: set up in place and exec. */
void detach_in_place(struct launch *l) __attribute__((noreturn));

#endif
