/*
 * arena.c: blocks from .bss while there is room, aligned and zeroed, then
 * from the heap. Each case that needs an empty arena runs in a child of
 * its own (a fork has the parent's arena as it was, empty).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/arena.h"
#include "unit.h"

static bool
aligned(const void *p)
{
	return (uintptr_t)p % alignof(max_align_t) == 0;
}

static bool
zeroed(const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len-- > 0)
		if (*c++ != 0)
			return false;
	return true;
}

/* Whether fn, run in a child on an empty arena, returned true. */
static bool
in_child(bool (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return false;
	if (pid == 0)
		exit(fn() ? 0 : 1);	/* exit, so a leak check runs */
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

/* The whole arena in one block; then even a byte is the heap's. */
static bool
exact_fit(void)
{
	unsigned char *p = arena_calloc(ARENA_SIZE, 1), *q;
	bool ok;

	if (p == NULL || !arena_holds(p) || !arena_holds(p + ARENA_SIZE - 1) ||
	    arena_holds(p + ARENA_SIZE) || !aligned(p) ||
	    !zeroed(p, ARENA_SIZE))
		return false;
	memset(p, 0xa5, ARENA_SIZE);
	q = arena_calloc(1, 1);
	ok = q != NULL && !arena_holds(q) && zeroed(q, 1);
	arena_free(q);
	arena_free(p);
	return ok;
}

/* A block larger than the arena is the heap's, and takes none of it. */
static bool
too_large(void)
{
	unsigned char *big = arena_calloc(ARENA_SIZE + 1, 1), *p;
	bool ok = big != NULL && !arena_holds(big) &&
	    zeroed(big, ARENA_SIZE + 1);

	arena_free(big);
	p = arena_calloc(ARENA_SIZE / 8, 8);
	ok = ok && p != NULL && arena_holds(p) && arena_holds(p + ARENA_SIZE -
	    1);
	arena_free(p);
	return ok;
}

/*
 * Odd-sized blocks until the arena is full: each aligned, zeroed and apart
 * from the others (a pattern written to each survives the rest); after
 * the first from the heap, all are.
 */
static bool
fill_up(void)
{
	enum { SIZE = 3 * 7 };
	unsigned char *held[ARENA_SIZE / SIZE + 1], *p;
	size_t n = 0, i;
	bool ok = true;

	while ((p = arena_calloc(3, 7)) != NULL && arena_holds(p)) {
		if (n == sizeof(held) / sizeof(held[0]) || !aligned(p) ||
		    !zeroed(p, SIZE) || !arena_holds(p + SIZE - 1))
			return false;
		memset(p, (int)(n + 1), SIZE);
		held[n++] = p;
	}
	ok = p != NULL && n > 1 && zeroed(p, SIZE);
	arena_free(p);
	for (i = 0; i < 3; i++) {
		p = arena_calloc(1, 1);
		ok = ok && p != NULL && !arena_holds(p);
		arena_free(p);
	}
	for (i = 0; i < n; i++) {
		unsigned char want[SIZE];

		memset(want, (int)(i + 1), SIZE);
		ok = ok && memcmp(held[i], want, SIZE) == 0;
	}
	return ok;
}

/* A block of the heap moved into the arena's room is freed. */
static bool
grow_from_heap(void)
{
	int *p = arena_calloc(ARENA_SIZE, 1), *h, *g;
	bool ok;

	arena_free(p);		/* the arena stays full */
	if ((h = arena_calloc(4, sizeof(*h))) == NULL || arena_holds(h))
		return false;
	h[0] = 7;
	h[3] = 9;
	g = arena_grow(h, 4, 6, sizeof(*h));
	ok = g != NULL && !arena_holds(g) && g[0] == 7 && g[3] == 9 &&
	    g[4] == 0 && g[5] == 0;
	arena_free(g);
	return ok;
}

#ifdef __SANITIZE_ADDRESS__
/* Dies of AddressSanitizer's report: a byte past a block, then nothing. */
static bool
overrun(void)
{
	volatile char *p = arena_calloc(5, 1);
	int null = open("/dev/null", O_WRONLY);

	if (null != -1)
		(void)dup2(null, STDERR_FILENO);
	p[5] = 1;
	return true;
}
#endif

int
main(void)
{
	static const struct {
		size_t n, size;
	} small[] = {
		{ 1, 1 }, { 0, 8 }, { 3, 0 }, { 3, 5 }, { 16, 1 }, { 7, 24 },
		{ 1, 2 * alignof(max_align_t) + 1 },
	};
	unsigned char *p[sizeof(small) / sizeof(small[0])];
	size_t i, j;
	int *a, *g;

	unit_check(in_child(exact_fit), "a block of ARENA_SIZE bytes is the "
	    "arena's, the next byte the heap's");
	unit_check(in_child(too_large), "ARENA_SIZE + 1 bytes are the "
	    "heap's, and leave the arena empty");
	unit_check(in_child(fill_up), "blocks until full: aligned, zeroed, "
	    "apart; then the heap");
	unit_check(in_child(grow_from_heap), "arena_grow of a heap block, "
	    "the arena full: copied, rest zeroed");
#ifdef __SANITIZE_ADDRESS__
	unit_check(!in_child(overrun), "a byte past a block is caught");
#else
	unit_check(true, "a byte past a block is caught # SKIP not built "
	    "with AddressSanitizer");
#endif

	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		size_t len = small[i].n * small[i].size;

		p[i] = arena_calloc(small[i].n, small[i].size);
		unit_check(p[i] != NULL && arena_holds(p[i]) && aligned(p[i]) &&
		    zeroed(p[i], len), "%zu x %zu bytes: the arena's, "
		    "aligned, zeroed", small[i].n, small[i].size);
		for (j = 0; j < i; j++)
			if (p[j] == p[i])
				break;
		unit_check(j == i, "%zu x %zu bytes: a block of its own",
		    small[i].n, small[i].size);
		memset(p[i], 0xff, len);
	}

	errno = 0;
	unit_check(arena_calloc(SIZE_MAX / 2 + 1, 2) == NULL &&
	    errno == ENOMEM, "n x size past SIZE_MAX: NULL, ENOMEM");

	if ((a = arena_calloc(3, sizeof(*a))) != NULL) {
		a[0] = 1;
		a[1] = 2;
		a[2] = 3;
	}
	g = arena_grow(a, 3, 8, sizeof(*a));
	unit_check(a != NULL && g != NULL && g != a && arena_holds(g) &&
	    g[0] == 1 &&
	    g[1] == 2 && g[2] == 3 && zeroed(g + 3, 5 * sizeof(*g)),
	    "arena_grow: the old objects copied, the rest zeroed");
	g = arena_grow(NULL, 0, 2, sizeof(*g));
	unit_check(g != NULL && zeroed(g, 2 * sizeof(*g)),
	    "arena_grow of NULL: a new block");

	arena_free(NULL);
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		arena_free(p[i]);
	unit_check(arena_holds(p[0]) && !arena_holds(NULL) &&
	    !arena_holds(&i), "arena_holds: the arena's blocks only");
	return unit_done();
}
