/*
 * A resident supervisor's manners (resident.c).
 */
#ifndef DAEMONIZE_RESIDENT_H
#define DAEMONIZE_RESIDENT_H

#include "launch.h"

/*
 * Detached: the caller's streams become /dev/null, the directory /, and
 * every descriptor goes but those the runs and the supervisor need.
 */
void resident_leave_caller(struct launch *l);

/*
 * Once the start is behind: give back the heap's free tail and the stack
 * below the caller's frame.
 */
void resident_shed_memory(void);

#endif
