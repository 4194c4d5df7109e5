/*
 * The caller's side of a start: resolve and check everything that can be
 * checked before forking, fork, and wait for the daemon's verdict.
 */
#ifndef DAEMONIZE_START_H
#define DAEMONIZE_START_H

#include "options.h"

/* Start the command as a daemon; returns the exit code. */
int start(const struct options *o);

#endif
