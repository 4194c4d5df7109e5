/*
 * Deadlines and waits count milliseconds on the monotonic clock, in 64
 * bits: a 32-bit long overflows after 25 days of uptime.
 */
#ifndef DAEMONIZE_CLOCK_H
#define DAEMONIZE_CLOCK_H

#include <time.h>

static inline long long
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
