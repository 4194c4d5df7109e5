/*
 * Command line parsing. Records choices and checks their form; opening,
 * resolving and looking up are left to the start.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "exitcodes.h"
#include "msg.h"
#include "num.h"
#include "options.h"
#include "signame.h"
#include "usage.h"
#include "waitspec.h"

#define TIMEOUT_MAX	1000000.0	/* seconds; about 11 days */
#define WAIT_DEFAULT	"60"		/* seconds --wait may take */
#define STOP_DEFAULT	"10"		/* seconds --stop waits before SIGKILL */

enum {
	OPT_CLEAR_ENV = 256,
	OPT_KEEP_FD,
	OPT_LOG_KEEP,
	OPT_LOG_SIZE,
	OPT_NICE,
	OPT_OOM_SCORE_ADJ,
	OPT_RESTART,
	OPT_RESTART_DELAY,
	OPT_RESTART_LIMIT,
	OPT_RLIMIT,
	OPT_SIGNAL,
	OPT_STATUS,
	OPT_STOP,
	OPT_TIMESTAMPS,
	OPT_TRUNCATE,
};

/* Sorted by letter, long-only options last; keep in step with usage(). */
static const char shortopts[] = "+:12ac:e:E:fhl:m:o:p:qrt:u:vVw:";

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
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "timeout",		required_argument,	NULL, 't' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "wait",		required_argument,	NULL, 'w' },
	{ "clear-env",		no_argument,		NULL, OPT_CLEAR_ENV },
	{ "keep-fd",		required_argument,	NULL, OPT_KEEP_FD },
	{ "log-keep",		required_argument,	NULL, OPT_LOG_KEEP },
	{ "log-size",		required_argument,	NULL, OPT_LOG_SIZE },
	{ "nice",		required_argument,	NULL, OPT_NICE },
	{ "oom-score-adj",	required_argument,	NULL, OPT_OOM_SCORE_ADJ },
	{ "restart",		required_argument,	NULL, OPT_RESTART },
	{ "restart-delay",	required_argument,	NULL, OPT_RESTART_DELAY },
	{ "restart-limit",	required_argument,	NULL, OPT_RESTART_LIMIT },
	{ "rlimit",		required_argument,	NULL, OPT_RLIMIT },
	{ "signal",		required_argument,	NULL, OPT_SIGNAL },
	{ "status",		no_argument,		NULL, OPT_STATUS },
	{ "stop",		no_argument,		NULL, OPT_STOP },
	{ "timestamps",		no_argument,		NULL, OPT_TIMESTAMPS },
	{ "truncate",		no_argument,		NULL, OPT_TRUNCATE },
	{ NULL,			0,			NULL, 0 },
};

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
	const char *why;
	long long fd;

	if (num_parse(arg, 3, INT32_MAX, &fd, &why) == -1)
		return usage_error("invalid descriptor '%s' for --keep-fd: %s "
		    "(3 or more)", arg, why);
	o->keep[o->nkeep++] = (int)fd;
	return 0;
}

static int
parse_restart_limit(struct options *o, const char *arg)
{
	const char *why;

	if (num_parse(arg, 0, INT32_MAX, &o->restart.limit, &why) == -1)
		return usage_error("invalid --restart-limit '%s': %s (a number, "
		    "0 or more)", arg, why);
	o->restart_tuned = "--restart-limit";
	return 0;
}

static int
parse_restart(struct options *o, int c, const char *arg)
{
	switch (c) {
	case 'r':
		o->restart.when = RESTART_ON_FAILURE;
		return 0;
	case OPT_RESTART:
		if (restart_parse_when(arg, &o->restart.when) == -1)
			return usage_error("invalid --restart '%s' (want "
			    "on-failure or always)", arg);
		return 0;
	case OPT_RESTART_DELAY:
		if (restart_parse_delay(arg, &o->restart) == -1)
			return usage_error("invalid --restart-delay '%s' (want "
			    "MIN[:MAX] in seconds, MIN no more than MAX)", arg);
		o->restart_tuned = "--restart-delay";
		return 0;
	default:
		return parse_restart_limit(o, arg);
	}
}

/* The output relay's options: --timestamps, --log-size, --log-keep. */
static int
parse_relay(struct options *o, int c, const char *arg)
{
	const char *why;
	long long keep;

	switch (c) {
	case OPT_TIMESTAMPS:
		o->timestamps = true;
		return 0;
	case OPT_LOG_SIZE:
		if (num_size(arg, LOG_SIZE_MIN, ULLONG_MAX, &o->log_size) == -1)
			return usage_error("invalid --log-size '%s' (bytes, "
			    "with k, M or G, at least 4096)", arg);
		return 0;
	default:
		if (num_parse(arg, 0, LOG_KEEP_MAX, &keep, &why) == -1)
			return usage_error("invalid --log-keep '%s': %s (0 to "
			    "%d)", arg, why, LOG_KEEP_MAX);
		o->log_keep = (unsigned)keep;
		o->log_keep_given = true;
		return 0;
	}
}

static int
parse_signal(struct options *o, const char *arg)
{
	if ((o->signal = signame_parse(arg)) == -1)
		return usage_error("invalid signal '%s' for --signal", arg);
	o->signal_given = true;
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

/* "--name", or "-r" for the one option without a long name. */
static const char *
option_name(int c)
{
	static char name[32];
	const struct option *lo;

	for (lo = longopts; lo->name != NULL; lo++)
		if (lo->val == c)
			break;
	if (lo->name == NULL)
		snprintf(name, sizeof(name), "-%c", c);
	else
		snprintf(name, sizeof(name), "--%s", lo->name);
	return name;
}

static int
empty_argument(int c)
{
	return usage_error("option '%s' needs a non-empty argument",
	    option_name(c));
}

static enum mode
mode_of(int c)
{
	return c == OPT_STOP ? MODE_STOP : MODE_STATUS;
}

/* --nice N, --oom-score-adj N, --rlimit NAME=SOFT[:HARD]. */
static int
take_resource(struct options *o, int c, const char *arg)
{
	bool nice = c == OPT_NICE;
	long long lo = nice ? NICE_MIN : OOM_SCORE_ADJ_MIN, n;
	long long hi = nice ? NICE_MAX : OOM_SCORE_ADJ_MAX;
	const char *why;

	if (c == OPT_RLIMIT) {
		if (resource_parse_rlimit(arg, &o->rlimits[o->nrlimits],
		    &why) == -1)
			return usage_error("invalid --rlimit '%s': %s", arg,
			    why);
		o->nrlimits++;
		return 0;
	}
	if (num_parse(arg, lo, hi, &n, &why) == -1)
		return usage_error("invalid %s '%s' (%lld to %lld)",
		    option_name(c), arg, lo, hi);
	*(nice ? &o->nice : &o->oom_score_adj) = (int)n;
	*(nice ? &o->nice_arg : &o->oom_score_adj_arg) = arg;
	return 0;
}

/* One option: record it, or return the exit code of a usage error. */
/* The options with a value to parse, and the modes. */
static int
take_parsed(struct options *o, int c, char *arg)
{
	switch (c) {
	case 'E':
		if (!is_assignment(arg))
			return usage_error("invalid environment assignment "
			    "'%s' (want NAME=VALUE)", arg);
		o->env[o->nenv++] = arg;
		return 0;
	case 'm':
		if (parse_umask(arg, &o->umask) == -1)
			return usage_error("invalid umask '%s' (octal, 0 to "
			    "0777)", arg);
		return 0;
	case 'r':
	case OPT_RESTART:
	case OPT_RESTART_DELAY:
	case OPT_RESTART_LIMIT:
		return parse_restart(o, c, arg);
	case 't':
		if (num_seconds(arg, TIMEOUT_MAX, &o->timeout) == -1)
			return usage_error("invalid timeout '%s' (seconds, 0 "
			    "to 1000000)", arg);
		o->timeout_arg = arg;
		return 0;
	case 'w':
		return waitspec_parse(o, arg);
	case OPT_KEEP_FD:
		return parse_keep_fd(o, arg);
	case OPT_NICE:
	case OPT_OOM_SCORE_ADJ:
	case OPT_RLIMIT:
		return take_resource(o, c, arg);
	case OPT_SIGNAL:
		return parse_signal(o, arg);
	case OPT_STATUS:
	case OPT_STOP:
		if (o->mode != MODE_START && o->mode != mode_of(c))
			return usage_error("--stop and --status cannot be "
			    "used together");
		o->mode = mode_of(c);
		return 0;
	case OPT_LOG_KEEP:
	case OPT_LOG_SIZE:
	case OPT_TIMESTAMPS:
		return parse_relay(o, c, arg);
	}
	return 0;
}

/* Flags and paths are recorded as they are; the rest is parsed. */
static int
take_option(struct options *o, int c, char *arg)
{
	if (arg != NULL && *arg == '\0')
		return empty_argument(c);

	switch (c) {
	case '1':
	case '2':
	case 'f':
		o->forks = c == '1' ? FORKS_ONE : c == '2' ? FORKS_TWO :
		    FORKS_NONE;
		break;
	case 'a':
	case OPT_TRUNCATE:
		o->truncate = c == OPT_TRUNCATE;
		break;
	case 'c':
		o->dir = arg;
		break;
	case 'e':
		o->err = arg;
		break;
	case 'h':
		o->help = true;
		break;
	case 'l':
		o->lockfile = arg;
		break;
	case 'o':
		o->out = arg;
		break;
	case 'p':
		o->pidfile = arg;
		break;
	case 'q':
		o->quiet = true;
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
	default:
		return take_parsed(o, c, arg);
	}
	return 0;
}

/*
 * The list option c adds to, made when it is first given, with room for
 * one entry a word of argv (which bounds how often it can be): a start
 * without -E, -w, --keep-fd or --rlimit makes none. From the arena, since
 * a resident supervisor keeps them (arena.h). 0, or the exit code.
 */
static int
make_list(struct options *o, int c, size_t words)
{
	bool made = true;

	switch (c) {
	case 'E':
		if (o->env == NULL)
			made = (o->env = arena_calloc(words,
			    sizeof(*o->env))) != NULL;
		break;
	case 'w':
		if (o->wait == NULL)
			made = (o->wait = arena_calloc(words,
			    sizeof(*o->wait))) != NULL;
		break;
	case OPT_KEEP_FD:
		if (o->keep == NULL)
			made = (o->keep = arena_calloc(words,
			    sizeof(*o->keep))) != NULL;
		break;
	case OPT_RLIMIT:
		if (o->rlimits == NULL)
			made = (o->rlimits = arena_calloc(words,
			    sizeof(*o->rlimits))) != NULL;
		break;
	}
	if (made)
		return 0;
	msg("cannot parse options: out of memory");
	return EXIT_SETUP;
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

/* What the options seen so far mean beyond their own values. */
struct seen {
	int start_only;		/* the first option only a start takes */
};

static void
note_seen(struct seen *seen, int c)
{
	switch (c) {
	case 'h': case 'p': case 'q': case 't': case 'v': case 'V':
	case OPT_SIGNAL: case OPT_STATUS: case OPT_STOP:
		break;
	default:
		if (seen->start_only == 0)
			seen->start_only = c;
	}
}

/* --signal alone is a mode; with --stop, the signal that stops. */
static int
check_signal(struct options *o)
{
	if (!o->signal_given)
		return 0;
	if (o->mode == MODE_STATUS)
		return usage_error("option '--signal' cannot be used with "
		    "--status");
	if (o->mode == MODE_STOP && o->signal == 0)
		return usage_error("signal 0 cannot be used with --stop: it "
		    "only checks");
	if (o->mode == MODE_START)
		o->mode = MODE_SIGNAL;
	return 0;
}

static int
check_control(const struct options *o, const struct seen *seen, int argc,
    char *argv[])
{
	const char *verb = o->mode == MODE_STOP ? "--stop" :
	    o->mode == MODE_STATUS ? "--status" : "--signal";

	if (seen->start_only != 0)
		return usage_error("option '%s' cannot be used with %s",
		    option_name(seen->start_only), verb);
	if (o->pidfile == NULL)
		return usage_error("%s needs --pidfile", verb);
	if (optind < argc)
		return usage_error("%s takes no command, but got '%s'", verb,
		    argv[optind]);
	return 0;
}

static int
check_start(const struct options *o, int argc)
{
	int rc;

	if ((rc = waitspec_check(o)) != 0)
		return rc;
	if (o->restart_tuned != NULL && o->restart.when == RESTART_NEVER)
		return usage_error("option '%s' needs --restart or -r",
		    o->restart_tuned);
	if (o->log_keep_given && o->log_size == 0)
		return usage_error("option '--log-keep' needs --log-size");
	if ((o->timestamps || o->log_size > 0) && o->out == NULL &&
	    o->err == NULL)
		return usage_error("option '%s' needs --stdout or --stderr",
		    o->timestamps ? "--timestamps" : "--log-size");
	if (o->user != NULL && (rc = check_user_form(o->user)) != 0)
		return rc;
	if (optind >= argc)
		return usage_error("no command given");
	return 0;
}

/*
 * The default of -t depends on the mode, known only once all are read. A
 * plain start has none: without -t, nothing bounds its set-up.
 */
static void
default_timeout(struct options *o)
{
	if (o->timeout_arg != NULL)
		return;
	if (o->mode == MODE_START && o->nwait == 0) {
		o->timeout = -1;
		return;
	}
	o->timeout_arg = o->mode == MODE_STOP ? STOP_DEFAULT : WAIT_DEFAULT;
	o->timeout = strtod(o->timeout_arg, NULL);
}

int
options_parse(struct options *o, int argc, char *argv[])
{
	struct seen seen = { 0 };
	int rc;

	memset(o, 0, sizeof(*o));
	o->umask = 022;
	o->forks = FORKS_TWO;
	o->signal = SIGTERM;
	o->restart.min_ms = RESTART_MIN_DEFAULT_MS;
	o->restart.max_ms = RESTART_MAX_DEFAULT_MS;
	o->restart.limit = -1;
	o->log_keep = LOG_KEEP_DEFAULT;

	opterr = 0;
	for (;;) {
		int at = optind;
		int c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		if (c == '?' || c == ':')
			return bad_option(argv, at, c);
		if ((rc = make_list(o, c, (size_t)argc)) != 0 ||
		    (rc = take_option(o, c, optarg)) != 0)
			return rc;
		note_seen(&seen, c);
	}
	if (o->help || o->version)
		return 0;
	if ((rc = check_signal(o)) != 0)
		return rc;
	if (o->mode != MODE_START)
		rc = check_control(o, &seen, argc, argv);
	else
		rc = check_start(o, argc);
	if (rc != 0)
		return rc;
	default_timeout(o);
	o->relay = o->timestamps || o->log_size > 0;
	o->supervise = o->restart.when != RESTART_NEVER || o->relay;
	o->argv = argv + optind;
	return 0;
}

void
options_free(struct options *o)
{
	size_t i;

	for (i = 0; i < o->nwait; i++) {
		free(o->wait[i].host);
		if (o->wait[i].kind == WAIT_LOG)
			regfree(&o->wait[i].re);
	}
	arena_free(o->wait);
	arena_free(o->env);
	arena_free(o->keep);
	arena_free(o->rlimits);
	memset(o, 0, sizeof(*o));
}
