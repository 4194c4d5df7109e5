#!/usr/bin/env bats
# --signal SIG -p FILE without --stop: send SIG to the daemon the pidfile
# names (by the liveness rule of --stop) and nothing more. Exit 0 sent,
# 1 not permitted, 7 not running (missing or stale pidfile), 125 a bad,
# untrusted or self-naming pidfile; -q silences only "not running".

load helper

# A daemon (sh) that logs each of HUP, USR1 and USR2 it gets to LOG, and
# "up" once its traps are set.
start_recorder() {
	dz -p "$1" -o "$2" sh -c 'for s in HUP USR1 USR2; do trap "echo $s" $s; done
	    echo up; while :; do sleep 0.1; done' || return
	poll has_line "$2" up
}

# FILE has exactly N lines.
has_lines() {
	[ "$(wc -l <"$1")" -eq "$2" ]
}

@test "--signal sends the signal, by name or number, and leaves the daemon running" {
	start_recorder r.pid r.log
	pid=$(pid_in r.pid)
	n=1
	for sig in HUP hup SIGHUP 1 USR1 sigusr2; do
		run --separate-stderr dz --signal "$sig" -p r.pid
		assert_success
		assert_output ""
		assert_equal "$stderr" ""
		n=$((n + 1))
		poll has_lines r.log "$n"
	done
	holds r.log $'up\nHUP\nHUP\nHUP\nHUP\nUSR1\nUSR2\n'
	alive "$pid"
	holds r.pid "$pid"$'\n'
	assert_equal "$(flock_pids r.pid)" "$pid"
}

@test "--signal returns at once: it waits for nothing" {
	dz -p t.pid sh -c 'trap "" TERM; exec sleep 3201'
	pid=$(pid_in t.pid)
	t0=${EPOCHREALTIME/./}
	run --separate-stderr dz --signal TERM -p t.pid
	t1=${EPOCHREALTIME/./}
	assert_success
	((t1 - t0 < 1000000)) || fail "--signal took $(((t1 - t0) / 1000)) ms"
	alive "$pid"
	is_sleeping "$pid"
	holds t.pid "$pid"$'\n'
	# A signal that ends it: sent, and the pidfile is not --signal's to remove.
	run --separate-stderr dz --signal KILL -p t.pid
	assert_success
	wait_dead "$pid"
	holds t.pid "$pid"$'\n'
}

@test "--signal signals the daemon alone, not its process group" {
	dz -p g.pid -o g.log sh -c 'sleep 3202 & trap "echo USR1" USR1; echo up
	    while :; do sleep 0.1; done'
	pid=$(pid_in g.pid)
	poll has_line g.log up
	poll pgrep -xf 'sleep 3202'
	child=$(procs sleep 3202)
	track "$child"
	assert_equal "$(stat_field "$child" 5)" "$(stat_field "$pid" 5)"
	run --separate-stderr dz --signal USR1 -p g.pid
	assert_success
	poll has_line g.log USR1
	# USR1 would have ended sleep(1), had the group been signalled.
	alive "$child"
	is_sleeping "$child"
}

@test "--signal 0 checks only: 0 when the daemon runs, nothing delivered" {
	start_recorder z.pid z.log
	pid=$(pid_in z.pid)
	sigcgt=$(status_field "$pid" SigCgt)
	run --separate-stderr dz --signal 0 -p z.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	run --separate-stderr dz -v --signal 0 -p z.pid
	assert_success
	assert_equal "$stderr" "daemonize: checking that pid $pid may be signalled"
	holds z.log $'up\n'
	alive "$pid"
	assert_equal "$(status_field "$pid" SigCgt)" "$sigcgt"
	rm z.pid
	run --separate-stderr dz --signal 0 -p z.pid
	assert_failure 7
	assert_equal "$stderr" "daemonize: not running"
}

@test "--signal -v says what it sends" {
	start_recorder v.pid v.log
	pid=$(pid_in v.pid)
	run --separate-stderr dz -v --signal 10 -p v.pid
	assert_success
	assert_equal "$stderr" "daemonize: sending SIGUSR1 to pid $pid"
	poll has_line v.log USR1
}

@test "--signal on a daemon that is not running: 7, 'not running' unless -q" {
	# No pidfile.
	run --separate-stderr dz --signal HUP -p none.pid
	assert_failure 7
	assert_output ""
	assert_equal "$stderr" "daemonize: not running"
	assert_file_not_exists none.pid
	run --separate-stderr dz --signal HUP -p nodir/none.pid
	assert_failure 7
	assert_equal "$stderr" "daemonize: not running"
	# A stale one: a dead pid; an empty, unlocked file; a reused pid.
	dpid=$(dead_pid)
	echo "$dpid" >s.pid
	: >e.pid
	sleep 3203 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	echo "$sp" >reuse.pid
	touch -d '-1 hour' reuse.pid
	for f in s.pid e.pid reuse.pid; do
		run --separate-stderr dz --signal TERM -p "$f"
		assert_failure 7
		assert_equal "$stderr" "daemonize: not running"
		run --separate-stderr dz -q --signal TERM -p "$f"
		assert_failure 7
		assert_output ""
		assert_equal "$stderr" ""
		assert_file_exists "$f"
	done
	holds s.pid "$dpid"$'\n'
	alive "$sp"
	is_sleeping "$sp"
	run --separate-stderr dz --quiet --signal HUP -p none.pid
	assert_failure 7
	assert_equal "$stderr" ""
}

@test "--signal on a daemon gone while its children hold the lock: 7, said even with -q" {
	dz -p o.pid -o o.log sh -c 'sleep 3204 & echo forked; exec sleep 3205'
	pid=$(pid_in o.pid)
	poll has_line o.log forked
	poll pgrep -xf 'sleep 3204'
	child=$(procs sleep 3204)
	track "$child"
	kill -KILL "$pid"
	wait_dead "$pid"
	for q in "" -q; do
		# shellcheck disable=SC2086
		run --separate-stderr dz $q --signal TERM -p o.pid
		assert_failure 7
		assert_output ""
		assert_equal "$stderr" "daemonize: not running; pid $pid is gone, but pid $child holds the pidfile lock"
	done
	alive "$child"
	is_sleeping "$child"
}

@test "--signal without permission to signal the daemon: 1" {
	need_root
	reachable_by_nobody "$BATS_TEST_TMPDIR"
	start_recorder p.pid p.log
	pid=$(pid_in p.pid)
	run --separate-stderr as_nobody "$DAEMONIZE" --signal HUP -p p.pid
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot signal pid $pid: Operation not permitted"
	run --separate-stderr as_nobody "$DAEMONIZE" --signal 0 -p p.pid
	assert_failure 1
	assert_equal "$stderr" "daemonize: cannot signal pid $pid: Operation not permitted"
	holds p.log $'up\n'
	alive "$pid"
}

@test "--signal on a pidfile that is unreadable, not a pid or a link: 125" {
	for content in abc 0 1 -1 +5 ' 5' '5 6' 99999999999; do
		printf '%s\n' "$content" >x.pidfile
		run --separate-stderr dz --signal HUP -p x.pidfile
		assert_failure 125
		assert_output ""
		assert_equal "$stderr" "daemonize: pidfile 'x.pidfile' does not hold a pid"
		holds x.pidfile "$content"$'\n'
	done
	mkdir dir.pid
	run --separate-stderr dz --signal HUP -p dir.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: pidfile 'dir.pid' does not hold a pid"
	start_recorder real.pid real.log
	pid=$(pid_in real.pid)
	ln -s real.pid link.pid
	run --separate-stderr dz --signal HUP -p link.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot read pidfile 'link.pid': it is a symbolic link"
	holds real.log $'up\n'
	alive "$pid"
}

@test "--signal on a pidfile it cannot read: 125" {
	need_root
	reachable_by_nobody "$BATS_TEST_TMPDIR"
	start_recorder u.pid u.log
	pid=$(pid_in u.pid)
	chmod 600 u.pid
	run --separate-stderr as_nobody "$DAEMONIZE" --signal HUP -p u.pid
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot read pidfile 'u.pid': Permission denied"
	holds u.log $'up\n'
}

@test "as root, --signal does not trust a pidfile another user could have written: 125" {
	need_root
	start_recorder v.pid v.log
	pid=$(pid_in v.pid)
	cp -p v.pid evil.pidfile
	chown nobody evil.pidfile
	run --separate-stderr dz --signal HUP -p evil.pidfile
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pidfile': another user could have written it"
	holds v.log $'up\n'
	alive "$pid"
}

@test "--signal never signals this daemonize or its ancestors: 125" {
	echo "$$" >shell.pidfile	# not *.pid: teardown must not kill it
	run --separate-stderr dz --signal HUP -p shell.pidfile
	assert_failure 125
	assert_equal "$stderr" "daemonize: pidfile 'shell.pidfile' names pid $$, an ancestor of this daemonize: nothing signalled"
	# shellcheck disable=SC2016
	run --separate-stderr sh -c 'echo $$ >self.pidfile; exec "$1" --signal KILL -p self.pidfile' \
	    sh "$DAEMONIZE"
	assert_failure 125
	assert_equal "$stderr" "daemonize: pidfile 'self.pidfile' names pid $(<self.pidfile), this daemonize itself: nothing signalled"
}

@test "usage: --signal needs -p, takes no command and no start option" {
	run dz --signal HUP
	usage_fails "--signal needs --pidfile"
	run dz --signal HUP true
	usage_fails "--signal needs --pidfile"
	run dz --signal HUP -p s.pid sleep 3206
	usage_fails "--signal takes no command, but got 'sleep'"
	assert_equal "$(nprocs sleep 3206)" 0
	assert_file_not_exists s.pid
	for opt in "-o out.log" "-e err.log" "-l x.lock" "-c /" "-u nobody" \
	    "-f" "-w notify" "-E A=B" "--clear-env" "--keep-fd 3" "-m 022" \
	    "-1" "-2" "-a" "--truncate"; do
		# shellcheck disable=SC2086
		run dz --signal HUP -p s.pid $opt
		assert_failure 2
		assert_line --index 1 "Try 'daemonize --help'."
		assert_line --index 0 --regexp "^daemonize: option '--[a-z-]+' cannot be used with --signal$"
	done
	run dz --signal HUP -p s.pid -o out.log
	usage_fails "option '--stdout' cannot be used with --signal"
	assert_file_not_exists out.log
	# -p, -q, -t and -v go with every mode.
	run --separate-stderr dz -q -v -t 5 --signal HUP -p s.pid
	assert_failure 7
	assert_equal "$stderr" ""
}
