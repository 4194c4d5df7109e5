/*
 * Storage for what a start keeps for the daemon's life: the resolved
 * paths, the options' lists, the event loops' tables.
 *
 * A resident supervisor holds every page it or its caller wrote before
 * the forks. One call of malloc(3), even freed, leaves it a page of heap
 * (malloc's per-thread cache sits at the heap's bottom, out of
 * malloc_trim's reach), while the page that holds .data and .bss is
 * written anyway (relocations, the loader's zeroing) and almost empty. So
 * these come from a block in .bss while it has room, and from the heap
 * after. The block's room is never reused, and a block is zeroed as
 * calloc(3)'s is. One thread only (the warden calls none of this).
 */
#ifndef DAEMONIZE_ARENA_H
#define DAEMONIZE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/*
 * With our own .data and .bss (0x160 bytes) still one page: readelf -lW
 * shows it from the end of GNU_RELRO, a page boundary, to the end of the
 * writable LOAD; bench/supervisors warns when it is more. A supervisor
 * with a pidfile keeps 576 bytes here (the loop's tables, 512 of them),
 * with two logs, a lockfile and -c about 750.
 */
#define ARENA_SIZE	2048

/* n zeroed objects of size bytes, aligned for any type; NULL, ENOMEM. */
void *arena_calloc(size_t n, size_t size);

/*
 * Room for n objects of size bytes, the first old_n of them those of p
 * (a block of these functions, or NULL), the rest zeroed; p is freed as
 * arena_free() does. NULL with ENOMEM, p left as it was.
 */
void *arena_grow(void *p, size_t old_n, size_t n, size_t size);

/* A block from the heap goes back to it; one from .bss stays; NULL too. */
void arena_free(void *p);

/* Whether p lies in the .bss block (for the unit tests). */
bool arena_holds(const void *p);

#endif
