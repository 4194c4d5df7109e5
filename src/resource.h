/*
 * Resource controls of the command: --rlimit, --nice, --oom-score-adj.
 * Parsed by options.c, applied by the set-up (setup.c) in the command's own
 * process, before it gives up root. Includes nothing of ours.
 */
#ifndef DAEMONIZE_RESOURCE_H
#define DAEMONIZE_RESOURCE_H

#include <sys/resource.h>

#define NICE_MIN	(-20)
#define NICE_MAX	19
#define OOM_SCORE_ADJ_MIN	(-1000)
#define OOM_SCORE_ADJ_MAX	1000

/* One --rlimit NAME=SOFT[:HARD]. */
struct rlimit_spec {
	const char *given;	/* as given, for messages */
	int resource;		/* RLIMIT_* */
	struct rlimit limit;	/* RLIM_INFINITY for "unlimited" */
};

/*
 * NAME=SOFT[:HARD], NAME as prlimit(1) spells it, each value a decimal
 * number or "unlimited", HARD SOFT if not given. 0 with *r set, or -1
 * with *why saying what is wrong (for "invalid --rlimit 'SPEC': WHY").
 */
int resource_parse_rlimit(const char *spec, struct rlimit_spec *r,
    const char **why);

/* The limit, for this process; -1 with errno (EPERM: raising a hard one). */
int resource_set_limit(const struct rlimit_spec *r);

/*
 * Add n to this process's niceness, as nice(1) does (the result kept
 * within NICE_MIN and NICE_MAX); -1 with errno (EACCES: lowering it
 * without privilege).
 */
int resource_add_nice(int n);

/* Write n to /proc/self/oom_score_adj; -1 with errno. */
int resource_set_oom_score_adj(int n);

#endif
