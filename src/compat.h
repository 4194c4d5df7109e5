/*
 * What the BSDs have and glibc lacks, or has only lately. closefrom and
 * reallocarray come from libbsd, which the Makefile links in statically:
 * it is where the linker takes both from anyway, so the declarations and
 * the definitions agree. A leaf: nothing of ours.
 */
#ifndef DAEMONIZE_COMPAT_H
#define DAEMONIZE_COMPAT_H

#include <bsd/stdlib.h>		/* reallocarray */
#include <bsd/unistd.h>		/* closefrom */

/* The number of elements of an array, as <sys/param.h> has it on the BSDs. */
#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif
