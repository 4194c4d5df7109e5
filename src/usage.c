/*
 * What daemonize says about its own use: --help, --version, and the
 * one-line usage errors that point to --help.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "exitcodes.h"
#include "msg.h"
#include "options.h"
#include "usage.h"

#define VERSION		"0.1.0"

void
options_usage(void)
{
	fputs(
"Usage: daemonize [OPTION]... [--] COMMAND [ARG]...\n"
"  or:  daemonize --stop -p PIDFILE [--signal SIG] [--timeout SECS]\n"
"  or:  daemonize --status -p PIDFILE\n"
"  or:  daemonize --signal SIG -p PIDFILE\n"
"Run COMMAND as a Unix daemon; exit 0 only once it has been executed (and,\n"
"with --wait, is ready). Stop it, tell whether it runs, or signal it, by its\n"
"pidfile.\n"
"\n"
"  -1, --single-fork        fork once: the daemon leads its session\n"
"  -2, --double-fork        fork twice: it can never regain a terminal (default)\n"
"  -a, --append             append to log files (default)\n"
"  -c, --chdir DIR          working directory of COMMAND (default /)\n"
"  -e, --stderr FILE        append COMMAND's stderr to FILE\n"
"  -E, --env NAME=VALUE     set a variable in COMMAND's environment\n"
"  -f, --foreground         do not fork or detach; set up in place and exec\n"
"  -h, --help               show this help and exit\n"
"  -l, --lockfile FILE      hold a lock on FILE for the daemon's lifetime\n"
"  -m, --umask MASK         octal umask of COMMAND (default 022)\n"
"  -o, --stdout FILE        append COMMAND's stdout to FILE\n"
"  -p, --pidfile FILE       lock FILE and write the daemon's pid to it\n"
"  -q, --quiet              say nothing when already running (a start) or\n"
"                             not running (--signal)\n"
"  -r                       supervise: same as --restart on-failure\n"
"  -t, --timeout SECS       time limit of a start (with --wait, default 60)\n"
"                             and of --stop before SIGKILL (default 10)\n"
"  -u, --user USER[:GROUP]  run COMMAND as USER (needs root)\n"
"  -v, --verbose            say what is being done, on stderr\n"
"  -V, --version            show the version and exit\n"
"  -w, --wait SPEC          return once COMMAND is ready (repeatable): notify,\n"
"                             fd:N, tcp:[HOST:]PORT, path:PATH or log:REGEX\n"
"      --clear-env          start COMMAND with an empty environment\n"
"      --keep-fd N          leave descriptor N open in COMMAND\n"
"      --log-keep N         rotated log files kept (default 5)\n"
"      --log-size SIZE      supervise, and rotate a log file before it\n"
"                             exceeds SIZE bytes (k, M, G; at least 4096)\n"
"      --nice N             add N (-20 to 19) to COMMAND's niceness\n"
"      --oom-score-adj N    set COMMAND's oom_score_adj (-1000 to 1000)\n"
"      --restart WHEN       supervise COMMAND and restart it when it ends:\n"
"                             on-failure or always\n"
"      --restart-delay MIN[:MAX]  back-off in seconds (default 1:60)\n"
"      --restart-limit N    give up after N quick restarts in a row\n"
"      --rlimit NAME=SOFT[:HARD]\n"
"                           set a resource limit of COMMAND (repeatable)\n"
"      --signal SIG         send SIG to the daemon in PIDFILE (0 checks only);\n"
"                             with --stop, the signal to stop it (default TERM)\n"
"      --status             tell whether the daemon in PIDFILE runs\n"
"      --stop               stop the daemon in PIDFILE\n"
"      --timestamps         supervise, and prefix each line of COMMAND's\n"
"                             output with the local time (RFC 3339)\n"
"      --truncate           truncate log files instead of appending\n"
"\n"
"Exit status of a start: 0 started, 1 already running, 2 usage error,\n"
"3 ended or failed before ready, 124 not ready in time, 125 set-up failed,\n"
"126 COMMAND not executable, 127 COMMAND not found. Of --stop: 0 stopped,\n"
"1 still running, 125 bad pidfile. Of --status: 0 running, 1 stale pidfile,\n"
"3 not running, 4 unknown, 125 untrusted pidfile. Of --signal: 0 sent,\n"
"1 not permitted, 7 not running, 125 bad pidfile.\n"
"See daemonize(1) for details.\n", stdout);
}

void
options_version(void)
{
	printf("daemonize %s\n", VERSION);
}

int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vmsg_to(STDERR_FILENO, fmt, ap);
	va_end(ap);
	fputs("Try 'daemonize --help'.\n", stderr);
	return EXIT_USAGE;
}
