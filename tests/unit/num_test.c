/* num.c: the one number parser, its durations and its sizes. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "../../src/num.h"
#include "unit.h"

static const struct {
	const char *s;
	long long lo, hi;
	int rc;
	long long v;
	const char *why;
} ints[] = {
	{ "7",		3, INT32_MAX,	0,  7,	NULL },
	{ "3",		3, INT32_MAX,	0,  3,	NULL },
	{ "2",		3, INT32_MAX,	-1, 0,	"too small" },
	{ "-3",		3, INT32_MAX,	-1, 0,	"too small" },
	{ "+7",		3, INT32_MAX,	-1, 0,	"invalid" },
	{ " 7",		3, INT32_MAX,	-1, 0,	"invalid" },
	{ "7 ",		3, INT32_MAX,	-1, 0,	"invalid" },
	{ "",		3, INT32_MAX,	-1, 0,	"invalid" },
	{ "0x7",	0, INT32_MAX,	-1, 0,	"invalid" },
	{ "07",		0, INT32_MAX,	0,  7,	NULL },
	{ "2147483648",	0, INT32_MAX,	-1, 0,	"too large" },
	{ "99999999999999999999", 0, LLONG_MAX, -1, 0, "too large" },
	{ "-20",	-20, 19,	0,  -20, NULL },
	{ "-21",	-20, 19,	-1, 0,	"too small" },
	{ "-",		-20, 19,	-1, 0,	"invalid" },
	{ "--1",	-20, 19,	-1, 0,	"invalid" },
	{ "19",		-20, 19,	0,  19,	NULL },
	{ "20",		-20, 19,	-1, 0,	"too large" },
};

static const struct {
	const char *s;
	int rc;
	double v;
} secs[] = {
	{ "10", 0, 10 }, { "0.25", 0, 0.25 }, { "0", 0, 0 },
	{ ".5", -1, 0 }, { "5.", -1, 0 }, { "-1", -1, 0 }, { "+1", -1, 0 },
	{ "1e3", -1, 0 }, { "inf", -1, 0 }, { "nan", -1, 0 }, { "", -1, 0 },
	{ " 1", -1, 0 }, { "1000001", -1, 0 }, { "1000000", 0, 1000000 },
};

static const struct {
	const char *s;
	int rc;
	unsigned long long v;
} sizes[] = {
	{ "4096", 0, 4096 }, { "4k", 0, 4096 }, { "1M", 0, 1048576 },
	{ "2G", 0, 2147483648ULL }, { "4095", -1, 0 }, { "3k", -1, 0 },
	{ "1K", -1, 0 }, { "1m", -1, 0 }, { "1MB", -1, 0 }, { "", -1, 0 },
	{ "k", -1, 0 }, { "-4096", -1, 0 }, { "+4096", -1, 0 },
	{ "99999999999999999999", -1, 0 }, { "17179869184G", -1, 0 },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		long long v = 0;
		const char *why = NULL;
		int rc = num_parse(ints[i].s, ints[i].lo, ints[i].hi, &v, &why);

		unit_check(rc == ints[i].rc && (rc != 0 || v == ints[i].v) &&
		    (ints[i].why == NULL ? why == NULL :
		    why != NULL && strcmp(why, ints[i].why) == 0),
		    "num_parse('%s', %lld, %lld)", ints[i].s, ints[i].lo,
		    ints[i].hi);
	}
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		double v = -1;
		int rc = num_seconds(secs[i].s, 1000000.0, &v);

		unit_check(rc == secs[i].rc && (rc != 0 || v == secs[i].v),
		    "num_seconds('%s')", secs[i].s);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned long long v = 0;
		int rc = num_size(sizes[i].s, 4096, ULLONG_MAX, &v);

		unit_check(rc == sizes[i].rc && (rc != 0 || v == sizes[i].v),
		    "num_size('%s')", sizes[i].s);
	}
	return unit_done();
}
