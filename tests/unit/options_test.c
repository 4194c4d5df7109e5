/*
 * options.c: argument vectors, good and bad, with the exit code and, for
 * the good ones, every field the parse sets. Usage messages go to stderr,
 * which is sent to /dev/null while the parser runs (and only then, so a
 * sanitizer's report at exit is seen); tests/options.bats checks their
 * text.
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/exitcodes.h"
#include "../../src/options.h"
#include "unit.h"

#define MAXARGS	16
#define ANY	-2.0		/* a timeout the case does not check */

/* What a good parse gives; strings NULL where the option was not given. */
struct want {
	enum mode mode;
	enum forks forks;
	mode_t umask;
	double timeout;		/* ANY: not checked */
	int signal;
	bool truncate, clear_env, verbose, help, version;
	const char *pidfile, *lockfile, *out, *err, *dir, *user;
	const char *env;	/* the -E words, space-separated */
	const char *keep;	/* the --keep-fd numbers, space-separated */
	const char *wait;	/* each -w spec as parsed, see show_wait() */
	const char *command;	/* COMMAND [ARG]..., space-separated */
	/* Supervised mode: -r, --restart..., --timestamps, --log-... */
	enum restart_when restart;
	long long restart_min, restart_max, restart_limit;	/* ms, ms, count */
	bool timestamps;
	unsigned long long log_size;
	unsigned log_keep;
	bool supervise, relay;
};

/*
 * The defaults of a start, of --stop and of --status, which a case then
 * overrides field by field: the designated initializers given later win,
 * as C11 says, so GCC's warning about it is not wanted here.
 */
#pragma GCC diagnostic ignored "-Woverride-init"
#define SUPER	.restart_min = 1000, .restart_max = 60000, \
		.restart_limit = -1, .log_keep = 5
#define START	.mode = MODE_START, .forks = FORKS_TWO, .umask = 022, \
		.timeout = -1, .signal = SIGTERM, SUPER
#define STOP	.mode = MODE_STOP, .forks = FORKS_TWO, .umask = 022, \
		.timeout = 10, .signal = SIGTERM, SUPER
#define STATUS	.mode = MODE_STATUS, .forks = FORKS_TWO, .umask = 022, \
		.timeout = ANY, .signal = SIGTERM, SUPER
/* A supervised start, and one whose output is relayed. */
#define RUNS(when)	START, .restart = (when), .supervise = true
#define RELAYED		START, .supervise = true, .relay = true

/* A usage error: exit 2, and no fields to check. */
#define BAD(...)	{ { __VA_ARGS__ }, EXIT_USAGE, { 0 } }

static const struct {
	const char *argv[MAXARGS];	/* without argv[0]; NULL-terminated */
	int rc;
	struct want want;		/* when rc is 0 */
} cases[] = {
	/* Starts, and where options stop. */
	{ { "true" }, 0, { START, .command = "true" } },
	{ { "-p", "x.pid", "ls", "-l" }, 0,
	    { START, .pidfile = "x.pid", .command = "ls -l" } },
	{ { "-p", "x.pid", "--", "-l", "-p" }, 0,
	    { START, .pidfile = "x.pid", .command = "-l -p" } },
	{ { "-f", "--", "sh", "-c", "echo", "--stop" }, 0,
	    { START, .forks = FORKS_NONE, .command = "sh -c echo --stop" } },
	{ { "--pidfile=a.pid", "--lockfile", "a.lock", "-o", "o.log",
	    "--stderr=e.log", "-c", "/srv", "-u", "nobody:nogroup", "srv" }, 0,
	    { START, .pidfile = "a.pid", .lockfile = "a.lock", .out = "o.log",
	    .err = "e.log", .dir = "/srv", .user = "nobody:nogroup",
	    .command = "srv" } },
	{ { "-vp", "v.pid", "true" }, 0,
	    { START, .verbose = true, .pidfile = "v.pid", .command = "true" } },
	{ { "-u", "1000", "true" }, 0,
	    { START, .user = "1000", .command = "true" } },

	/* Forks: the last of -1, -2 and -f wins. */
	{ { "-1", "true" }, 0,
	    { START, .forks = FORKS_ONE, .command = "true" } },
	{ { "-2", "-1", "true" }, 0,
	    { START, .forks = FORKS_ONE, .command = "true" } },
	{ { "-1", "-2", "true" }, 0, { START, .command = "true" } },
	{ { "--single-fork", "--foreground", "true" }, 0,
	    { START, .forks = FORKS_NONE, .command = "true" } },
	{ { "-f", "--double-fork", "true" }, 0, { START, .command = "true" } },

	/* Umask: octal, 0 to 0777. */
	{ { "-m", "0", "true" }, 0, { START, .umask = 0, .command = "true" } },
	{ { "-m", "077", "true" }, 0,
	    { START, .umask = 077, .command = "true" } },
	{ { "--umask", "0777", "true" }, 0,
	    { START, .umask = 0777, .command = "true" } },
	{ { "-m", "0027", "true" }, 0,
	    { START, .umask = 027, .command = "true" } },
	BAD("-m", "8", "true"),
	BAD("-m", "1000", "true"),
	BAD("-m", "-1", "true"),
	BAD("-m", "0x1", "true"),
	BAD("-m", "00000", "true"),
	BAD("-m", "+7", "true"),
	BAD("-m", " 7", "true"),

	/* Timeouts: plain decimal seconds; the default depends on the mode. */
	{ { "-t", "0.25", "true" }, 0,
	    { START, .timeout = 0.25, .command = "true" } },
	{ { "--timeout=0", "true" }, 0,
	    { START, .timeout = 0, .command = "true" } },
	{ { "-t", "1000000", "true" }, 0,
	    { START, .timeout = 1000000, .command = "true" } },
	{ { "-w", "notify", "true" }, 0,
	    { START, .timeout = 60, .wait = "notify", .command = "true" } },
	{ { "-w", "notify", "-t", "5", "true" }, 0,
	    { START, .timeout = 5, .wait = "notify", .command = "true" } },
	BAD("-t", "1000001", "true"),
	BAD("-t", "-1", "true"),
	BAD("-t", "1e3", "true"),
	BAD("-t", ".5", "true"),
	BAD("-t", "5s", "true"),
	BAD("-t", "inf", "true"),
	BAD("-t", "nan", "true"),

	/* Environment: NAME=VALUE, in order, repeats kept. */
	{ { "-E", "A=1", "--env", "B=", "-E", "A=2=3", "true" }, 0,
	    { START, .env = "A=1 B= A=2=3", .command = "true" } },
	{ { "--clear-env", "-E", "PATH=/bin", "true" }, 0,
	    { START, .clear_env = true, .env = "PATH=/bin",
	    .command = "true" } },
	BAD("-E", "FOO", "true"),
	BAD("-E", "=x", "true"),

	/* Descriptors to keep: 3 or more, digits only. */
	{ { "--keep-fd", "3", "--keep-fd=07", "--keep-fd", "2147483647",
	    "true" }, 0,
	    { START, .keep = "3 7 2147483647", .command = "true" } },
	BAD("--keep-fd", "2", "true"),
	BAD("--keep-fd", "-3", "true"),
	BAD("--keep-fd", "+7", "true"),
	BAD("--keep-fd", " 7", "true"),
	BAD("--keep-fd", "7 ", "true"),
	BAD("--keep-fd", "5x", "true"),
	BAD("--keep-fd", "2147483648", "true"),

	/* Readiness specs. */
	{ { "-w", "fd:3", "-w", "fd:5", "-w", "path:run/s.sock", "true" }, 0,
	    { START, .timeout = 60, .wait = "fd 3, fd 5, path run/s.sock",
	    .command = "true" } },
	{ { "-w", "tcp:8080", "-w", "tcp:localhost:1", "--wait",
	    "tcp:[::1]:65535", "true" }, 0,
	    { START, .timeout = 60, .wait = "tcp 127.0.0.1 8080, "
	    "tcp localhost 1, tcp ::1 65535", .command = "true" } },
	{ { "-o", "o.log", "-w", "log:^ready( now)?$", "true" }, 0,
	    { START, .timeout = 60, .out = "o.log",
	    .wait = "log ^ready( now)?$", .command = "true" } },
	{ { "-e", "e.log", "-w", "log:x", "true" }, 0,
	    { START, .timeout = 60, .err = "e.log", .wait = "log x",
	    .command = "true" } },
	BAD("-w", "bogus", "true"),
	BAD("-w", "notify:1", "true"),
	BAD("-w", "fd", "true"),
	BAD("-w", "fd:2", "true"),
	BAD("-w", "fd:+3", "true"),
	BAD("-w", "fd:3", "-w", "fd:3", "true"),
	BAD("--keep-fd", "4", "-w", "fd:4", "true"),
	BAD("-w", "tcp:0", "true"),
	BAD("-w", "tcp:65536", "true"),
	BAD("-w", "tcp:", "true"),
	BAD("-w", "tcp:host:", "true"),
	BAD("-w", "tcp::80", "true"),
	BAD("-w", "tcp:::1:80", "true"),
	BAD("-w", "tcp:[]:80", "true"),
	BAD("-w", "tcp:[::1]80", "true"),
	BAD("-w", "tcp:[::1:80", "true"),
	BAD("-w", "path:", "true"),
	BAD("-o", "o.log", "-w", "log:", "true"),
	BAD("-o", "o.log", "-w", "log:(", "true"),
	BAD("-w", "log:x", "true"),
	BAD("-f", "-w", "notify", "true"),
	BAD("-w", "notify", "-f", "true"),

	/* Log files: append is the default; the last of -a, --truncate wins. */
	{ { "--truncate", "-o", "o.log", "true" }, 0,
	    { START, .truncate = true, .out = "o.log", .command = "true" } },
	{ { "--truncate", "-a", "true" }, 0, { START, .command = "true" } },

	/* Supervision: -r, --restart WHEN; the last of them wins. */
	{ { "-r", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .command = "true" } },
	{ { "--restart", "always", "true" }, 0,
	    { RUNS(RESTART_ALWAYS), .command = "true" } },
	{ { "--restart=on-failure", "srv" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .command = "srv" } },
	{ { "-r", "--restart", "always", "true" }, 0,
	    { RUNS(RESTART_ALWAYS), .command = "true" } },
	{ { "--restart", "always", "-r", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .command = "true" } },
	{ { "-rp", "x.pid", "-f", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .forks = FORKS_NONE,
	    .pidfile = "x.pid", .command = "true" } },
	BAD("--restart"),
	BAD("--restart", "true"),
	BAD("--restart", "never", "true"),
	BAD("--restart", "ON-FAILURE", "true"),
	BAD("--restart", "on-failur", "true"),
	BAD("--restart=", "true"),

	/* --restart-delay MIN[:MAX], decimal seconds; MIN alone: MAX 60. */
	{ { "-r", "--restart-delay", "0.5", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .restart_min = 500,
	    .command = "true" } },
	{ { "-r", "--restart-delay", "90", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .restart_min = 90000,
	    .restart_max = 90000, .command = "true" } },
	{ { "-r", "--restart-delay=0:0", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .restart_min = 0, .restart_max = 0,
	    .command = "true" } },
	{ { "--restart", "always", "--restart-delay", "1.25:300", "true" }, 0,
	    { RUNS(RESTART_ALWAYS), .restart_min = 1250,
	    .restart_max = 300000, .command = "true" } },
	{ { "-r", "--restart-delay", "2:2", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .restart_min = 2000,
	    .restart_max = 2000, .command = "true" } },
	BAD("--restart-delay", "1", "true"),
	BAD("-r", "--restart-delay", "5:1", "true"),
	BAD("-r", "--restart-delay", "-1", "true"),
	BAD("-r", "--restart-delay", "1:", "true"),
	BAD("-r", "--restart-delay", ":5", "true"),
	BAD("-r", "--restart-delay", "1:2:3", "true"),
	BAD("-r", "--restart-delay", "1e3", "true"),
	BAD("-r", "--restart-delay", "1s", "true"),
	BAD("-r", "--restart-delay", "1000001", "true"),
	BAD("-r", "--restart-delay", "", "true"),

	/* --restart-limit N: 0 or more; default none (-1). */
	{ { "-r", "--restart-limit", "0", "true" }, 0,
	    { RUNS(RESTART_ON_FAILURE), .restart_limit = 0,
	    .command = "true" } },
	{ { "--restart=always", "--restart-limit=2147483647", "true" }, 0,
	    { RUNS(RESTART_ALWAYS), .restart_limit = 2147483647,
	    .command = "true" } },
	BAD("--restart-limit", "3", "true"),
	BAD("-r", "--restart-limit", "-1", "true"),
	BAD("-r", "--restart-limit", "x", "true"),
	BAD("-r", "--restart-limit", "2147483648", "true"),
	BAD("-r", "--restart-limit", "+3", "true"),

	/* The output relay: --timestamps, --log-size, --log-keep. */
	{ { "--timestamps", "-o", "o.log", "true" }, 0,
	    { RELAYED, .timestamps = true, .out = "o.log",
	    .command = "true" } },
	{ { "-e", "e.log", "--timestamps", "true" }, 0,
	    { RELAYED, .timestamps = true, .err = "e.log",
	    .command = "true" } },
	{ { "--log-size", "4096", "-o", "o.log", "true" }, 0,
	    { RELAYED, .log_size = 4096, .out = "o.log", .command = "true" } },
	{ { "--log-size=4k", "-o", "o.log", "true" }, 0,
	    { RELAYED, .log_size = 4096, .out = "o.log", .command = "true" } },
	{ { "--log-size", "100M", "--log-keep", "0", "-o", "o.log", "true" }, 0,
	    { RELAYED, .log_size = 100ULL << 20, .log_keep = 0,
	    .out = "o.log", .command = "true" } },
	{ { "--log-size", "2G", "--log-keep=1000", "-e", "e.log", "true" }, 0,
	    { RELAYED, .log_size = 2ULL << 30, .log_keep = 1000,
	    .err = "e.log", .command = "true" } },
	{ { "--log-size", "17179869183G", "-o", "o.log", "true" }, 0,
	    { RELAYED, .log_size = 17179869183ULL << 30, .out = "o.log",
	    .command = "true" } },
	{ { "-f", "--timestamps", "--log-size", "64k", "--log-keep", "3",
	    "-o", "o.log", "-e", "o.log", "true" }, 0,
	    { RELAYED, .forks = FORKS_NONE, .timestamps = true,
	    .log_size = 65536, .log_keep = 3, .out = "o.log", .err = "o.log",
	    .command = "true" } },
	{ { "-r", "--timestamps", "-o", "o.log", "-w", "log:^up$", "srv" }, 0,
	    { RELAYED, .restart = RESTART_ON_FAILURE, .timestamps = true,
	    .timeout = 60, .out = "o.log", .wait = "log ^up$",
	    .command = "srv" } },
	BAD("--timestamps", "true"),
	BAD("--timestamps=yes", "-o", "o.log", "true"),
	BAD("--log-size", "1M", "true"),
	BAD("--log-keep", "3", "-o", "o.log", "true"),
	BAD("-o", "o.log", "--log-size"),
	BAD("--log-size", "4095", "-o", "o.log", "true"),
	BAD("--log-size", "0", "-o", "o.log", "true"),
	BAD("--log-size", "", "-o", "o.log", "true"),
	BAD("--log-size", "1T", "-o", "o.log", "true"),
	BAD("--log-size", "1m", "-o", "o.log", "true"),
	BAD("--log-size", "1K", "-o", "o.log", "true"),
	BAD("--log-size", "1Mb", "-o", "o.log", "true"),
	BAD("--log-size", "1.5M", "-o", "o.log", "true"),
	BAD("--log-size", "-4096", "-o", "o.log", "true"),
	BAD("--log-size", "+4096", "-o", "o.log", "true"),
	BAD("--log-size", " 4096", "-o", "o.log", "true"),
	BAD("--log-size", "17179869184G", "-o", "o.log", "true"),
	BAD("--log-size", "18446744073709551616", "-o", "o.log", "true"),
	BAD("--log-size", "1M", "--log-keep", "1001", "-o", "o.log", "true"),
	BAD("--log-size", "1M", "--log-keep", "-1", "-o", "o.log", "true"),
	BAD("--log-size", "1M", "--log-keep", "x", "-o", "o.log", "true"),
	BAD("--log-size", "1M", "--log-keep", "", "-o", "o.log", "true"),

	/* User: USER or USER:GROUP, neither part empty. */
	BAD("-u", "root:", "true"),
	BAD("-u", ":root", "true"),
	BAD("-u", ":", "true"),

	/* Unknown, missing and empty arguments; no command. */
	BAD(NULL),
	BAD("-p", "x.pid"),
	BAD("-p", "x.pid", "--"),
	BAD("-x", "true"),
	BAD("-vx", "true"),
	BAD("--bogus", "true"),
	BAD("--verbose=yes", "true"),
	BAD("-p"),
	BAD("--pidfile"),
	BAD("-p", "", "true"),
	BAD("--chdir=", "true"),
	BAD("-o", "", "true"),

	/* --help and --version need no command and win over it. */
	{ { "--help" }, 0, { START, .timeout = ANY, .help = true } },
	{ { "-h", "-p", "x.pid" }, 0,
	    { START, .timeout = ANY, .help = true, .pidfile = "x.pid" } },
	{ { "-V" }, 0, { START, .timeout = ANY, .version = true } },
	BAD("--version", "--bogus"),

	/* --stop: -p, and only -t, --signal and -v besides. */
	{ { "--stop", "-p", "x.pid" }, 0, { STOP, .pidfile = "x.pid" } },
	{ { "-p", "x.pid", "--stop", "--signal", "KILL", "-t", "0.5" }, 0,
	    { STOP, .pidfile = "x.pid", .signal = SIGKILL, .timeout = 0.5 } },
	{ { "--stop", "--signal=sighup", "-p", "x.pid" }, 0,
	    { STOP, .pidfile = "x.pid", .signal = SIGHUP } },
	{ { "--stop", "--signal", "10", "-v", "-p", "x.pid" }, 0,
	    { STOP, .pidfile = "x.pid", .signal = 10, .verbose = true } },
	{ { "--stop", "--stop", "-p", "x.pid" }, 0,
	    { STOP, .pidfile = "x.pid" } },
	BAD("--stop"),
	BAD("--stop", "-p", "x.pid", "true"),
	BAD("--stop", "-p", "x.pid", "-o", "o.log"),
	BAD("-f", "--stop", "-p", "x.pid"),
	BAD("--stop", "-p", "x.pid", "-w", "notify"),
	BAD("--stop", "-p", "x.pid", "-E", "A=1"),
	BAD("--stop", "-p", "x.pid", "--signal", "BOGUS"),
	BAD("--stop", "-p", "x.pid", "--signal", "0x9"),
	BAD("--stop", "-p", "x.pid", "-t", "x"),
	BAD("--stop", "-p", "x.pid", "-r"),
	BAD("--stop", "-p", "x.pid", "--restart", "always"),
	BAD("--stop", "-p", "x.pid", "--timestamps"),
	BAD("--stop", "-p", "x.pid", "--log-size", "1M"),
	BAD("--signal", "HUP", "-p", "x.pid", "--log-keep", "3"),

	/* --status: -p, and -v besides; not with --stop. */
	{ { "--status", "-p", "x.pid" }, 0, { STATUS, .pidfile = "x.pid" } },
	{ { "-v", "--status", "--pidfile", "x.pid" }, 0,
	    { STATUS, .verbose = true, .pidfile = "x.pid" } },
	BAD("--status"),
	BAD("--status", "-p", "x.pid", "true"),
	BAD("--status", "-p", "x.pid", "-l", "x.lock"),
	BAD("--status", "-p", "x.pid", "--signal", "HUP"),
	BAD("--stop", "--status", "-p", "x.pid"),
	BAD("--status", "-p", "x.pid", "--stop"),
	BAD("--status", "-p", "x.pid", "--timestamps"),
	BAD("--status", "-p", "x.pid", "--restart-limit", "1"),
};

/* Append word to buf, after sep if buf is not empty. */
static void
add(char *buf, size_t size, const char *sep, const char *word)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n > 0 ? sep : "", word);
}

/* A -w spec as parsed: "notify", "fd N", "tcp HOST PORT", "path P", ... */
static void
show_wait(char *buf, size_t size, const struct wait_spec *w)
{
	switch (w->kind) {
	case WAIT_NOTIFY:
		snprintf(buf, size, "notify");
		break;
	case WAIT_FD:
		snprintf(buf, size, "fd %d", w->fd);
		break;
	case WAIT_TCP:
		snprintf(buf, size, "tcp %s %s", w->host, w->port);
		break;
	case WAIT_PATH:
		snprintf(buf, size, "path %s", w->arg);
		break;
	case WAIT_LOG:
		snprintf(buf, size, "log %s", w->arg);
		break;
	}
}

/* The list fields of o as the table writes them; NULL when empty. */
static const char *
show_list(char *buf, size_t size, const struct options *o, char which)
{
	char word[256];
	size_t i, n = which == 'e' ? o->nenv : which == 'k' ? o->nkeep :
	    which == 'w' ? o->nwait : 0;

	buf[0] = '\0';
	if (which == 'c')
		for (i = 0; o->argv != NULL && o->argv[i] != NULL; i++)
			add(buf, size, " ", o->argv[i]);
	for (i = 0; i < n; i++) {
		if (which == 'e')
			snprintf(word, sizeof(word), "%s", o->env[i]);
		else if (which == 'k')
			snprintf(word, sizeof(word), "%d", o->keep[i]);
		else
			show_wait(word, sizeof(word), &o->wait[i]);
		add(buf, size, which == 'w' ? ", " : " ", word);
	}
	return buf[0] == '\0' ? NULL : buf;
}

static bool
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Every field of o is as w wants; the first that is not, in *field. */
static bool
matches(const struct options *o, const struct want *w, const char **field)
{
	char buf[1024];

#define CHECK(name, ok) do { if (!(ok)) { *field = name; return false; } } \
	while (0)
	CHECK("mode", o->mode == w->mode);
	CHECK("forks", o->forks == w->forks);
	CHECK("umask", o->umask == w->umask);
	CHECK("timeout", w->timeout == ANY || o->timeout == w->timeout);
	CHECK("signal", o->signal == w->signal);
	CHECK("truncate", o->truncate == w->truncate);
	CHECK("clear_env", o->clear_env == w->clear_env);
	CHECK("verbose", o->verbose == w->verbose);
	CHECK("help", o->help == w->help);
	CHECK("version", o->version == w->version);
	CHECK("pidfile", same(o->pidfile, w->pidfile));
	CHECK("lockfile", same(o->lockfile, w->lockfile));
	CHECK("out", same(o->out, w->out));
	CHECK("err", same(o->err, w->err));
	CHECK("dir", same(o->dir, w->dir));
	CHECK("user", same(o->user, w->user));
	CHECK("env", same(show_list(buf, sizeof(buf), o, 'e'), w->env));
	CHECK("keep", same(show_list(buf, sizeof(buf), o, 'k'), w->keep));
	CHECK("wait", same(show_list(buf, sizeof(buf), o, 'w'), w->wait));
	CHECK("command", same(show_list(buf, sizeof(buf), o, 'c'),
	    w->command));
	CHECK("restart", o->restart.when == w->restart);
	CHECK("restart_min", o->restart.min_ms == w->restart_min);
	CHECK("restart_max", o->restart.max_ms == w->restart_max);
	CHECK("restart_limit", o->restart.limit == w->restart_limit);
	CHECK("timestamps", o->timestamps == w->timestamps);
	CHECK("log_size", o->log_size == w->log_size);
	CHECK("log_keep", o->log_keep == w->log_keep);
	CHECK("supervise", o->supervise == w->supervise);
	CHECK("relay", o->relay == w->relay);
#undef CHECK
	return true;
}

/* The case's words after "daemonize", for the TAP line. */
static const char *
show_argv(char *buf, size_t size, const char *const *argv)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; argv[i] != NULL; i++)
		add(buf, size, " ", argv[i]);
	return buf;
}

int
main(void)
{
	char words[512];
	size_t i;
	int null, err;

	if ((null = open("/dev/null", O_WRONLY)) == -1 ||
	    (err = dup(STDERR_FILENO)) == -1) {
		perror("options_test");
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[MAXARGS + 1] = { "daemonize" };
		struct options o;
		const char *field = NULL;
		int argc, rc;

		for (argc = 1; cases[i].argv[argc - 1] != NULL; argc++)
			argv[argc] = (char *)cases[i].argv[argc - 1];
		/* glibc starts getopt afresh, state and all, at optind 0. */
		optind = 0;
		/* The parser explains its refusals on stderr: not wanted. */
		fflush(stderr);
		dup2(null, STDERR_FILENO);
		rc = options_parse(&o, argc, argv);
		fflush(stderr);
		dup2(err, STDERR_FILENO);
		show_argv(words, sizeof(words), cases[i].argv);
		if (rc != cases[i].rc)
			unit_check(false, "daemonize %s: exit %d, want %d",
			    words, rc, cases[i].rc);
		else if (rc == 0 && !matches(&o, &cases[i].want, &field))
			unit_check(false, "daemonize %s: wrong %s", words,
			    field);
		else
			unit_check(true, "daemonize %s: exit %d", words, rc);
		options_free(&o);
	}
	return unit_done();
}
