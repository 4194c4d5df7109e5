/*
 * stamp: a command that fails at once, for the restart latency of
 * bench/supervisors.
 *
 *     stamp FILE N
 *
 * Each run appends one record to FILE: the CLOCK_MONOTONIC time, in
 * nanoseconds, at which main began and the time just before its one
 * write and exit, so the gap from one run's end to the next run's start
 * is a restart's cost: the supervisor's reaping, its decision, the next
 * fork, set-up and exec (and this write, a few microseconds). It exits 1 (a failure, to be restarted) unless its record is the
 * Nth or a later one: then 0, which ends supervision on failure only.
 * Records have a fixed width, so the count is the file's size over it;
 * each is one write to a file opened for appending. Linked statically,
 * so the time from exec to main is as short as it can be.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECORD 42			/* "%020lld %020lld\n" */

static long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	long long start = now(), n;
	char rec[RECORD + 1];
	struct stat st;
	int fd;

	if (argc != 3 || (n = strtoll(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: stamp FILE N\n");
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644)) == -1 ||
	    fstat(fd, &st) == -1) {
		perror(argv[1]);
		return 2;
	}
	snprintf(rec, sizeof(rec), "%020lld %020lld\n", start, now());
	if (write(fd, rec, RECORD) != RECORD) {
		perror(argv[1]);
		return 2;
	}
	return st.st_size / RECORD + 1 >= n ? 0 : 1;
}
