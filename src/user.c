/*
 * Looking up and becoming the user of -u. The lookup runs in the caller, so
 * an unknown name is reported before anything is forked or opened.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "compat.h"
#include "msg.h"
#include "num.h"
#include "user.h"

/* A name, or failing that a plain decimal id. */
static struct passwd *
find_passwd(const char *name)
{
	struct passwd *pw;
	const char *why;
	long long id;

	if ((pw = getpwnam(name)) != NULL)
		return pw;
	if (num_parse(name, 0, UINT32_MAX - 1, &id, &why) == -1)
		return NULL;
	return getpwuid((uid_t)id);
}

static int
find_group(const char *name, gid_t *gid)
{
	struct group *gr;
	const char *why;
	long long id;

	if ((gr = getgrnam(name)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	/* A number need not be in the group database to be used. */
	if (num_parse(name, 0, UINT32_MAX - 1, &id, &why) == -1)
		return -1;
	*gid = (gid_t)id;
	return 0;
}

static int
find_groups(struct user *u)
{
	int n = 32;

	for (;;) {
		gid_t *g = reallocarray(u->groups, (size_t)n, sizeof(*g));
		int want = n;

		if (g == NULL)
			return -1;
		u->groups = g;
		if (getgrouplist(u->name, u->gid, g, &want) != -1) {
			u->ngroups = want;
			return 0;
		}
		if (want <= n)
			return -1;
		n = want;
	}
}

static int
fill_user(struct user *u, const struct passwd *pw)
{
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = strdup(pw->pw_name);
	u->home = strdup(pw->pw_dir);
	u->shell = strdup(*pw->pw_shell != '\0' ? pw->pw_shell : "/bin/sh");
	return u->name != NULL && u->home != NULL && u->shell != NULL ? 0 : -1;
}

int
user_lookup(struct user *u, const char *spec)
{
	char *name, *group;
	struct passwd *pw;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	if ((name = strdup(spec)) == NULL) {
		msg("cannot look up user '%s': %s", spec, strerror(errno));
		return -1;
	}
	if ((group = strchr(name, ':')) != NULL)
		*group++ = '\0';

	errno = 0;
	if ((pw = find_passwd(name)) == NULL)
		msg("unknown user '%s'", name);
	else if (fill_user(u, pw) == -1)
		msg("cannot look up user '%s': %s", name, strerror(ENOMEM));
	else if (group != NULL && find_group(group, &u->gid) == -1)
		msg("unknown group '%s'", group);
	else if (find_groups(u) == -1)
		msg("cannot look up the groups of user '%s': %s", name,
		    strerror(ENOMEM));
	else if (geteuid() != 0)
		msg("cannot switch to user '%s': %s (needs root)", spec,
		    strerror(EPERM));
	else
		rc = 0;
	free(name);
	return rc;
}

void
user_free(struct user *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u->groups);
	memset(u, 0, sizeof(*u));
}

int
user_export(const struct user *u)
{
	if (setenv("HOME", u->home, 1) == -1 ||
	    setenv("USER", u->name, 1) == -1 ||
	    setenv("LOGNAME", u->name, 1) == -1 ||
	    setenv("SHELL", u->shell, 1) == -1)
		return -1;
	return 0;
}

/*
 * Act as the user (the effective ID decides what files it may reach) but
 * keep the real and saved IDs 0 until user_commit(): the user cannot signal
 * a start half set up, and one that fails can take root back to remove its
 * root-owned pidfile.
 */
enum user_step
user_switch(const struct user *u)
{
	/* The group list first, while we still have the right to set it. */
	if (setgroups((size_t)u->ngroups, u->groups) == -1)
		return USER_GROUPS;
	if (setresgid(u->gid, u->gid, u->gid) == -1)
		return USER_SETGID;
	if (setresuid(0, u->uid, 0) == -1)
		return USER_SETUID;
	return USER_OK;
}

/* No capability may pass to the command: ambient ones would, on exec. */
static int
drop_capabilities(void)
{
	struct __user_cap_header_struct head = {
		_LINUX_CAPABILITY_VERSION_3, 0
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)		/* EINVAL: a kernel without them */
		return -1;
	if (syscall(SYS_capget, &head, data) == -1)
		return -1;
	data[0].inheritable = data[1].inheritable = 0;
	return (int)syscall(SYS_capset, &head, data);
}

/*
 * Just before the exec: the real ID too. The saved ID stays 0 for a failed
 * exec's undo; execve(2) copies the effective ID over it, so the command
 * holds no way back to root.
 */
int
user_commit(const struct user *u)
{
	if (drop_capabilities() == -1)
		return -1;
	return setresuid(u->uid, u->uid, 0);
}

int
user_regain_root(void)
{
	return seteuid(0);
}
