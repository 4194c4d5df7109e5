#!/usr/bin/env bats
# -v: what is being done, on the caller's stderr, never in the logs.

load helper

@test "-v says what it does, on stderr only" {
	run --separate-stderr dz -v -p v.pid -l v.lock sleep 3101
	assert_success
	assert_equal "$output" ""
	pid=$(pid_in v.pid)
	expected=(
		"daemonize: found 'sleep' at '$(command -v sleep)'"
		"daemonize: locked lockfile 'v.lock'"
		"daemonize: wrote pid $pid to pidfile 'v.pid'"
		"daemonize: executing '$(command -v sleep)' as pid $pid"
	)
	assert_equal "$stderr" "$(printf '%s\n' "${expected[@]}")"
}

@test "-v messages do not go to the daemon's logs" {
	dz -v -p v.pid -o out.log -e err.log sleep 3102 2>caller.err
	assert_file_empty out.log
	assert_file_empty err.log
	run grep -c '^daemonize: ' caller.err
	assert_output 3
}

@test "-v with a reader that went away still starts the command" {
	# head exits after one line: the later messages meet a closed pipe.
	for i in 1 2 3 4 5; do
		"$DAEMONIZE" -v -p "v$i.pid" sleep 3103 2>&1 | head -1 >/dev/null
		assert_equal "${PIPESTATUS[0]}" 0
		pid=$(pid_in "v$i.pid")
		assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 3103 "
	done
}

@test "without -v a start says nothing" {
	run --separate-stderr dz -p q.pid sleep 3104
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}
