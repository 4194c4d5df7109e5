/*
 * What a process that stays for the daemon's life owes its host: it lets
 * go of what the start left it, and gives back the memory the start used.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "compat.h"
#include "inherit.h"
#include "resident.h"

/*
 * Stack kept below the frame that sheds the rest: room for that frame's
 * locals and the call of madvise(2), with any instrumentation we build
 * with. The loop runs a hundred bytes above it; what its events need
 * deeper comes back zeroed, a page fault each the first time.
 */
#define STACK_KEEP	512

/*
 * Detached, let go of what the start left us: the caller's streams and
 * directory, and every descriptor but those the runs need (a resident
 * process must not keep a pipe, a terminal or a file system busy).
 */
void
resident_leave_caller(struct launch *l)
{
	size_t max = l->opt->nkeep + l->nready_fds + nitems(l->guard_fd) + 6;
	size_t n = 0, i;
	/* On the stack for the usual few: no heap to keep (arena.h). */
	int few[32], *keep = few;
	int null;

	if (l->opt->forks == FORKS_NONE)
		return;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		int fd;

		for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
			(void)dup2(null, fd);
		close(null);
	}
	(void)chdir("/");
	if (max > nitems(few) && (keep = calloc(max, sizeof(*keep))) == NULL)
		return;
	for (i = 0; i < l->opt->nkeep; i++)
		keep[n++] = l->opt->keep[i];
	for (i = 0; i < l->nready_fds; i++)
		keep[n++] = l->ready_fds[i];
	for (i = 0; i < (size_t)l->nguard; i++)
		keep[n++] = l->guard_fd[i];
	keep[n++] = l->pid_fd;
	keep[n++] = l->lock_fd;
	keep[n++] = l->out_fd;
	keep[n++] = l->err_fd;
	keep[n++] = l->report_fd;
	keep[n++] = l->msg_fd;
	inherit_close_except(keep, n);
	if (keep != few)
		free(keep);
}

/*
 * The lowest address of our stack's mapping, or 0. From /proc/self/maps:
 * getrlimit gives the most it may grow to, not what it has. Read without
 * stdio, whose FILE and buffer, freed, would stay in malloc's per-thread
 * cache above what is live and keep malloc_trim from giving their page
 * back.
 */
static uintptr_t
stack_low(void)
{
	char buf[512], *line, *nl;
	size_t len = 0;
	ssize_t n;
	uintptr_t lo = 0, hi;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	while (lo == 0 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
		buf[len += (size_t)n] = '\0';
		for (line = buf; lo == 0 && (nl = strchr(line, '\n')) != NULL;
		    line = nl + 1) {
			*nl = '\0';
			if (strstr(line, "[stack]") == NULL || sscanf(line,
			    "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) != 2)
				lo = 0;
		}
		/* What is left of a line comes first in the next read. */
		len = strlen(line);
		if (len == sizeof(buf) - 1)
			len = 0;	/* a line longer than buf: a file's */
		memmove(buf, line, len);
	}
	close(fd);
	return lo;
}

/*
 * Resident for the daemon's life, the supervisor gives back what the start
 * used: the heap's free tail (a start with -u, -w or the relay has a heap;
 * others keep what they need in the arena, arena.h), and the stack pages
 * below where it runs now (the start went deeper than the loop ever will;
 * pages it needs again come back zeroed). It then holds what runsv does
 * (bench/supervisors).
 */
void
resident_shed_memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = stack_low(), top;

	(void)malloc_trim(0);
	if (page <= 0 || here < STACK_KEEP)
		return;
	top = (here - STACK_KEEP) & ~((uintptr_t)page - 1);
	if (lo != 0 && top > lo)
		(void)madvise((void *)lo, top - lo, MADV_DONTNEED);
}
