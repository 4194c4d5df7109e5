/*
 * What the harnesses share: a stderr of their own, kept before libFuzzer's
 * -close_fd_mask=2 closes the target's, and the one way they report a
 * broken promise (a message, then abort(3), which libFuzzer saves).
 */
#ifndef DAEMONIZE_FUZZ_HARNESS_H
#define DAEMONIZE_FUZZ_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static FILE *harness_out;

/* From LLVMFuzzerInitialize(), before libFuzzer closes stderr. */
static void
harness_keep_stderr(void)
{
	if ((harness_out = fdopen(dup(STDERR_FILENO), "w")) == NULL)
		harness_out = stderr;
	setvbuf(harness_out, NULL, _IONBF, 0);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
harness_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(harness_out != NULL ? harness_out : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', harness_out != NULL ? harness_out : stderr);
	abort();
}

#endif
