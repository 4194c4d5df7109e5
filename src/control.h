/*
 * --stop and --status: the daemon named by a pidfile.
 */
#ifndef DAEMONIZE_CONTROL_H
#define DAEMONIZE_CONTROL_H

#include "options.h"

/* Stop the daemon in o->pidfile; returns the exit code. */
int control_stop(const struct options *o);

/* Tell on stdout whether it runs; returns the LSB status code. */
int control_status(const struct options *o);

#endif
