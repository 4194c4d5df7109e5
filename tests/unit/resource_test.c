/* resource.c: the --rlimit NAME=SOFT[:HARD] parser. */
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "../../src/compat.h"
#include "../../src/resource.h"
#include "unit.h"

#define INF	RLIM_INFINITY

#define FORM	"want NAME=SOFT[:HARD]"
#define NAME	"unknown resource name"
#define VALUE	"a limit is a decimal number or 'unlimited'"
#define ORDER	"the soft limit is above the hard one"

static const struct {
	const char *spec;
	int rc;
	int resource;
	rlim_t soft, hard;
	const char *why;
} cases[] = {
	{ "nofile=1024",		0, RLIMIT_NOFILE, 1024, 1024, NULL },
	{ "nofile=1024:4096",		0, RLIMIT_NOFILE, 1024, 4096, NULL },
	{ "core=unlimited",		0, RLIMIT_CORE, INF, INF, NULL },
	{ "core=0:unlimited",		0, RLIMIT_CORE, 0, INF, NULL },
	{ "as=9223372036854775807",	0, RLIMIT_AS, INT64_MAX, INT64_MAX,
	    NULL },
	{ "as=0",			0, RLIMIT_AS, 0, 0, NULL },
	{ "cpu=1",			0, RLIMIT_CPU, 1, 1, NULL },
	{ "data=1",			0, RLIMIT_DATA, 1, 1, NULL },
	{ "fsize=1",			0, RLIMIT_FSIZE, 1, 1, NULL },
	{ "locks=1",			0, RLIMIT_LOCKS, 1, 1, NULL },
	{ "memlock=1",			0, RLIMIT_MEMLOCK, 1, 1, NULL },
	{ "msgqueue=1",			0, RLIMIT_MSGQUEUE, 1, 1, NULL },
	{ "nice=1",			0, RLIMIT_NICE, 1, 1, NULL },
	{ "nproc=1",			0, RLIMIT_NPROC, 1, 1, NULL },
	{ "rss=1",			0, RLIMIT_RSS, 1, 1, NULL },
	{ "rtprio=1",			0, RLIMIT_RTPRIO, 1, 1, NULL },
	{ "rttime=1",			0, RLIMIT_RTTIME, 1, 1, NULL },
	{ "sigpending=1",		0, RLIMIT_SIGPENDING, 1, 1, NULL },
	{ "stack=1",			0, RLIMIT_STACK, 1, 1, NULL },
	{ "nofile",			-1, 0, 0, 0, FORM },
	{ "=1",				-1, 0, 0, 0, FORM },
	{ "",				-1, 0, 0, 0, FORM },
	{ "NOFILE=1",			-1, 0, 0, 0, NAME },
	{ "files=1",			-1, 0, 0, 0, NAME },
	{ "nofil=1",			-1, 0, 0, 0, NAME },
	{ "nofiles=1",			-1, 0, 0, 0, NAME },
	{ "RLIMIT_NOFILE=1",		-1, 0, 0, 0, NAME },
	{ "nofile=",			-1, 0, 0, 0, VALUE },
	{ "nofile=:5",			-1, 0, 0, 0, VALUE },
	{ "nofile=5:",			-1, 0, 0, 0, VALUE },
	{ "nofile=5:6:7",		-1, 0, 0, 0, VALUE },
	{ "nofile=+5",			-1, 0, 0, 0, VALUE },
	{ "nofile= 5",			-1, 0, 0, 0, VALUE },
	{ "nofile=5 ",			-1, 0, 0, 0, VALUE },
	{ "nofile=-1",			-1, 0, 0, 0, VALUE },
	{ "nofile=0x10",		-1, 0, 0, 0, VALUE },
	{ "nofile=1k",			-1, 0, 0, 0, VALUE },
	{ "nofile=infinity",		-1, 0, 0, 0, VALUE },
	{ "nofile=Unlimited",		-1, 0, 0, 0, VALUE },
	{ "as=9223372036854775808",	-1, 0, 0, 0, VALUE },
	{ "nofile=10:5",		-1, 0, 0, 0, ORDER },
	{ "core=unlimited:0",		-1, 0, 0, 0, ORDER },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		struct rlimit_spec r;
		const char *why = "unset";
		int rc;

		memset(&r, 0, sizeof(r));
		rc = resource_parse_rlimit(cases[i].spec, &r, &why);
		unit_check(rc == cases[i].rc && r.given == cases[i].spec &&
		    (rc != 0 || (r.resource == cases[i].resource &&
		    r.limit.rlim_cur == cases[i].soft &&
		    r.limit.rlim_max == cases[i].hard)) &&
		    (cases[i].why == NULL ? why == NULL :
		    why != NULL && strcmp(why, cases[i].why) == 0),
		    "resource_parse_rlimit('%s')", cases[i].spec);
	}
	return unit_done();
}
