#!/usr/bin/env bats
# Descriptors: what the daemon holds open, and what it must not inherit.

load helper

# The descriptors above 2 that PID has open, sorted, one line.
extra_fds() {
	local fd out=()
	for fd in $(fd_list "$1"); do
		[ "$fd" -gt 2 ] && out+=("$fd")
	done
	echo "${out[*]}"
}

# The one descriptor above 2 of PID that points at FILE.
fd_on() {
	local fd found=
	for fd in $(extra_fds "$1"); do
		if [ "$(fd_target "$1" "$fd")" = "$2" ]; then
			[ -z "$found" ] || return 1	# not two of them
			found=$fd
		fi
	done
	[ -n "$found" ] && echo "$found"
}

# "TYPE ACCESS PID" of each lock /proc/locks shows on FILE.
locks_on() {
	local maj min ino
	read -r maj min ino < <(stat -c '%Hd %Ld %i' "$1")
	[ -n "$ino" ] || return 1
	awk -v id="$(printf '%02x:%02x:%s' "$maj" "$min" "$ino")" \
	    '$6 == id { print $2, $4, $5 }' /proc/locks
}

@test "with -p the daemon has 0, 1, 2 and the pidfile lock, nothing else" {
	dz -p d.pid sleep 300
	pid=$(pid_in d.pid)
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+$'
	assert_equal "$(fd_target "$pid" "$output")" "$PWD/d.pid"
}

@test "without -p or -l the daemon has only 0, 1 and 2" {
	dz sh -c 'echo $$ >"$1"; exec sleep 300' sh "$PWD/own.pid"
	poll has_pid own.pid
	pid=$(pid_in own.pid)
	poll is_sleeping "$pid"
	assert_equal "$(fd_list "$pid")" "0 1 2"
}

@test "-l adds the lockfile descriptor; the same path as -p adds none" {
	dz -p d.pid -l d.lock sleep 300
	pid=$(pid_in d.pid)
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+ [0-9]+$'
	fd_on "$pid" "$PWD/d.pid"
	fd_on "$pid" "$PWD/d.lock"
	dz -p same.pid -l same.pid sleep 300
	pid=$(pid_in same.pid)
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+$'
	assert_equal "$(fd_target "$pid" "$output")" "$PWD/same.pid"
}

@test "the caller's descriptors 3 and up are not inherited" {
	: >f7
	exec 5>f5 7<f7 8< <(echo x) 200>f200
	# The control: the caller really has them.
	assert_equal "$(fd_target "$BASHPID" 5)" "$PWD/f5"
	assert_regex "$(fd_target "$BASHPID" 8)" '^pipe:'
	dz -p d.pid sleep 300
	exec 5>&- 7<&- 8<&- 200>&-
	pid=$(pid_in d.pid)
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+$'
	assert_equal "$(fd_target "$pid" "$output")" "$PWD/d.pid"
	for fd in $(fd_list "$pid"); do
		refute_regex "$(fd_target "$pid" "$fd")" 'pipe:|/f5$|/f7$|/f200$'
	done
}

@test "out=\$(daemonize ...) returns at once, even when fd 3 is a pipe" {
	run timeout 10 bash -c 'out=$("$DAEMONIZE" -p a.pid sleep 300); echo "[$out]"'
	assert_success
	assert_output "[]"
	# fd 3 the same pipe as stdout: it is closed all the same.
	run timeout 10 bash -c \
	    'out=$("$DAEMONIZE" -p b.pid sleep 300 3>&1); echo "[$out]"'
	assert_success
	assert_output "[]"
	# stdout and stderr both the pipe.
	run timeout 10 bash -c \
	    'out=$("$DAEMONIZE" -p c.pid sleep 300 2>&1 3>&1); echo "[$out]"'
	assert_success
	assert_output "[]"
	for f in a.pid b.pid c.pid; do
		alive "$(pid_in "$f")"
	done
}

@test "--keep-fd keeps a descriptor open on the same file" {
	exec 5>kept.txt
	dz --keep-fd 5 -p d.pid sh -c 'echo through-5 >&5; exec sleep 300'
	exec 5>&-
	pid=$(pid_in d.pid)
	poll is_sleeping "$pid"	# kept across a second exec, too
	assert_equal "$(fd_target "$pid" 5)" "$PWD/kept.txt"
	assert_equal "$(fd_access "$pid" 5)" wronly
	run extra_fds "$pid"
	assert_output --regexp '^(5 [0-9]+|[0-9]+ 5)$'
	fd_on "$pid" "$PWD/d.pid"
	poll grep -qx through-5 kept.txt
}

@test "--keep-fd with -p, -l and a second kept descriptor" {
	exec 5>k5 6<k5
	dz --keep-fd 5 --keep-fd 6 -p d.pid -l d.lock sleep 300
	exec 5>&- 6<&-
	pid=$(pid_in d.pid)
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$'
	assert_equal "$(fd_target "$pid" 5)" "$PWD/k5"
	assert_equal "$(fd_access "$pid" 5)" wronly
	assert_equal "$(fd_target "$pid" 6)" "$PWD/k5"
	assert_equal "$(fd_access "$pid" 6)" rdonly
	fd_on "$pid" "$PWD/d.pid"
	fd_on "$pid" "$PWD/d.lock"
}

@test "--keep-fd of a descriptor that is not open fails, leaving nothing" {
	exec 9>&-
	run dz --keep-fd 9 -p k.pid -l k.lock -o k.log \
	    sh -c 'echo $$ >"$1"; exec sleep 300' sh "$PWD/ran.pid"
	assert_failure 125
	assert_output "daemonize: cannot keep descriptor 9: Bad file descriptor"
	assert_file_not_exists k.pid
	assert_file_not_exists k.lock
	assert_file_not_exists k.log
	assert_file_not_exists ran.pid
}

@test "a caller with 0, 1 and 2 closed: the daemon gets /dev/null" {
	rc=0
	dz -p d.pid sleep 300 <&- >&- 2>&- || rc=$?
	assert_equal "$rc" 0
	pid=$(pid_in d.pid)
	assert_null_stdio "$pid"
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+$'
	assert_equal "$(fd_target "$pid" "$output")" "$PWD/d.pid"
}

@test "a caller with 0, 1 and 2 closed: the logs receive the output" {
	rc=0
	dz -p d.pid -o out.log -e err.log -l d.lock \
	    sh -c 'echo to-out; echo to-err >&2; exec sleep 300' \
	    <&- >&- 2>&- || rc=$?
	assert_equal "$rc" 0
	pid=$(pid_in d.pid)
	poll grep -qx to-out out.log
	poll grep -qx to-err err.log
	poll is_sleeping "$pid"
	assert_equal "$(fd_target "$pid" 0)" /dev/null
	assert_equal "$(fd_target "$pid" 1)" "$PWD/out.log"
	assert_equal "$(fd_target "$pid" 2)" "$PWD/err.log"
	run extra_fds "$pid"
	assert_output --regexp '^[0-9]+ [0-9]+$'
	fd_on "$pid" "$PWD/d.pid"
	fd_on "$pid" "$PWD/d.lock"
	# Nothing else landed in the logs or the pidfile.
	assert_equal "$(cat out.log)" to-out
	assert_equal "$(cat err.log)" to-err
	assert_equal "$(cat d.pid)" "$pid"
}

@test "the daemon holds an flock write lock on the pidfile and lockfile" {
	dz -p d.pid -l d.lock sleep 300
	pid=$(pid_in d.pid)
	run locks_on d.pid
	assert_output "FLOCK WRITE $pid"
	run locks_on d.lock
	assert_output "FLOCK WRITE $pid"
	# The lock descriptor is the pidfile itself.
	fd=$(fd_on "$pid" "$PWD/d.pid")
	assert_equal "$(fd_target "$pid" "$fd")" "$PWD/d.pid"
	# The lock lives with the daemon.
	kill -TERM "$pid"
	wait_dead "$pid"
	poll unlocked d.pid
}

@test "no /dev/null: one line and exit 125, nothing left behind" {
	need_root
	# A private mount namespace whose /dev is an empty tmpfs.
	run -125 leaves left.pid unshare -m sh -c \
	    'mount -t tmpfs none /dev && exec "$@"' sh \
	    "$DAEMONIZE" -p nonull.pid sleep 3201
	assert_output "daemonize: cannot open '/dev/null': No such file or directory"
	assert_file_not_exists nonull.pid
	all_end left.pid
	run -125 leaves left.pid unshare -m sh -c \
	    'mount -t tmpfs none /dev && exec "$@" <&-' sh \
	    "$DAEMONIZE" -p nonull.pid sleep 3201
	assert_output "daemonize: cannot open '/dev/null': No such file or directory"
	assert_file_not_exists nonull.pid
	all_end left.pid
}
