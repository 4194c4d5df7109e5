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

@test "-v shows a daemon's STATUS= text with C1 controls escaped" {
	# The daemon itself sends STATUS= and READY=1 in one datagram: a C1
	# CSI (U+009B, C2 9B in UTF-8) that would clear a terminal that reads
	# C1 controls, and a C1 NEL (U+0085), around UTF-8 that stays (é).
	run --separate-stderr dz -v -t 10 -w notify -p v.pid /usr/bin/python3 -c '
import os, socket, time
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=caf\xc3\xa9 \xc2\x9b2J up\xc2\x85next\nREADY=1", addr)
time.sleep(300)'
	assert_success
	assert_equal "$output" ""
	alive "$(pid_in v.pid)"
	want=$'daemonize: status: caf\303\251 \\302\\2332J up\\302\\205next'
	assert_equal "$(grep -cxF -- "$want" <<<"$stderr")" 1
	# No C1 control reached the caller's terminal raw.
	run env LC_ALL=C grep -c $'\xc2[\x80-\x9f]' <<<"$stderr"
	assert_output 0
}
