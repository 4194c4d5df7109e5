/*
 * One-line messages, "daemonize: " first, as err(3) words them. A leaf:
 * it includes nothing of ours, so any module may use it.
 */
#ifndef DAEMONIZE_MSG_H
#define DAEMONIZE_MSG_H

#include <stdarg.h>
#include <stddef.h>

/* "daemonize: " and the formatted text, as one line on stderr. */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same on descriptor fd. */
void msg_to(int fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vmsg_to(int fd, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
