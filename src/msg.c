/*
 * Messages: every failure is one line naming the action, the object as the
 * user gave it, and the reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

void
vmsg_to(int fd, const char *fmt, va_list ap)
{
	static const char prefix[] = "daemonize: ";
	char line[1024];
	size_t len = sizeof(prefix) - 1;
	int n;

	memcpy(line, prefix, len);
	n = vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	if (n < 0)
		return;
	len += (size_t)n < sizeof(line) - len - 1 ? (size_t)n :
	    sizeof(line) - len - 2;
	line[len++] = '\n';
	/* One write, so lines from several processes do not interleave. */
	(void)!write(fd, line, len);
}

void
msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vmsg_to(STDERR_FILENO, fmt, ap);
	va_end(ap);
}

void
msg_to(int fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg_to(fd, fmt, ap);
	va_end(ap);
}
