#!/usr/bin/env bats
# --stop and --status: the daemon named by a pidfile, judged by the liveness
# rule (its lock, or a live pid that started no later than the pidfile was
# written); stop signals it and its group, waits until it is gone, escalates
# to SIGKILL after --timeout and removes the pidfile; status answers with
# the LSB codes. Also the usage rules of --stop, --status, --signal and -t.

load helper

# Pids of the live (not zombie) members of process group PGID.
group_members() {
	local pid
	for pid in $(pgrep -g "$1"); do
		alive "$pid" && echo "$pid"
	done
	return 0
}

# Exactly one live process has the command line given.
one_proc() {
	[ "$(nprocs "$@")" = 1 ]
}

# Milliseconds on a clock that only goes forward enough for a test.
now_ms() {
	local us=${EPOCHREALTIME/./}
	echo $((us / 1000))
}

# A daemon (sh) that logs "up" to LOG once its traps are set, then loops
# on short sleeps (members of its process group) until a signal ends it.
# TRAPS is sh code run first.
start_looping() {
	local pidfile=$1 log=$2 traps=$3
	dz -p "$pidfile" -o "$log" sh -c "$traps; echo up; while :; do sleep 0.1; done" ||
	    return
	poll has_line "$log" up
}

# stop

@test "--stop without a pidfile exits 0 and says nothing" {
	run --separate-stderr dz --stop -p none.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_file_not_exists none.pid
	run --separate-stderr dz --stop -p nodir/none.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_file_not_exists nodir
}

@test "--stop sends SIGTERM and returns only once the daemon is gone" {
	# The daemon takes half a second to exit after SIGTERM.
	start_looping t.pid t.log 'trap "sleep 0.5; echo TERM; exit 0" TERM'
	pid=$(pid_in t.pid)
	pgid=$(stat_field "$pid" 5)
	group_members "$pgid" | grep -qx "$pid"
	run --separate-stderr dz --stop -p t.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	dead "$pid" || fail "pid $pid still runs after --stop returned"
	assert_equal "$(group_members "$pgid")" ""
	holds t.log $'up\nTERM\n'
	assert_file_not_exists t.pid
	# Again: nothing to stop now.
	run --separate-stderr dz --stop -p t.pid
	assert_success
	assert_equal "$stderr" ""
}

@test "--stop -v says what it sends and that the daemon has exited" {
	dz -p v.pid sleep 3100
	pid=$(pid_in v.pid)
	run --separate-stderr dz --stop -v -p v.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" "daemonize: sending SIGTERM to pid $pid and its process group
daemonize: pid $pid has exited"
	dead "$pid"
	assert_file_not_exists v.pid
	# With -1 the daemon leads its session and group: the same.
	dz -1 -p v1.pid sleep 3100
	pid=$(pid_in v1.pid)
	run --separate-stderr dz --stop -v --signal USR1 -p v1.pid
	assert_success
	assert_equal "$stderr" "daemonize: sending SIGUSR1 to pid $pid and its process group
daemonize: pid $pid has exited"
	dead "$pid"
	assert_file_not_exists v1.pid
}

@test "--stop sends SIGKILL to a daemon that ignores SIGTERM once --timeout is over" {
	start_looping i.pid i.log 'trap "" TERM'
	pid=$(pid_in i.pid)
	pgid=$(stat_field "$pid" 5)
	group_members "$pgid" | grep -qx "$pid"
	t0=$(now_ms)
	run --separate-stderr dz --stop -t 0.5 -p i.pid
	t1=$(now_ms)
	assert_success
	assert_output ""
	assert_equal "$stderr" "daemonize: pid $pid did not exit within 0.5 s of SIGTERM; killed it"
	dead "$pid" || fail "pid $pid still runs after --stop returned"
	assert_equal "$(group_members "$pgid")" ""
	assert_file_not_exists i.pid
	((t1 - t0 >= 500)) || fail "SIGKILL came after $((t1 - t0)) ms, before -t 0.5"
	((t1 - t0 < 5000)) || fail "--stop -t 0.5 took $((t1 - t0)) ms"
}

@test "--stop also ends the daemon's children that hold its pidfile lock" {
	# The child ignores SIGTERM and keeps the inherited lock; the daemon
	# itself dies of SIGTERM at once.
	dz -p c.pid -o c.log sh -c '(trap "" TERM; echo child; exec sleep 3101) &
	    exec sleep 3102'
	pid=$(pid_in c.pid)
	poll has_line c.log child
	poll one_proc sleep 3101
	child=$(procs sleep 3101)
	pgid=$(stat_field "$pid" 5)
	assert_equal "$(stat_field "$child" 5)" "$pgid"
	assert [ -n "$(fds_on "$child" c.pid)" ]
	t0=$(now_ms)
	run --separate-stderr dz --stop -t 0.5 -p c.pid
	t1=$(now_ms)
	assert_success
	assert_equal "$stderr" "daemonize: members of process group $pgid did not exit within 0.5 s of SIGTERM; killed them"
	dead "$pid" || fail "the daemon $pid still runs"
	dead "$child" || fail "its child $child still runs"
	assert_file_not_exists c.pid
	((t1 - t0 >= 500)) || fail "SIGKILL came after $((t1 - t0)) ms, before -t 0.5"
}

@test "--signal sends the signal given by name or number" {
	for sig in USR1 usr1 SIGUSR1 10; do
		start_looping "$sig.pid" "$sig.log" 'trap "echo USR1; exit 0" USR1'
		pid=$(pid_in "$sig.pid")
		run --separate-stderr dz --stop --signal "$sig" -p "$sig.pid"
		assert_success
		assert_output ""
		assert_equal "$stderr" ""
		dead "$pid" || fail "--signal $sig: pid $pid still runs"
		holds "$sig.log" $'up\nUSR1\n'
		assert_file_not_exists "$sig.pid"
	done
}

@test "a --signal that does not end the daemon is followed by SIGKILL" {
	dz -p k.pid sleep 3103
	pid=$(pid_in k.pid)
	t0=$(now_ms)
	run --separate-stderr dz --stop --signal CONT -t 0.3 -p k.pid
	t1=$(now_ms)
	assert_success
	assert_equal "$stderr" "daemonize: pid $pid did not exit within 0.3 s of SIGCONT; killed it"
	dead "$pid" || fail "pid $pid still runs after --stop returned"
	assert_file_not_exists k.pid
	((t1 - t0 >= 300)) || fail "SIGKILL came after $((t1 - t0)) ms, before -t 0.3"
}

@test "--stop by a user not permitted to signal the daemon fails with 1" {
	need_root
	reachable_by_nobody "$BATS_TEST_TMPDIR"
	dz -p r.pid sleep 3104
	pid=$(pid_in r.pid)
	run --separate-stderr as_nobody "$DAEMONIZE" --stop -t 0.1 -p r.pid
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot signal pid $pid: Operation not permitted"
	alive "$pid"
	is_sleeping "$pid"
	holds r.pid "$pid"$'\n'
	assert_equal "$(flock_pids r.pid)" "$pid"
	# Status needs no permission to signal.
	run --separate-stderr as_nobody "$DAEMONIZE" --status -p r.pid
	assert_success
	assert_output "running as pid $pid"
}

@test "a pidfile naming pid 1 does not hold a daemon's pid" {
	echo 1 >init.pidfile	# not *.pid: teardown must not signal it
	run --separate-stderr dz --stop -p init.pidfile
	assert_failure 125
	assert_equal "$stderr" "daemonize: pidfile 'init.pidfile' does not hold a pid"
	run --separate-stderr dz --status -p init.pidfile
	assert_failure 4
	holds init.pidfile $'1\n'
}

@test "--stop stops what holds the lock of a daemon that died" {
	dz -p d.pid sh -c 'sleep 3333 & exec sleep 3334'
	pid=$(pid_in d.pid)
	poll pgrep -xf 'sleep 3333'
	child=$(pgrep -xf 'sleep 3333')
	track "$child"
	kill -KILL "$pid"
	wait_dead "$pid"
	locked d.pid
	assert [ -n "$(fds_on "$child" d.pid)" ]
	run --separate-stderr dz --stop -v -p d.pid
	assert_success
	assert_equal "$stderr" "daemonize: pid $pid is gone, but pid $child holds the pidfile lock
daemonize: pid $child holds the lock of 'd.pid'"
	dead "$child"
	assert_file_not_exists d.pid
}

# The pids, sorted by number, on one line.
sorted() {
	printf '%s\n' "$@" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

@test "--status of a daemon that died while its children hold the lock: 1, naming them" {
	dz -p o.pid -o o.log sh -c 'sleep 3140 & sleep 3141 & echo forked
	    exec sleep 3142'
	pid=$(pid_in o.pid)
	poll has_line o.log forked
	poll one_proc sleep 3140
	poll one_proc sleep 3141
	a=$(procs sleep 3140)
	b=$(procs sleep 3141)
	track "$a"
	track "$b"
	kill -KILL "$pid"
	wait_dead "$pid"
	locked o.pid
	assert [ -n "$(fds_on "$a" o.pid)" ]
	assert [ -n "$(fds_on "$b" o.pid)" ]
	run --separate-stderr dz --status -p o.pid
	assert_failure 1
	assert_output "not running; pid $pid is gone, but pids $(sorted "$a" "$b") hold the pidfile lock"
	assert_equal "$stderr" ""
	holds o.pid "$pid"$'\n'
	alive "$a"
	alive "$b"
	# One left: "pid ... holds".
	kill -KILL "$a"
	wait_dead "$a"
	run --separate-stderr dz --status -p o.pid
	assert_failure 1
	assert_output "not running; pid $pid is gone, but pid $b holds the pidfile lock"
	# --stop stops what is left of the daemon, and exits 0.
	run --separate-stderr dz --stop -p o.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	dead "$b"
	assert_file_not_exists o.pid
}

@test "a locked pidfile whose pid was reused names the lock holders, and the reused pid is left alone" {
	sleep 3143 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	# flock(1) and its command hold the lock; neither is the pid in it.
	flock r.pid sleep 3144 3>&- &
	track "$!"
	poll one_proc sleep 3144
	sl=$(procs sleep 3144)
	track "$sl"
	fl=$(stat_field "$sl" 4)
	echo "$sp" >r.pid
	touch -d '-1 hour' r.pid	# written long before $sp started
	locked r.pid
	run --separate-stderr dz --status -p r.pid
	assert_failure 1
	assert_output "not running; pid $sp is gone, but pids $(sorted "$fl" "$sl") hold the pidfile lock"
	run --separate-stderr dz --stop -t 0.2 -p r.pid
	assert_success
	assert_equal "$stderr" ""
	dead "$sl"
	wait_dead "$fl"
	alive "$sp"
	is_sleeping "$sp"
}

@test "a daemon holding its lock runs, however old its pidfile looks" {
	dz -p old.pid sleep 3145
	pid=$(pid_in old.pid)
	touch -d '-1 hour' old.pid	# a clock stepped forward since
	run --separate-stderr dz --status -p old.pid
	assert_success
	assert_output "running as pid $pid"
	run --separate-stderr dz --stop -v -p old.pid
	assert_success
	assert_equal "$stderr" "daemonize: sending SIGTERM to pid $pid and its process group
daemonize: pid $pid has exited"
	dead "$pid"
}

@test "--stop exits 1 when the daemon is still there after SIGKILL" {
	command -v strace >/dev/null || skip "needs strace"
	start_looping st.pid st.log 'trap "" TERM'
	pid=$(pid_in st.pid)
	# Every signal after the first SIGTERM is swallowed, as if the daemon
	# could not be killed (a process stuck in the kernel). LeakSanitizer,
	# in a sanitizer build, cannot work under ptrace.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run --separate-stderr strace -qq -o /dev/null -e trace=kill,pidfd_send_signal \
	    -e inject=kill:retval=0:when=2+ \
	    -e inject=pidfd_send_signal:retval=0:when=2+ \
	    "$DAEMONIZE" --stop -t 0.2 -p st.pid
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "daemonize: pid $pid did not exit within 0.2 s of SIGTERM, nor after SIGKILL"
	alive "$pid"
	holds st.pid "$pid"$'\n'
	assert_equal "$(flock_pids st.pid)" "$pid"
}

@test "--stop and --signal refuse a pidfile naming this daemonize or its ancestors (125)" {
	# Not *.pid: teardown must not kill what these name.
	echo "$$" >shell.pidfile
	for mode in --stop "--signal TERM"; do
		# shellcheck disable=SC2086
		run --separate-stderr dz $mode -p shell.pidfile
		assert_failure 125
		assert_output ""
		assert_equal "$stderr" "daemonize: pidfile 'shell.pidfile' names pid $$, an ancestor of this daemonize: nothing signalled"
	done
	holds shell.pidfile "$$"$'\n'
	# The stopping daemonize itself, by way of exec.
	# shellcheck disable=SC2016
	run --separate-stderr sh -c 'echo $$ >self.pidfile; exec "$1" --stop -p self.pidfile' \
	    sh "$DAEMONIZE"
	assert_failure 125
	assert_equal "$stderr" "daemonize: pidfile 'self.pidfile' names pid $(<self.pidfile), this daemonize itself: nothing signalled"
}

@test "--stop refuses when a lock holder is an ancestor of this daemonize (125)" {
	sleep 3146 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	echo "$sp" >anc.pidfile
	# flock holds the lock and is the caller's parent; -o: not inherited.
	# shellcheck disable=SC2016
	run --separate-stderr flock -o anc.pidfile sh -c \
	    'echo $PPID >flock.pidfile; exec "$1" --stop -p anc.pidfile' sh "$DAEMONIZE"
	assert_failure 125
	assert_equal "$stderr" "daemonize: pid $(<flock.pidfile), an ancestor of this daemonize, holds the lock of pidfile 'anc.pidfile': nothing signalled"
	alive "$sp"
	is_sleeping "$sp"
	holds anc.pidfile "$sp"$'\n'
}


@test "--stop removes the pidfile of a daemon that died without removing it" {
	dz -p d.pid sleep 3105
	pid=$(pid_in d.pid)
	kill -KILL "$pid"
	wait_dead "$pid"
	poll unlocked d.pid
	holds d.pid "$pid"$'\n'
	run --separate-stderr dz --stop -p d.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_file_not_exists d.pid
}

@test "--stop removes a stale pidfile naming a dead pid" {
	dpid=$(dead_pid)
	echo "$dpid" >s.pid
	run --separate-stderr dz --stop -p s.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_file_not_exists s.pid
	# An empty, unlocked one (a start that failed early) is stale too.
	: >e.pid
	run --separate-stderr dz --stop -p e.pid
	assert_success
	assert_equal "$stderr" ""
	assert_file_not_exists e.pid
}

@test "--stop removes a pidfile whose pid was reused, and leaves that process alone" {
	sleep 3106 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	echo "$sp" >reuse.pid
	touch -d '-1 hour' reuse.pid
	run --separate-stderr dz --stop -p reuse.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_file_not_exists reuse.pid
	alive "$sp"
	is_sleeping "$sp"
}

@test "--stop signals a process of the caller's own session alone, not its group" {
	# Started before the pidfile was written, so it counts as running; it
	# shares the test's own process group, which must not be hit.
	sleep 3107 3>&- &
	sp=$!
	track "$sp"
	sleep 3108 3>&- &
	sib=$!
	track "$sib"
	poll alive "$sp"
	poll alive "$sib"
	assert_equal "$(stat_field "$sp" 5)" "$(stat_field "$sib" 5)"
	echo "$sp" >ours.pid
	run --separate-stderr dz --stop -v -p ours.pid
	assert_success
	assert_equal "$stderr" "daemonize: sending SIGTERM to pid $sp
daemonize: pid $sp has exited"
	dead "$sp"
	alive "$sib"
	assert_file_not_exists ours.pid
}

@test "--stop signals a process alone when its group is not its session's" {
	# A pipeline under job control: its own group, led by the first sleep,
	# in a session that bash leads. Not a group daemonize made.
	setsid bash -c 'set -m; sleep 3122 | sleep 3123 & wait' \
	    </dev/null >/dev/null 2>&1 3>&- &
	track "$!"
	poll one_proc sleep 3123
	poll one_proc sleep 3122
	sp=$(procs sleep 3122)
	sib=$(procs sleep 3123)
	track "$sp"
	track "$sib"
	assert_equal "$(stat_field "$sp" 5)" "$sp"
	assert_equal "$(stat_field "$sib" 5)" "$sp"
	assert_not_equal "$(stat_field "$sp" 6)" "$sp"
	echo "$sp" >job.pid
	run --separate-stderr dz --stop -v -p job.pid
	assert_success
	assert_equal "$stderr" "daemonize: sending SIGTERM to pid $sp
daemonize: pid $sp has exited"
	dead "$sp"
	alive "$sib"
	assert_file_not_exists job.pid
}

@test "a daemon that closed its lock descriptor is still running, and is stopped" {
	real=$(pwd -P)/cl.pid
	# shellcheck disable=SC2016
	dz -p cl.pid -o cl.log sh -c 'for f in /proc/$$/fd/*; do
		[ "$(readlink "$f")" = "$1" ] && eval "exec ${f##*/}<&-"
	done
	echo closed
	exec sleep 3109' sh "$real"
	pid=$(pid_in cl.pid)
	poll has_line cl.log closed
	assert_equal "$(fds_on "$pid" cl.pid)" ""
	unlocked cl.pid
	run --separate-stderr dz --status -p cl.pid
	assert_success
	assert_output "running as pid $pid"
	assert_equal "$stderr" ""
	run --separate-stderr dz --stop -p cl.pid
	assert_success
	assert_equal "$stderr" ""
	dead "$pid" || fail "pid $pid still runs after --stop returned"
	assert_file_not_exists cl.pid
}

@test "--stop refuses a pidfile that does not hold a pid (125) and keeps it" {
	for content in abc 0 -1 +5 ' 5' 12abc 99999999999 '5 6'; do
		printf '%s\n' "$content" >x.pid
		run --separate-stderr dz --stop -p x.pid
		assert_failure 125
		assert_output ""
		assert_equal "$stderr" "daemonize: pidfile 'x.pid' does not hold a pid"
		holds x.pid "$content"$'\n'
	done
	mkdir dir.pid
	run --separate-stderr dz --stop -p dir.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: pidfile 'dir.pid' does not hold a pid"
	assert_dir_exists dir.pid
}

@test "--stop refuses a pidfile it cannot read (125)" {
	need_root
	reachable_by_nobody "$BATS_TEST_TMPDIR"
	dz -p p.pid sleep 3110
	pid=$(pid_in p.pid)
	chmod 600 p.pid
	run --separate-stderr as_nobody "$DAEMONIZE" --stop -p p.pid
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot read pidfile 'p.pid': Permission denied"
	alive "$pid"
	holds p.pid "$pid"$'\n'
}

@test "--stop refuses a pidfile that is a symbolic link (125)" {
	dz -p real.pid sleep 3111
	pid=$(pid_in real.pid)
	ln -s real.pid link.pid
	run --separate-stderr dz --stop -p link.pid
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot read pidfile 'link.pid': it is a symbolic link"
	alive "$pid"
	assert_equal "$(readlink link.pid)" real.pid
	holds real.pid "$pid"$'\n'
}

# status

@test "--status of a running daemon: 0, 'running as pid N'" {
	dz -p s.pid sleep 3112
	pid=$(pid_in s.pid)
	run --separate-stderr dz --status -p s.pid
	assert_success
	assert_output "running as pid $pid"
	assert_equal "$stderr" ""
	run --separate-stderr dz --status -p "$PWD/s.pid"
	assert_success
	assert_output "running as pid $pid"
	alive "$pid"
	holds s.pid "$pid"$'\n'
}

@test "--status with a stale pidfile: 1, and the pidfile is left" {
	# A daemon that died.
	dz -p d.pid sleep 3113
	pid=$(pid_in d.pid)
	kill -KILL "$pid"
	wait_dead "$pid"
	run --separate-stderr dz --status -p d.pid
	assert_failure 1
	assert_output "not running; stale pidfile"
	assert_equal "$stderr" ""
	holds d.pid "$pid"$'\n'
	# A dead pid written by someone else.
	dpid=$(dead_pid)
	echo "$dpid" >s.pid
	run --separate-stderr dz --status -p s.pid
	assert_failure 1
	assert_output "not running; stale pidfile"
	holds s.pid "$dpid"$'\n'
	# Empty and unlocked.
	: >e.pid
	run --separate-stderr dz --status -p e.pid
	assert_failure 1
	assert_output "not running; stale pidfile"
	assert_file_exists e.pid
	# A zombie.
	sh -c 'sleep 0 & exec sleep 3114' 3>&- &
	parent=$!
	track "$parent"
	poll child_of "$parent" >/dev/null
	zpid=$(child_of "$parent")
	poll is_zombie "$zpid"
	echo "$zpid" >z.pid
	run --separate-stderr dz --status -p z.pid
	assert_failure 1
	assert_output "not running; stale pidfile"
}

@test "--status of a pidfile whose pid was reused: 1, stale" {
	sleep 3115 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	echo "$sp" >reuse.pid
	# Written just now, after the process started: that is the daemon.
	run --separate-stderr dz --status -p reuse.pid
	assert_success
	assert_output "running as pid $sp"
	# Written an hour before the process started: it is not.
	touch -d '-1 hour' reuse.pid
	run --separate-stderr dz --status -p reuse.pid
	assert_failure 1
	assert_output "not running; stale pidfile"
	assert_equal "$stderr" ""
	holds reuse.pid "$sp"$'\n'
	alive "$sp"
}

@test "--status without a pidfile: 3, 'not running'" {
	run --separate-stderr dz --status -p none.pid
	assert_failure 3
	assert_output "not running"
	assert_equal "$stderr" ""
	assert_file_not_exists none.pid
	run --separate-stderr dz --status -p nodir/none.pid
	assert_failure 3
	assert_output "not running"
	assert_file_not_exists nodir
}

@test "--status of a pidfile that does not hold a pid: 4, the reason on stderr" {
	for content in abc 0 -1 12abc 99999999999; do
		printf '%s\n' "$content" >x.pid
		run --separate-stderr dz --status -p x.pid
		assert_failure 4
		assert_output ""
		assert_equal "$stderr" "daemonize: pidfile 'x.pid' does not hold a pid"
		holds x.pid "$content"$'\n'
	done
	mkdir dir.pid
	run --separate-stderr dz --status -p dir.pid
	assert_failure 4
	assert_output ""
	assert_equal "$stderr" "daemonize: pidfile 'dir.pid' does not hold a pid"
	# A symbolic link, even to a running daemon's pidfile.
	dz -p real.pid sleep 3116
	pid=$(pid_in real.pid)
	ln -s real.pid link.pid
	run --separate-stderr dz --status -p link.pid
	assert_failure 4
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot read pidfile 'link.pid': it is a symbolic link"
	alive "$pid"
}

@test "--status of a pidfile it cannot read: 4" {
	need_root
	reachable_by_nobody "$BATS_TEST_TMPDIR"
	dz -p p.pid sleep 3117
	pid=$(pid_in p.pid)
	chmod 600 p.pid
	run --separate-stderr as_nobody "$DAEMONIZE" --status -p p.pid
	assert_failure 4
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot read pidfile 'p.pid': Permission denied"
	alive "$pid"
}

# usage

@test "--stop and --status cannot be used together" {
	run dz --stop --status -p x.pid
	usage_fails "--stop and --status cannot be used together"
	run dz --status --stop -p x.pid
	usage_fails "--stop and --status cannot be used together"
}

@test "--stop and --status need --pidfile" {
	run dz --stop
	usage_fails "--stop needs --pidfile"
	run dz --status
	usage_fails "--status needs --pidfile"
	run dz --stop --signal HUP -t 1
	usage_fails "--stop needs --pidfile"
}

@test "--stop and --status take no command" {
	run dz --stop -p x.pid cmd
	usage_fails "--stop takes no command, but got 'cmd'"
	run dz --status -p x.pid -- sleep 3118
	usage_fails "--status takes no command, but got 'sleep'"
	assert_equal "$(nprocs sleep 3118)" 0
}

@test "start options cannot be used with --stop or --status" {
	run dz --stop -p x.pid -o out.log
	usage_fails "option '--stdout' cannot be used with --stop"
	assert_file_not_exists out.log
	run dz --status -p x.pid -e err.log
	usage_fails "option '--stderr' cannot be used with --status"
	assert_file_not_exists err.log
	run dz -l x.lock --stop -p x.pid
	usage_fails "option '--lockfile' cannot be used with --stop"
	assert_file_not_exists x.lock
	run dz --stop -p x.pid -w notify
	usage_fails "option '--wait' cannot be used with --stop"
	run dz --status -u nobody -p x.pid
	usage_fails "option '--user' cannot be used with --status"
	run dz --stop -f -p x.pid
	usage_fails "option '--foreground' cannot be used with --stop"
	run dz --status -p x.pid -c /
	usage_fails "option '--chdir' cannot be used with --status"
}

@test "--signal cannot be used with --status; -t, -q and -v go with it" {
	run dz --status -p x.pid --signal HUP
	usage_fails "option '--signal' cannot be used with --status"
	run dz --signal HUP --status -p x.pid
	usage_fails "option '--signal' cannot be used with --status"
	run --separate-stderr dz --status -q -v -t 5 -p x.pid
	assert_failure 3
	assert_output "not running"
	assert_equal "$stderr" ""
}

@test "--signal takes a signal name or number" {
	for bad in NOPE SIGNOPE 65 -1 +1 'USR1 ' KILLX RTMIN+99 SIG0; do
		run dz --stop --signal "$bad" -p x.pid
		usage_fails "invalid signal '$bad' for --signal"
		run dz --signal "$bad" -p x.pid
		usage_fails "invalid signal '$bad' for --signal"
	done
	run dz --stop --signal '' -p x.pid
	usage_fails "option '--signal' needs a non-empty argument"
	# 0 sends nothing: it cannot stop anything.
	run dz --stop --signal 0 -p x.pid
	usage_fails "signal 0 cannot be used with --stop: it only checks"
	# Valid ones, with nothing to stop.
	for good in HUP sighup 1 64 RTMIN rtmin+2 RTMAX-1 SIGRTMAX; do
		run --separate-stderr dz --stop --signal "$good" -p x.pid
		assert_success
		assert_equal "$stderr" ""
	done
}

@test "usage errors leave the pidfile and its daemon alone" {
	dz -p u.pid sleep 3120
	pid=$(pid_in u.pid)
	for args in "--stop --status" "--status --stop" "--stop -o out.log" \
	    "--stop --signal NOPE" "--stop --signal 0" "--status --signal KILL" \
	    "--signal KILL -o out.log" "--signal KILL -f" "--signal NOPE" \
	    "--stop -t 1e3" "--signal KILL -t 1e3"; do
		# shellcheck disable=SC2086
		run dz $args -p u.pid
		assert_failure 2
		# shellcheck disable=SC2086
		run dz $args -p u.pid cmd
		assert_failure 2
	done
	run dz --stop -p u.pid cmd
	assert_failure 2
	alive "$pid"
	is_sleeping "$pid"
	holds u.pid "$pid"$'\n'
	assert_equal "$(flock_pids u.pid)" "$pid"
	assert_file_not_exists out.log
}

@test "-t is accepted by a plain start" {
	run --separate-stderr dz -t 5 true
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr dz -t 5 -p t.pid sleep 3121
	assert_success
	assert_equal "$stderr" ""
	pid=$(pid_in t.pid)
	alive "$pid"
	is_sleeping "$pid"
}

@test "--help describes --stop, --status, --signal, --wait and --timeout" {
	run --separate-stderr dz --help
	assert_success
	assert_line --index 1 "  or:  daemonize --stop -p PIDFILE [--signal SIG] [--timeout SECS]"
	assert_line --index 2 "  or:  daemonize --status -p PIDFILE"
	assert_line --index 3 "  or:  daemonize --signal SIG -p PIDFILE"
	assert_line --regexp '^  -q, --quiet +[a-z]'
	assert_line --regexp '^  -t, --timeout SECS +[a-z]'
	assert_line --regexp '^  -w, --wait SPEC +[a-z]'
	assert_line --regexp '^      --signal SIG +[a-z]'
	assert_line --regexp '^      --status +[a-z]'
	assert_line --regexp '^      --stop +[a-z]'
}

@test "as root, a pidfile another user could have written is not trusted" {
	need_root
	sleep 3640 &
	victim=$!
	track "$victim"
	echo "$victim" >evil.pid
	chown nobody evil.pid
	run --separate-stderr dz --stop -p evil.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pid': another user could have written it"
	run --separate-stderr dz --status -p evil.pid
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pid': another user could have written it"
	chown root evil.pid
	chmod 0664 evil.pid
	run --separate-stderr dz --stop -p evil.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pid': another user could have written it"
	alive "$victim"
	holds evil.pid "$victim"$'\n'
}

@test "as root, a pidfile with more than one hard link is not trusted" {
	need_root
	dz -p real.pid sleep 3147
	pid=$(pid_in real.pid)
	ln real.pid twin.pid
	for mode in --stop --status "--signal TERM"; do
		# shellcheck disable=SC2086
		run --separate-stderr dz $mode -p twin.pid
		assert_failure 125
		assert_output ""
		assert_equal "$stderr" "daemonize: cannot trust pidfile 'twin.pid': it has more than one hard link"
	done
	alive "$pid"
	is_sleeping "$pid"
	assert_equal "$(stat -c %h real.pid)" 2
}

@test "as root, --stop does not trust a pidfile reached through another user's directory" {
	need_root
	mkdir real
	dz -p real/app.pid sleep 3148
	pid=$(pid_in real/app.pid)
	# nobody's own directory, holding a link to root's directory.
	mkdir u
	chown nobody u
	ln -s "$PWD/real" u/run
	for mode in --stop --status "--signal TERM"; do
		# shellcheck disable=SC2086
		run --separate-stderr dz $mode -p u/run/app.pid
		assert_failure 125
		assert_output ""
		assert_equal "$stderr" "daemonize: cannot trust pidfile 'u/run/app.pid': a directory on its path is writable by another user"
	done
	# Root's own pidfile, in a directory nobody may change.
	cp -p real/app.pid u/app.pid
	run --separate-stderr dz --stop -p u/app.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'u/app.pid': a directory on its path is writable by another user"
	# A group-writable directory on the way is no better.
	mkdir -m 775 g
	chgrp nogroup g
	mkdir g/sub
	cp -p real/app.pid g/sub/app.pid
	run --separate-stderr dz --stop -p g/sub/app.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'g/sub/app.pid': a directory on its path is writable by another user"
	alive "$pid"
	is_sleeping "$pid"
	holds real/app.pid "$pid"$'\n'
	# Through root's own link, and from a sticky directory as /tmp: fine.
	ln -s real via
	run --separate-stderr dz --status -p via/app.pid
	assert_success
	assert_output "running as pid $pid"
	mkdir -m 1777 sticky
	dz -p sticky/s.pid sleep 3149
	spid=$(pid_in sticky/s.pid)
	run --separate-stderr dz --stop -p sticky/s.pid
	assert_success
	assert_equal "$stderr" ""
	dead "$spid"
	run --separate-stderr dz --stop -p via/app.pid
	assert_success
	dead "$pid"
}
