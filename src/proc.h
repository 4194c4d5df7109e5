/*
 * What /proc/PID/stat says of a process.
 */
#ifndef DAEMONIZE_PROC_H
#define DAEMONIZE_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct proc_stat {
	char state;			/* R S D Z T ... */
	pid_t ppid;
	pid_t pgrp;
	pid_t session;
	unsigned long long starttime;	/* clock ticks after boot */
};

/* 0 and *ps filled, or -1 with errno (ENOENT: no such process). */
int proc_stat(pid_t pid, struct proc_stat *ps);

/* The process exists and is not a zombie. */
bool proc_alive(pid_t pid);

/*
 * A process other than us with a descriptor that holds a lock on the file
 * dev:ino, or 0: who holds a lock a dead daemon's children inherited. A
 * mere reader of the file is not one.
 */
pid_t proc_find_locker(dev_t dev, ino_t ino);

/*
 * Every live process (us included) with a descriptor that holds a lock on
 * the file dev:ino, in pid order: up to max of them in pids. Returns how
 * many there are, which may be more than max.
 */
size_t proc_lockers(dev_t dev, ino_t ino, pid_t *pids, size_t max);

/* pid has a descriptor that holds a lock on the file dev:ino. */
bool proc_holds_lock(pid_t pid, dev_t dev, ino_t ino);

/* A child of parent whose command name is comm (any, if NULL), or 0. */
pid_t proc_find_child(pid_t parent, const char *comm);

/*
 * The same in two steps, for a caller in a hurry later: parent's children
 * file opened ahead (the first look-up of a new process's /proc entries is
 * most of the cost), or -1; and a child found in it, read afresh each time.
 */
int proc_children_open(pid_t parent);
pid_t proc_child_in(int fd, const char *comm);

/*
 * Whether pid runs this very program file: a daemon that is daemonize
 * itself is a supervisor (supervise.h).
 */
bool proc_same_program(pid_t pid);

#endif
