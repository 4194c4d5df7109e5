/*
 * The command line, parsed into choices: no side effects beyond memory.
 */
#ifndef DAEMONIZE_OPTIONS_H
#define DAEMONIZE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum forks {
	FORKS_NONE = 0,		/* -f: set up in place and exec */
	FORKS_ONE = 1,		/* -1: the daemon leads its session */
	FORKS_TWO = 2,		/* -2: it can never regain a terminal */
};

struct options {
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
	double timeout;		/* -t seconds; < 0 when not given */
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
