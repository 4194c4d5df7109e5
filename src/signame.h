/*
 * Signal names as kill(1) spells them: "TERM", "SIGTERM", "RTMIN+2", or a
 * number.
 */
#ifndef DAEMONIZE_SIGNAME_H
#define DAEMONIZE_SIGNAME_H

#include <stddef.h>

/*
 * The signal named by s (any case, "SIG" optional) or numbered by it (0,
 * which sends nothing, included), or -1.
 */
int signame_parse(const char *s);

/* "SIGTERM", "SIGRTMIN+2", or the number, in buf; returns buf. */
const char *signame_format(int sig, char *buf, size_t size);

#endif
