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
 * it has a slash, else the first executable match in PATH; allocated as
 * path_absolute()'s is (arena_free()). NULL with errno ENOENT (not found),
 * EACCES or EISDIR (found, not executable) or ENOMEM.
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

/*
 * After execve(2) of path failed with ENOEXEC: true when it is a shell
 * script to run under /bin/sh, as execvp(3) would; false for a binary (an
 * ELF file, or a NUL byte in its first line, as bash judges) or a file we
 * cannot read, which must fail instead.
 */
bool command_is_script(const char *path);

/*
 * The message for a failed execve(2) of path (name as the user gave it)
 * with errno err, into buf, without "daemonize: "; returns the exit code:
 * 127 for a missing file or #! interpreter, else 126.
 */
int command_explain(char *buf, size_t size, const char *name,
    const char *path, int err);

#endif
