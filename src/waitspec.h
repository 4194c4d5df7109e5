/*
 * Parsing of -w SPEC into struct wait_spec (options.h).
 */
#ifndef DAEMONIZE_WAITSPEC_H
#define DAEMONIZE_WAITSPEC_H

#include "options.h"

/* Add one -w SPEC to o. 0, or the usage error's exit code after saying it. */
int waitspec_parse(struct options *o, const char *spec);

/* The -w SPECs against the other options; 0, or as above. */
int waitspec_check(const struct options *o);

#endif
