/*
 * Finding the command as execvp(3) would, but in the caller, before
 * anything is forked or opened.
 */
#ifndef DAEMONIZE_COMMAND_H
#define DAEMONIZE_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The path to execute for name: name itself made absolute against cwd when
 * it has a slash, else the first executable match in PATH. NULL with errno
 * ENOENT (not found), EACCES or EISDIR (found, not executable) or ENOMEM.
 */
char *command_find(const char *name, const char *cwd);

/*
 * True when execve(2) of path should succeed with our effective IDs: it is
 * executable to us and, if a script, its interpreter exists.
 */
bool command_runnable(const char *path);

/*
 * True when path is a script whose #! interpreter does not exist; the
 * interpreter's name is put into interp.
 */
bool command_missing_interpreter(const char *path, char *interp, size_t size);

#endif
