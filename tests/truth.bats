#!/usr/bin/env bats
# A start that dies before the exec is never reported as started.
# strace injects SIGKILL at a chosen system call of the daemon's side.

load helper

# kill_at SYSCALL DAEMONIZE-ARGS...: run daemonize, killing whichever of its
# processes first makes SYSCALL.
kill_at() {
	local call=$1
	shift
	# LeakSanitizer cannot work under ptrace; the other tests check leaks.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -o /dev/null -e trace="$call" \
	    -e inject="$call":signal=SIGKILL:when=1 "$DAEMONIZE" "$@"
}

@test "the daemon's side killed in set-up: 125, and its pidfile removed" {
	t=$(tag)
	run -125 kill_at chdir -p k.pid -c / sleep 3401 "$t"
	assert_output "daemonize: cannot start 'sleep': set-up was cut short (killed?)"
	assert_file_not_exists k.pid
	poll no_process "$t"
}

@test "the same with -1, where the daemon's side is the first child" {
	t=$(tag)
	run -125 kill_at chdir -1 -p k.pid sleep 3402 "$t"
	assert_output "daemonize: cannot start 'sleep': set-up was cut short (killed?)"
	assert_file_not_exists k.pid
	poll no_process "$t"
}

@test "the first child killed before it forks: 125" {
	t=$(tag)
	run -125 kill_at setsid -p k.pid sleep 3403 "$t"
	assert_output "daemonize: cannot detach: the first child was killed by signal 9"
	assert_file_not_exists k.pid
	poll no_process "$t"
}

@test "a killed start leaves a pidfile someone else holds alone" {
	# Held, empty: the start waits for a pid to appear; kill it then.
	# -F: flock execs sleep itself, so the tracked pid is the holder.
	flock -F -n held.pid sleep 3405 &
	track $!
	poll locked held.pid
	run -125 kill_at clock_nanosleep -p held.pid sleep 3404
	assert_output "daemonize: cannot start 'sleep': set-up was cut short (killed?)"
	assert_file_exists held.pid
	locked held.pid
}

@test "a set-up killed after opening the logs removes the logs it created" {
	t=$(tag)
	printf 'old\n' >kept.err
	run -125 kill_at chdir -p k.pid -o k.log -e kept.err sleep 3406 "$t"
	assert_output "daemonize: cannot start 'sleep': set-up was cut short (killed?)"
	assert_file_not_exists k.log
	assert_file_not_exists k.pid
	# A log that was there before is not this run's to remove.
	holds kept.err $'old\n'
	poll no_process "$t"
}

@test "a killed set-up removes the target a dangling -o link led to, not the link" {
	t=$(tag)
	ln -s made.log link.log
	run -125 kill_at chdir -p k.pid -o link.log sleep 3407 "$t"
	assert_output "daemonize: cannot start 'sleep': set-up was cut short (killed?)"
	assert_file_not_exists made.log
	assert_link_exists link.log
	assert_equal "$(ls)" link.log
	poll no_process "$t"
}

@test "the same with -1 and -u: the caller removes the log as the set-up made it" {
	need_root
	t=$(tag)
	mkdir -m 777 u
	# The pidfile not in u: root trusts no pidfile another user could swap.
	run -125 kill_at chdir -1 -u nobody -p k.pid -o u/k.log sleep 3408 "$t"
	assert_output "daemonize: cannot start 'sleep': set-up was cut short (killed?)"
	assert_equal "$(ls -A u)" ""
	assert_file_not_exists k.pid
	poll no_process "$t"
}
