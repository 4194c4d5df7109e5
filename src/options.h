/*
 * The command line, parsed into choices: no side effects beyond memory.
 */
#ifndef DAEMONIZE_OPTIONS_H
#define DAEMONIZE_OPTIONS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "resource.h"
#include "restart.h"

enum forks {
	FORKS_NONE = 0,		/* -f: set up in place and exec */
	FORKS_ONE = 1,		/* -1: the daemon leads its session */
	FORKS_TWO = 2,		/* -2: it can never regain a terminal */
};

enum mode {
	MODE_START = 0,
	MODE_STOP,		/* --stop */
	MODE_STATUS,		/* --status */
	MODE_SIGNAL,		/* --signal without --stop: send only */
};

enum wait_kind {
	WAIT_NOTIFY,		/* notify: the sd_notify protocol */
	WAIT_FD,		/* fd:N: a newline on descriptor N */
	WAIT_TCP,		/* tcp:[HOST:]PORT: a connection succeeds */
	WAIT_PATH,		/* path:PATH: PATH exists */
	WAIT_LOG,		/* log:REGEX: a matching line in -o or -e */
};

/* One -w SPEC. */
struct wait_spec {
	enum wait_kind kind;
	const char *given;	/* the SPEC as given, for messages */
	const char *arg;	/* what follows "KIND:" */
	int fd;			/* WAIT_FD */
	char *host;		/* WAIT_TCP: without brackets */
	const char *port;	/* WAIT_TCP: decimal, 1 to 65535 */
	regex_t re;		/* WAIT_LOG */
};

#define LOG_SIZE_MIN		4096	/* --log-size: at least a page */
#define LOG_KEEP_DEFAULT	5
#define LOG_KEEP_MAX		1000

struct options {
	enum mode mode;
	const char *pidfile;	/* -p, as given */
	const char *lockfile;	/* -l, as given */
	const char *out;	/* -o, as given */
	const char *err;	/* -e, as given */
	const char *dir;	/* -c, as given; NULL means "/" */
	const char *user;	/* -u USER[:GROUP], as given */
	char **env;		/* -E NAME=VALUE, in order given */
	size_t nenv;
	int *keep;		/* --keep-fd, in order given */
	size_t nkeep;
	mode_t umask;		/* -m, default 022 */
	enum forks forks;
	struct wait_spec *wait;	/* -w, in order given */
	size_t nwait;
	double timeout;		/* -t seconds, the mode's default, or -1 */
	const char *timeout_arg;	/* as given, for messages */
	struct rlimit_spec *rlimits;	/* --rlimit, in order given */
	size_t nrlimits;
	const char *nice_arg;	/* --nice as given, or NULL */
	int nice;
	const char *oom_score_adj_arg;	/* --oom-score-adj as given, or NULL */
	int oom_score_adj;
	struct restart_policy restart;	/* -r, --restart, --restart-... */
	bool supervise;		/* a resident supervisor runs COMMAND */
	bool relay;		/* it copies COMMAND's output into -o, -e */
	bool timestamps;	/* --timestamps */
	unsigned long long log_size;	/* --log-size; 0: no rotation */
	unsigned log_keep;	/* --log-keep */
	bool log_keep_given;
	const char *restart_tuned;	/* "--restart-delay" or "-limit" given */
	int signal;		/* --signal (0 checks only); SIGTERM by default */
	bool signal_given;
	bool quiet;		/* -q: "already running" and "not running" */
	bool truncate;
	bool clear_env;
	bool verbose;
	bool help;
	bool version;
	char **argv;		/* COMMAND [ARG]... */
};

/* Parse argv into *o. Returns 0, or the exit code after printing why. */
int options_parse(struct options *o, int argc, char *argv[]);
void options_free(struct options *o);
void options_usage(void);
void options_version(void);

#endif
