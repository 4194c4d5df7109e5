/*
 * Paths given on the command line are taken relative to the caller's
 * working directory, before anything changes it.
 */
#ifndef DAEMONIZE_PATH_H
#define DAEMONIZE_PATH_H

/* p itself if absolute, else cwd/p; newly allocated, NULL on ENOMEM. */
char *path_absolute(const char *p, const char *cwd);

#endif
