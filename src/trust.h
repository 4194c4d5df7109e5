/*
 * Whether root may act on what a file says (a pidfile: which process to
 * signal) and write to it: no other user could have written the file,
 * linked it elsewhere, or steered its path, as start-stop-daemon(8)
 * judges a pidfile and OpenSSH's safe_path() a key's directories.
 */
#ifndef DAEMONIZE_TRUST_H
#define DAEMONIZE_TRUST_H

#include <sys/stat.h>

/*
 * Why a file is not trusted, as errno values beyond any the system sets,
 * so that no failed call can be taken for one (they travel where errno
 * does, as in a start's verdict).
 */
enum {
	TRUST_FOREIGN = 4096,	/* another user owns it, or may write it */
	TRUST_LINKED,		/* it has more than one hard link */
	TRUST_PATH,		/* another user may change the way to it */
};

/*
 * 0 when the file st describes is root's, writable by nobody else, and
 * has one name; else TRUST_FOREIGN or TRUST_LINKED.
 */
int trust_file(const struct stat *st);

/*
 * 0 when no user but root could have changed which file path (absolute,
 * or relative to the working directory) names: every directory on the
 * way, and every one holding a symbolic link followed, is writable by
 * root alone, or is sticky (as /tmp, where only an entry's owner may
 * replace it) and the entry taken from it is root's. The last component
 * itself is not looked at (see trust_file()). Else TRUST_PATH, or the
 * errno of the walk (ENOENT for a missing directory, ...).
 */
int trust_path(const char *path);

/* What a TRUST_ value means, for a message; NULL for any other value. */
const char *trust_reason(int e);

#endif
