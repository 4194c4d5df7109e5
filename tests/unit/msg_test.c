/* msg.c: escaping of control characters in names and daemon text. */
#include <string.h>

#include "../../src/msg.h"
#include "unit.h"

static const struct {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *out;
} cases[] = {
	{ "plain name", 0, "plain name" },
	{ "a\nb", 0, "a\\nb" },
	{ "tab\there", 0, "tab\\there" },
	{ "cr\r", 0, "cr\\r" },
	{ "\033[31mred", 0, "\\033[31mred" },
	{ "del\177", 0, "del\\177" },
	{ "\302\233x", 0, "\\302\\233x" },
	{ "\302\200\302\237", 0, "\\302\\200\\302\\237" },
	{ "caf\303\251", 0, "caf\303\251" },		/* é stays */
	{ "\302\240nbsp", 0, "\302\240nbsp" },		/* not C1 */
	{ "\302", 0, "\302" },				/* cut short */
	{ "\237", 0, "\237" },				/* lone byte */
	{ "nul\0x", 5, "nul\\000x" },
	{ "back\\slash", 0, "back\\slash" },
};

int
main(void)
{
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);

		n = msg_escape(out, sizeof(out), cases[i].in, len);
		unit_check(n == strlen(cases[i].out) &&
		    strcmp(out, cases[i].out) == 0, "msg_escape case %zu", i);
	}
	/* Cut at a whole escape, always terminated. */
	n = msg_escape(out, 5, "ab\ncd", 5);
	unit_check(n == 4 && strcmp(out, "ab\\n") == 0, "cut after an escape");
	n = msg_escape(out, 4, "ab\ncd", 5);
	unit_check(n == 2 && strcmp(out, "ab") == 0, "cut before an escape");
	n = msg_escape(out, 1, "ab", 2);
	unit_check(n == 0 && out[0] == '\0', "room for the NUL only");
	return unit_done();
}
