/*
 * Exit codes of daemonize, mirrored in the EXIT STATUS table of daemonize(1).
 */
#ifndef DAEMONIZE_EXITCODES_H
#define DAEMONIZE_EXITCODES_H

#define EXIT_RUNNING	1	/* already running; LSB "program is running" */
#define EXIT_USAGE	2	/* bad usage, as getopt-based tools and LSB do */
#define EXIT_NOTREADY	3	/* --wait: ended or failed before it was ready */
#define EXIT_TIMEOUT	124	/* --wait: not ready in time, as timeout(1) */
#define EXIT_SETUP	125	/* our own set-up failed, as env(1) and nohup(1) */
#define EXIT_CANNOT	126	/* POSIX shell: found but cannot be executed */
#define EXIT_NOTFOUND	127	/* POSIX shell: command not found */

#endif
