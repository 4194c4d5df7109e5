/*
 * pause: the least a resident process can be, the yardstick of the
 * supervisors' memory in bench/supervisors. It only waits for a signal:
 * what it holds is what any dynamically linked C program holds once
 * started (the C library mapped, a stack, a page or two of heap).
 */
#include <unistd.h>

int
main(void)
{
	for (;;)
		pause();
}
