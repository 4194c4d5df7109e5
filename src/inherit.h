/*
 * What a command inherits across execve(2) unless it is set on purpose:
 * open descriptors, and ignored or blocked signals. Used by the set-up
 * (setup.c); includes nothing of ours.
 */
#ifndef DAEMONIZE_INHERIT_H
#define DAEMONIZE_INHERIT_H

#include <stddef.h>

/*
 * Close every descriptor from 3 up but the n in keep (any order; negative
 * ones stand for none, and keep is sorted in place).
 */
void inherit_close_except(int *keep, size_t n);

/* Let fd survive the exec; -1 with errno. */
int inherit_fd(int fd);

/* Every signal's disposition to default, and an empty mask; -1 with errno. */
int inherit_reset_signals(void);

#endif
