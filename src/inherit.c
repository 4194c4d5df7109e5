/*
 * Descriptors and signals, as the command is to find them.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"
#include "inherit.h"

/* The kernel's sigset: its signal count (NSIG - 1) in whole longs. */
#define KERNEL_SIGSET_SIZE \
	(((size_t)NSIG - 1 + 8 * sizeof(long) - 1) / (8 * sizeof(long)) * \
	sizeof(long))

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Close [lo, hi]; close_range(2) where the kernel has it. */
static void
close_span(unsigned int lo, unsigned int hi)
{
	if (lo > hi)
		return;
	if (close_range(lo, hi, 0) == 0)
		return;
	if (hi == ~0U) {
		closefrom((int)lo);
		return;
	}
	for (; lo <= hi; lo++)
		(void)close((int)lo);
}

void
inherit_close_except(int *keep, size_t n)
{
	unsigned int lo = 3;
	size_t i;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (i = 0; i < n; i++) {
		if (keep[i] < (int)lo)
			continue;
		close_span(lo, (unsigned int)keep[i] - 1);
		lo = (unsigned int)keep[i] + 1;
	}
	close_span(lo, ~0U);
}

/* FD_CLOEXEC is the one descriptor flag there is: no F_GETFD first. */
int
inherit_fd(int fd)
{
	return fcntl(fd, F_SETFD, 0);
}

/*
 * glibc keeps two real-time signals for itself and will not touch them, but
 * a caller can leave them ignored (GNU make does): ask the kernel. A zeroed
 * kernel sigaction is SIG_DFL with no flags and an empty mask.
 */
static int
default_reserved(int sig)
{
	unsigned long ksa[8] = { 0 };

#ifdef __sparc__
	/* SPARC's takes a restorer before the size. */
	return (int)syscall(SYS_rt_sigaction, sig, ksa, NULL, NULL,
	    KERNEL_SIGSET_SIZE);
#else
	return (int)syscall(SYS_rt_sigaction, sig, ksa, NULL,
	    KERNEL_SIGSET_SIZE);
#endif
}

/* Ignored signals stay ignored across execve(2): make every one default. */
int
inherit_reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (signal(sig, SIG_DFL) == SIG_ERR &&
		    default_reserved(sig) == -1)
			return -1;
	}
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}
