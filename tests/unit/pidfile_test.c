/* pidfile.c: what a pidfile may hold, byte for byte. */
#include <errno.h>
#include <string.h>

#include "../../src/pidfile.h"
#include "unit.h"

static const struct {
	const char *name;	/* for the TAP line */
	const char *buf;
	size_t len;		/* 0: strlen(buf) */
	int rc;
	pid_t pid;
} cases[] = {
	{ "123\\n",		"123\n",	0, 0,	   123 },
	{ "123",		"123",		0, 0,	   123 },
	{ "2\\n",		"2\n",		0, 0,	   2 },
	{ "4194304\\n",		"4194304\n",	0, 0,	   4194304 },
	{ "2147483647",		"2147483647",	0, 0,	   2147483647 },
	{ "0123 (decimal)",	"0123\n",	0, 0,	   123 },
	{ "empty",		"",		0, EAGAIN, 0 },
	{ "\\n",		"\n",		0, EINVAL, 0 },
	{ "\\n\\n",		"\n\n",		0, EINVAL, 0 },
	{ "123\\n\\n",		"123\n\n",	0, EINVAL, 0 },
	{ "1 (init)",		"1\n",		0, EINVAL, 0 },
	{ "0",			"0\n",		0, EINVAL, 0 },
	{ "-5",			"-5\n",		0, EINVAL, 0 },
	{ "+1",			"+1\n",		0, EINVAL, 0 },
	{ "+123",		"+123",		0, EINVAL, 0 },
	{ " 1",			" 1\n",		0, EINVAL, 0 },
	{ "1 ",			"1 \n",		0, EINVAL, 0 },
	{ "12 34",		"12 34\n",	0, EINVAL, 0 },
	{ "\\t12",		"\t12\n",	0, EINVAL, 0 },
	{ "12\\r\\n",		"12\r\n",	0, EINVAL, 0 },
	{ "0x1f",		"0x1f\n",	0, EINVAL, 0 },
	{ "12abc",		"12abc\n",	0, EINVAL, 0 },
	{ "abc",		"abc\n",	0, EINVAL, 0 },
	{ "2147483648",		"2147483648\n",	0, EINVAL, 0 },
	{ "99999999999",	"99999999999\n", 0, EINVAL, 0 },
	{ "17 digits",		"12345678901234567\n", 0, EINVAL, 0 },
	{ "NUL",		"\0",		1, EINVAL, 0 },
	{ "12 NUL",		"12\0",		3, EINVAL, 0 },
	{ "12 NUL newline",	"12\0\n",	4, EINVAL, 0 },
	{ "NUL 12",		"\0" "12\n",	4, EINVAL, 0 },
	{ "1 NUL 2",		"1\0" "2\n",	4, EINVAL, 0 },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len != 0 ? cases[i].len :
		    strlen(cases[i].buf);
		pid_t pid = 0;
		int rc = pidfile_parse(cases[i].buf, len, &pid);

		unit_check(rc == cases[i].rc && (rc != 0 ||
		    pid == cases[i].pid), "pidfile_parse(\"%s\")",
		    cases[i].name);
	}
	return unit_done();
}
