/* restart.c: the policy of supervised mode, as DESIGN.md states it. */
#include <signal.h>
#include <string.h>

#include "../../src/restart.h"
#include "unit.h"

#define EXITED(n)	((n) << 8)
#define KILLED(s)	(s)

static const struct {
	const char *s;
	int rc;
	long long min, max;
} delays[] = {
	{ "1:60", 0, 1000, 60000 }, { "0", 0, 0, 60000 },
	{ "0.2", 0, 200, 60000 }, { "90", 0, 90000, 90000 },
	{ "0.1:2", 0, 100, 2000 }, { "2:2", 0, 2000, 2000 },
	{ "3:2", -1, 0, 0 }, { "", -1, 0, 0 }, { ":5", -1, 0, 0 },
	{ "1:", -1, 0, 0 }, { "-1", -1, 0, 0 }, { "1:2:3", -1, 0, 0 },
	{ "1e2", -1, 0, 0 }, { " 1", -1, 0, 0 }, { "1:+2", -1, 0, 0 },
};

static const struct {
	int status;
	bool failure;
} ends[] = {
	{ EXITED(0), false }, { EXITED(1), true }, { EXITED(255), true },
	{ KILLED(SIGHUP), false }, { KILLED(SIGINT), false },
	{ KILLED(SIGTERM), false }, { KILLED(SIGPIPE), false },
	{ KILLED(SIGKILL), true }, { KILLED(SIGSEGV), true },
	{ KILLED(SIGQUIT), true }, { KILLED(SIGABRT), true },
};

/* A sequence of runs: how long each lasted, and what must follow. */
struct step {
	long long run_ms;
	int status;
	enum restart_verdict v;
	long long delay;
};

static void
run_steps(const char *name, const struct restart_policy *p,
    const struct step *s, size_t n)
{
	struct restart_state st = { 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		long long d = -1;
		enum restart_verdict v = restart_next(p, &st, s[i].run_ms,
		    s[i].status, &d);

		unit_check(v == s[i].v && (v != RESTART_AFTER ||
		    d == s[i].delay), "%s: run %zu", name, i + 1);
	}
}

static void
test_backoff(void)
{
	static const struct restart_policy p = {
		RESTART_ON_FAILURE, 1000, 8000, -1 };
	static const struct step s[] = {
		{ 10, EXITED(1), RESTART_AFTER, 1000 },
		{ 10, EXITED(1), RESTART_AFTER, 2000 },
		{ 10, KILLED(SIGKILL), RESTART_AFTER, 4000 },
		{ 7999, EXITED(1), RESTART_AFTER, 8000 },
		{ 10, EXITED(1), RESTART_AFTER, 8000 },
		{ 8000, EXITED(1), RESTART_AFTER, 1000 },	/* reset */
		{ 10, EXITED(1), RESTART_AFTER, 2000 },
		{ 10, EXITED(0), RESTART_NOT_WANTED, 0 },
		{ 10, KILLED(SIGTERM), RESTART_NOT_WANTED, 0 },
	};

	run_steps("back-off 1:8", &p, s, sizeof(s) / sizeof(s[0]));
}

static void
test_limit(void)
{
	static const struct restart_policy p2 = {
		RESTART_ALWAYS, 100, 1000, 2 };
	static const struct step s2[] = {
		{ 10, EXITED(0), RESTART_AFTER, 100 },
		{ 10, EXITED(3), RESTART_AFTER, 200 },
		{ 10, EXITED(0), RESTART_GIVE_UP, 0 },
		{ 1000, EXITED(0), RESTART_AFTER, 100 },	/* count anew */
	};
	static const struct restart_policy p0 = {
		RESTART_ON_FAILURE, 0, 0, 0 };
	static const struct step s0[] = {
		{ 10, EXITED(0), RESTART_NOT_WANTED, 0 },
		{ 10, EXITED(1), RESTART_GIVE_UP, 0 },
	};
	static const struct restart_policy pz = {
		RESTART_ON_FAILURE, 0, 60000, -1 };
	static const struct step sz[] = {
		{ 1, EXITED(1), RESTART_AFTER, 0 },
		{ 1, EXITED(1), RESTART_AFTER, 0 },
	};

	run_steps("always, limit 2", &p2, s2, sizeof(s2) / sizeof(s2[0]));
	run_steps("limit 0", &p0, s0, sizeof(s0) / sizeof(s0[0]));
	run_steps("delay 0", &pz, sz, sizeof(sz) / sizeof(sz[0]));
}

static void
test_format(void)
{
	static const struct {
		long long ms;
		const char *s;
	} f[] = {
		{ 0, "0 s" }, { 200, "0.2 s" }, { 1000, "1 s" },
		{ 1250, "1.25 s" }, { 60000, "60 s" }, { 1001, "1.001 s" },
		{ 2500, "2.5 s" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		restart_format_delay(f[i].ms, buf, sizeof(buf));
		unit_check(strcmp(buf, f[i].s) == 0, "format %lld ms as '%s'",
		    f[i].ms, f[i].s);
	}
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		struct restart_policy p = { RESTART_ON_FAILURE, -1, -1, -1 };
		int rc = restart_parse_delay(delays[i].s, &p);

		unit_check(rc == delays[i].rc && (rc != 0 ||
		    (p.min_ms == delays[i].min && p.max_ms == delays[i].max)),
		    "restart_parse_delay('%s')", delays[i].s);
	}
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		unit_check(restart_is_failure(ends[i].status) ==
		    ends[i].failure, "status 0x%x is %sa failure",
		    ends[i].status, ends[i].failure ? "" : "not ");
	test_backoff();
	test_limit();
	test_format();
	return unit_done();
}
