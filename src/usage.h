/*
 * Usage errors of the command line, for the modules that parse it.
 */
#ifndef DAEMONIZE_USAGE_H
#define DAEMONIZE_USAGE_H

/* "daemonize: " and the text, then "Try 'daemonize --help'."; EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
