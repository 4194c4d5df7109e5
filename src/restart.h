/*
 * The restart policy of supervised mode (-r, --restart, --restart-delay,
 * --restart-limit): whether a run's end is restarted, after how long, and
 * when to give up. Pure: no clock, no processes; the supervisor passes in
 * how long the run lasted and how it ended. A leaf.
 */
#ifndef DAEMONIZE_RESTART_H
#define DAEMONIZE_RESTART_H

#include <stdbool.h>
#include <stddef.h>

enum restart_when {
	RESTART_NEVER = 0,	/* not supervised for restarts */
	RESTART_ON_FAILURE,	/* non-zero exit, or an unclean signal */
	RESTART_ALWAYS,		/* any end, exit 0 included */
};

struct restart_policy {
	enum restart_when when;
	long long min_ms;	/* the first delay */
	long long max_ms;	/* the cap; a run this long resets */
	long long limit;	/* restarts in a row before giving up; -1: none */
};

/* Where the back-off stands between runs. */
struct restart_state {
	long long delay_ms;	/* the last delay used */
	long long count;	/* restarts in a row after short runs */
};

enum restart_verdict {
	RESTART_AFTER,		/* restart after *delay_ms */
	RESTART_NOT_WANTED,	/* the run's end is not one to restart */
	RESTART_GIVE_UP,	/* --restart-limit reached */
};

#define RESTART_MIN_DEFAULT_MS	1000
#define RESTART_MAX_DEFAULT_MS	60000

/* "on-failure" or "always"; -1 for anything else. */
int restart_parse_when(const char *s, enum restart_when *when);

/*
 * MIN[:MAX] in decimal seconds; MIN alone leaves MAX at 60 s, or MIN if
 * larger. 0, or -1 if malformed or MIN > MAX.
 */
int restart_parse_delay(const char *s, struct restart_policy *p);

/*
 * systemd's rule for on-failure: a clean end is exit 0 or death by
 * SIGHUP, SIGINT, SIGTERM or SIGPIPE. status is as from waitpid(2).
 */
bool restart_is_failure(int status);

/*
 * A run that lasted run_ms ended with status: the verdict, with the delay
 * to wait in *delay_ms for RESTART_AFTER. Updates *st.
 */
enum restart_verdict restart_next(const struct restart_policy *p,
    struct restart_state *st, long long run_ms, int status,
    long long *delay_ms);

/* A delay as DESIGN writes it: "0.2 s", "1 s", "1.25 s". */
void restart_format_delay(long long ms, char *buf, size_t size);

#endif
