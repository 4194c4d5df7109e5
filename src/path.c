#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

char *
path_absolute(const char *p, const char *cwd)
{
	char *abs;

	if (p[0] == '/' || cwd == NULL)
		return strdup(p);
	if (asprintf(&abs, "%s%s%s", cwd,
	    cwd[strlen(cwd) - 1] == '/' ? "" : "/", p) == -1)
		return NULL;
	return abs;
}
