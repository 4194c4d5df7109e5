/*
 * Messages: every failure is one line naming the action, the object as the
 * user gave it, and the reason.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

/* The escape for byte i of s, or NULL if it stands as it is. */
static const char *
escape_of(const unsigned char *s, size_t len, size_t i, char buf[5])
{
	unsigned char c = s[i];
	bool c1 = (c == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 &&
	    s[i + 1] <= 0x9f) ||
	    (c >= 0x80 && c <= 0x9f && i > 0 && s[i - 1] == 0xc2);

	if (c == '\n')
		return "\\n";
	if (c == '\t')
		return "\\t";
	if (c == '\r')
		return "\\r";
	if (c < 0x20 || c == 0x7f || c1) {
		snprintf(buf, 5, "\\%03o", c);
		return buf;
	}
	return NULL;
}

size_t
msg_escape(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i, n = 0;

	if (size == 0)
		return 0;
	for (i = 0; i < len; i++) {
		char buf[5];
		const char *e = escape_of(s, len, i, buf);
		size_t elen = e != NULL ? strlen(e) : 1;

		if (n + elen >= size)
			break;
		if (e != NULL)
			memcpy(dst + n, e, elen);
		else
			dst[n] = (char)s[i];
		n += elen;
	}
	dst[n] = '\0';
	return n;
}

/* prefix, then text escaped, then a newline: one write. */
static void
write_line(int fd, const char *prefix, const char *text, size_t len)
{
	char line[2048];
	size_t plen = strlen(prefix), n;

	memcpy(line, prefix, plen);
	n = plen + msg_escape(line + plen, sizeof(line) - plen - 1, text, len);
	line[n++] = '\n';
	/* One write, so lines from several processes do not interleave. */
	(void)!write(fd, line, n);
}

void
vmsg_to(int fd, const char *fmt, va_list ap)
{
	char text[1024];
	int n;

	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0)
		return;
	write_line(fd, "daemonize: ", text,
	    (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

void
msg_indented(int fd, const char *text, size_t len)
{
	write_line(fd, "    ", text, len);
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
