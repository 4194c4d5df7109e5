/*
 * Command line parsing. Records choices and checks their form; opening,
 * resolving and looking up are left to the start.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "exitcodes.h"
#include "options.h"
#include "report.h"

#define VERSION		"0.1.0"
#define TIMEOUT_MAX	1000000.0	/* seconds; about 11 days */

enum {
	OPT_CLEAR_ENV = 256,
	OPT_KEEP_FD,
	OPT_TRUNCATE,
};

/* Sorted by letter, long-only options last; keep in step with usage(). */
static const char shortopts[] = "+:12ac:e:E:fhl:m:o:p:t:u:vV";

static const struct option longopts[] = {
	{ "single-fork",	no_argument,		NULL, '1' },
	{ "double-fork",	no_argument,		NULL, '2' },
	{ "append",		no_argument,		NULL, 'a' },
	{ "chdir",		required_argument,	NULL, 'c' },
	{ "stderr",		required_argument,	NULL, 'e' },
	{ "env",		required_argument,	NULL, 'E' },
	{ "foreground",		no_argument,		NULL, 'f' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "lockfile",		required_argument,	NULL, 'l' },
	{ "umask",		required_argument,	NULL, 'm' },
	{ "stdout",		required_argument,	NULL, 'o' },
	{ "pidfile",		required_argument,	NULL, 'p' },
	{ "timeout",		required_argument,	NULL, 't' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "clear-env",		no_argument,		NULL, OPT_CLEAR_ENV },
	{ "keep-fd",		required_argument,	NULL, OPT_KEEP_FD },
	{ "truncate",		no_argument,		NULL, OPT_TRUNCATE },
	{ NULL,			0,			NULL, 0 },
};

void
options_usage(void)
{
	fputs(
"Usage: daemonize [OPTION]... [--] COMMAND [ARG]...\n"
"Run COMMAND as a Unix daemon; exit 0 only once it has been executed.\n"
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
"  -t, --timeout SECS       time limit of --wait and --stop\n"
"  -u, --user USER[:GROUP]  run COMMAND as USER (needs root)\n"
"  -v, --verbose            say what is being done, on stderr\n"
"  -V, --version            show the version and exit\n"
"      --clear-env          start COMMAND with an empty environment\n"
"      --keep-fd N          leave descriptor N open in COMMAND\n"
"      --truncate           truncate log files instead of appending\n"
"\n"
"Exit status: 0 started, 1 already running, 2 usage error, 125 set-up failed,\n"
"126 COMMAND not executable, 127 COMMAND not found.\n"
"See daemonize(1) for details.\n", stdout);
}

void
options_version(void)
{
	printf("daemonize %s\n", VERSION);
}

static int __attribute__((format(printf, 1, 2)))
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

/* Octal 0 to 0777, digits only: "8", "-1", "0x1" and "" are refused. */
static int
parse_umask(const char *s, mode_t *mask)
{
	unsigned long v = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > 4)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			return -1;
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (v > 0777)
		return -1;
	*mask = (mode_t)v;
	return 0;
}

/* Plain decimal seconds ("10", "0.25"): no sign, exponent, inf or nan. */
static int
parse_seconds(const char *s, double *secs)
{
	const char *p = s;
	char *end;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s)
		return -1;
	if (*p == '.') {
		const char *frac = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == frac)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*secs = strtod(s, &end);
	if (*end != '\0' || *secs > TIMEOUT_MAX)
		return -1;
	return 0;
}

/* NAME=VALUE with a non-empty NAME. */
static bool
is_assignment(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq != NULL && eq != s;
}

static int
parse_keep_fd(struct options *o, const char *arg)
{
	const char *errstr;
	long long fd;

	fd = strtonum(arg, 3, INT32_MAX, &errstr);
	if (errstr != NULL)
		return usage_error("invalid descriptor '%s' for --keep-fd: %s "
		    "(3 or more)", arg, errstr);
	o->keep[o->nkeep++] = (int)fd;
	return 0;
}

static int
bad_option(char *argv[], int at, int c)
{
	/* argv[at] is the word getopt was reading when it stopped. */
	if (strncmp(argv[at], "--", 2) == 0) {
		if (c == ':')
			return usage_error("option '%s' requires an argument",
			    argv[at]);
		return usage_error("unrecognized option '%s'", argv[at]);
	}
	if (c == ':')
		return usage_error("option requires an argument -- '%c'",
		    optopt);
	return usage_error("invalid option -- '%c'", optopt);
}

static int
empty_argument(int c)
{
	const struct option *lo;

	for (lo = longopts; lo->name != NULL; lo++)
		if (lo->val == c)
			break;
	return usage_error("option '--%s' needs a non-empty argument",
	    lo->name);
}

/* One option: record it, or return the exit code of a usage error. */
static int
take_option(struct options *o, int c, char *arg)
{
	if (arg != NULL && *arg == '\0')
		return empty_argument(c);

	switch (c) {
	case '1':
		o->forks = FORKS_ONE;
		break;
	case '2':
		o->forks = FORKS_TWO;
		break;
	case 'a':
		o->truncate = false;
		break;
	case 'c':
		o->dir = arg;
		break;
	case 'e':
		o->err = arg;
		break;
	case 'E':
		if (!is_assignment(arg))
			return usage_error("invalid environment assignment "
			    "'%s' (want NAME=VALUE)", arg);
		o->env[o->nenv++] = arg;
		break;
	case 'f':
		o->forks = FORKS_NONE;
		break;
	case 'h':
		o->help = true;
		break;
	case 'l':
		o->lockfile = arg;
		break;
	case 'm':
		if (parse_umask(arg, &o->umask) == -1)
			return usage_error("invalid umask '%s' (octal, 0 to "
			    "0777)", arg);
		break;
	case 'o':
		o->out = arg;
		break;
	case 'p':
		o->pidfile = arg;
		break;
	case 't':
		if (parse_seconds(arg, &o->timeout) == -1)
			return usage_error("invalid timeout '%s' (seconds, 0 "
			    "to 1000000)", arg);
		break;
	case 'u':
		o->user = arg;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'V':
		o->version = true;
		break;
	case OPT_CLEAR_ENV:
		o->clear_env = true;
		break;
	case OPT_KEEP_FD:
		return parse_keep_fd(o, arg);
	case OPT_TRUNCATE:
		o->truncate = true;
		break;
	}
	return 0;
}

static int
check_user_form(const char *user)
{
	const char *colon = strchr(user, ':');

	if (colon == user || (colon != NULL && colon[1] == '\0'))
		return usage_error("invalid user '%s' (want USER or "
		    "USER:GROUP)", user);
	return 0;
}

int
options_parse(struct options *o, int argc, char *argv[])
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->umask = 022;
	o->forks = FORKS_TWO;
	o->timeout = -1;
	/* Each -E or --keep-fd takes a word, so argc bounds their number. */
	o->env = calloc((size_t)argc, sizeof(*o->env));
	o->keep = calloc((size_t)argc, sizeof(*o->keep));
	if (o->env == NULL || o->keep == NULL) {
		msg("cannot parse options: out of memory");
		return EXIT_SETUP;
	}

	opterr = 0;
	for (;;) {
		int at = optind;
		int c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		if (c == '?' || c == ':')
			return bad_option(argv, at, c);
		if ((rc = take_option(o, c, optarg)) != 0)
			return rc;
	}
	if (o->help || o->version)
		return 0;
	if (o->user != NULL && (rc = check_user_form(o->user)) != 0)
		return rc;
	if (optind >= argc)
		return usage_error("no command given");
	o->argv = argv + optind;
	return 0;
}

void
options_free(struct options *o)
{
	free(o->env);
	free(o->keep);
	o->env = NULL;
	o->keep = NULL;
}
