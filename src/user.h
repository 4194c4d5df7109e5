/*
 * -u USER[:GROUP]: looked up by the caller, switched to by the daemon.
 */
#ifndef DAEMONIZE_USER_H
#define DAEMONIZE_USER_H

#include <stdbool.h>
#include <sys/types.h>

struct user {
	char *name;
	char *home;
	char *shell;
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups */
	int ngroups;
};

/* Look up spec; on failure say why and return -1. */
int user_lookup(struct user *u, const char *spec);
void user_free(struct user *u);
/* Set HOME, USER, LOGNAME and SHELL; -1 with errno on failure. */
int user_export(const struct user *u);

enum user_step { USER_OK, USER_GROUPS, USER_SETGID, USER_SETUID };
/* Groups, then group, then user; returns the step that failed. */
enum user_step user_switch(const struct user *u);
/* The last step before the exec: no capabilities, real ID the user's. */
int user_commit(const struct user *u);
/* Become root again after user_switch, until the exec; -1 with errno. */
int user_regain_root(void);

#endif
