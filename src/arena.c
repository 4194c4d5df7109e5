/*
 * A bump allocator over one static block, with the heap behind it (see
 * arena.h for why a start's lasting data lives here).
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/*
 * Under AddressSanitizer the room not handed out is poisoned, and each
 * block is followed by a poisoned gap, so an overrun is caught here as it
 * would be on the heap.
 */
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define REDZONE		16
#else
#define ASAN_POISON_MEMORY_REGION(p, n)		((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n)	((void)(p), (void)(n))
#define REDZONE		0
#endif

#define ALIGN		alignof(max_align_t)

/* The one piece of state outside a struct: it is the point (arena.h). */
static alignas(max_align_t) unsigned char block[ARENA_SIZE];
static size_t used;

void *
arena_calloc(size_t n, size_t size)
{
	size_t bytes, room, step;
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	bytes = n * size;
	/* At least a byte each, so blocks are distinct, as calloc's are. */
	room = bytes != 0 ? bytes : 1;
	if (room > ARENA_SIZE - used)
		return calloc(n, size);
	if (used == 0)
		ASAN_POISON_MEMORY_REGION(block, sizeof(block));
	p = block + used;
	ASAN_UNPOISON_MEMORY_REGION(p, bytes);
	step = (room + REDZONE + ALIGN - 1) / ALIGN * ALIGN;
	used = step < ARENA_SIZE - used ? used + step : ARENA_SIZE;
	return p;
}

void *
arena_grow(void *p, size_t old_n, size_t n, size_t size)
{
	void *q = arena_calloc(n, size);

	if (q == NULL)
		return NULL;
	if (p != NULL)
		memcpy(q, p, (old_n < n ? old_n : n) * size);
	arena_free(p);
	return q;
}

void
arena_free(void *p)
{
	if (!arena_holds(p))
		free(p);
}

bool
arena_holds(const void *p)
{
	return (uintptr_t)p - (uintptr_t)block < sizeof(block);
}
