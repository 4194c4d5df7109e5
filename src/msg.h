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

/*
 * Copy src (len bytes) to dst with control characters escaped, so a name
 * cannot split a line nor send escape sequences to a terminal: \n \t \r,
 * and every other byte below 0x20, DEL, and each byte of a C1 control's
 * UTF-8 form (C2 80 to C2 9F) as a backslash and three octal digits.
 * dst always ends with a NUL; what does not fit is cut at a whole escape.
 * Returns the length written.
 */
size_t msg_escape(char *dst, size_t size, const char *src, size_t len);

/* "    " and the escaped text, as one line on fd (a daemon's log line). */
void msg_indented(int fd, const char *text, size_t len);

#endif
