/*
 * --stop, --status and --signal: the daemon named by a pidfile.
 */
#ifndef DAEMONIZE_CONTROL_H
#define DAEMONIZE_CONTROL_H

#include "options.h"

/* Stop the daemon in o->pidfile; returns the exit code. */
int control_stop(const struct options *o);

/* Tell on stdout whether it runs; returns the LSB status code. */
int control_status(const struct options *o);

/* Send o->signal to the daemon in o->pidfile, nothing more; exit code. */
int control_signal(const struct options *o);

#endif
