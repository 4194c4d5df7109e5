#!/usr/bin/env bats
# Signals: whatever the caller ignored or blocked, the daemon starts with
# every disposition at its default and an empty mask.

load helper

NONE=0000000000000000

# blocking COMMAND...: exec COMMAND with SIGUSR1 blocked and SIGTERM and
# SIGHUP ignored (both survive execve).
blocking() {
	python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])
' "$@"
}

@test "signals the caller ignores are not ignored in the daemon" {
	# The control: the caller really ignores them.
	run bash -c "trap '' TERM HUP; awk '\$1 == \"SigIgn:\" { print \$2 }' /proc/\$\$/status"
	assert_success
	has_sig "$output" 15
	has_sig "$output" 1
	(trap '' TERM HUP && dz -p d.pid sleep 300)
	pid=$(pid_in d.pid)
	assert_equal "$(status_field "$pid" SigIgn)" "$NONE"
	assert_equal "$(status_field "$pid" SigBlk)" "$NONE"
}

@test "signals the caller blocks are not blocked in the daemon" {
	# The control: the mask and dispositions reach what the caller execs.
	run blocking grep -E '^Sig(Blk|Ign):' /proc/self/status
	assert_success
	blk=$(awk '$1 == "SigBlk:" { print $2 }' <<<"$output")
	ign=$(awk '$1 == "SigIgn:" { print $2 }' <<<"$output")
	has_sig "$blk" 10
	has_sig "$ign" 15
	has_sig "$ign" 1
	blocking "$DAEMONIZE" -p d.pid sleep 300
	pid=$(pid_in d.pid)
	assert_equal "$(status_field "$pid" SigBlk)" "$NONE"
	assert_equal "$(status_field "$pid" SigIgn)" "$NONE"
}

@test "SIGTERM kills a daemon whose caller ignored it" {
	(trap '' TERM HUP && dz -p d.pid sleep 300)
	pid=$(pid_in d.pid)
	kill -TERM "$pid"
	wait_dead "$pid"
}

@test "SIGHUP kills a daemon whose caller ignored it" {
	(trap '' TERM HUP && dz -p d.pid sleep 300)
	pid=$(pid_in d.pid)
	kill -HUP "$pid"
	wait_dead "$pid"
}

@test "SIGUSR1 kills a daemon whose caller blocked it" {
	blocking "$DAEMONIZE" -p d.pid sleep 300
	pid=$(pid_in d.pid)
	kill -USR1 "$pid"
	wait_dead "$pid"
}

@test "-f: signals are reset in the foreground too" {
	# A background job of a script also ignores SIGINT and SIGQUIT.
	blocking "$DAEMONIZE" -f -p f.pid sleep 300 >f.out 2>&1 &
	track "$!"
	poll has_pid f.pid
	pid=$(pid_in f.pid)
	poll is_sleeping "$pid"
	assert_equal "$(status_field "$pid" SigBlk)" "$NONE"
	assert_equal "$(status_field "$pid" SigIgn)" "$NONE"
	kill -TERM "$pid"
	wait_dead "$pid"
}

@test "glibc's reserved signals 32 and 33 are reset too (GNU make ignores them)" {
	# The control: make's recipes really run with 32 and 33 ignored.
	printf 'all:\n\t@grep SigIgn: /proc/self/status\n' >ctl.mk
	run make -s -f ctl.mk
	assert_success
	output=${output#SigIgn:}
	output=${output//[[:space:]]/}
	has_sig "$output" 32
	has_sig "$output" 33
	printf 'all:\n\t@"$(DZ)" -p mk.pid sleep 3301\n' >dz.mk
	make -s -f dz.mk DZ="$DAEMONIZE"
	pid=$(pid_in mk.pid)
	assert_equal "$(status_field "$pid" SigIgn)" "$NONE"
	assert_equal "$(status_field "$pid" SigBlk)" "$NONE"
}
