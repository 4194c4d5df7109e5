#!/usr/bin/env bats
# -p: the pidfile is written before daemonize returns, locked for the
# daemon's lifetime, refused when it names a running daemon (by its lock, or
# by the liveness rule), taken over when stale, and gone after a failed start.

load helper

@test "the pidfile holds the daemon's pid as soon as daemonize returns, 100 times" {
	local i pid content pids=()
	local re=$'^[1-9][0-9]*\n$'
	for ((i = 1; i <= 100; i++)); do
		dz -p "n$i.pid" sleep 300 || fail "start $i failed"
		content=
		IFS= read -r -d '' content <"n$i.pid" || true
		[[ $content =~ $re ]] ||
		    fail "start $i: pidfile holds '$content', not 'PID\\n'"
		pid=${content%$'\n'}
		alive "$pid" || fail "start $i: pid $pid is not alive"
		[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 300 " ] ||
		    fail "start $i: pid $pid is not the daemon"
		pids+=("$pid")
	done
	assert_equal "$(printf '%s\n' "${pids[@]}" | sort -u | wc -l)" 100
	kill "${pids[@]}"
	for pid in "${pids[@]}"; do
		wait_dead "$pid"
	done
}

@test "the pidfile has mode 0644 whatever the caller's umask" {
	(umask 077 && dz -p m.pid sleep 300)
	assert_equal "$(stat -c %a m.pid)" 644
	pid=$(pid_in m.pid)
	alive "$pid"
}

@test "a stale pidfile with mode 0600 becomes 0644" {
	dpid=$(dead_pid)
	(umask 077 && echo "$dpid" >s.pid)
	assert_equal "$(stat -c %a s.pid)" 600
	(umask 077 && dz -p s.pid sleep 300)
	assert_equal "$(stat -c %a s.pid)" 644
	pid=$(pid_in s.pid)
	assert_not_equal "$pid" "$dpid"
	alive "$pid"
}

@test "a relative pidfile is resolved against the caller's directory" {
	name=rel-$$-$BATS_TEST_NUMBER.pid
	assert_file_not_exists "/$name"
	mkdir -p sub/dir
	cd sub
	dz -p "$name" sleep 300
	pid=$(pid_in "$BATS_TEST_TMPDIR/sub/$name")
	track "$pid"
	assert_file_not_exists "/$name"
	assert_equal "$(readlink "/proc/$pid/cwd")" /
	holds "$name" "$pid"$'\n'
	# Also with -c elsewhere: the pidfile is not put in the daemon's dir.
	dz -c "$BATS_TEST_TMPDIR/sub/dir" -p "../$name.2" sleep 300
	pid2=$(pid_in "$BATS_TEST_TMPDIR/$name.2")
	track "$pid2"
	assert_file_not_exists "$BATS_TEST_TMPDIR/sub/$name.2"
	assert_equal "$(readlink "/proc/$pid2/cwd")" "$(realpath dir)"
}

@test "the daemon holds the pidfile's lock for its lifetime" {
	dz -p l.pid sleep 300
	pid=$(pid_in l.pid)
	fds=$(fds_on "$pid" l.pid)
	[ -n "$fds" ] || fail "no descriptor of $pid points at l.pid: $(ls -l /proc/$pid/fd)"
	assert_equal "$(wc -w <<<"$fds")" 1
	assert_equal "$(flock_pids l.pid)" "$pid"
	grep -E "^[0-9]+: FLOCK  ADVISORY  WRITE $pid $(lock_key l.pid) 0 EOF\$" /proc/locks
	# The lock goes with the daemon.
	kill "$pid"
	wait_dead "$pid"
	poll unlocked l.pid
}

@test "a second start on a held pidfile fails, touches nothing, runs nothing" {
	dz -p h.pid -o h.log sh -c 'echo first; exec sleep 300'
	pid=$(pid_in h.pid)
	poll grep -qx first h.log
	run --separate-stderr dz -p h.pid -o h.log -e h.err --truncate \
	    -c "$PWD" sh -c 'touch ran; echo second; exec sleep 302'
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $pid (pidfile h.pid)"
	assert_output ""
	assert_file_not_exists ran
	assert_file_not_exists h.err
	assert_equal "$(nprocs sleep 302)" 0
	holds h.pid "$pid"$'\n'
	holds h.log $'first\n'
	assert_equal "$(flock_pids h.pid)" "$pid"
	# The message shows the path as given.
	run --separate-stderr dz -p "$PWD/./h.pid" sleep 302
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $pid (pidfile $PWD/./h.pid)"
	alive "$pid"
}

@test "of 20 concurrent starts on one pidfile exactly one wins" {
	for ((i = 1; i <= 20; i++)); do
		(
			rc=0
			dz -p same.pid sleep 301 2>"err.$i" || rc=$?
			echo "$rc" >"rc.$i"
		) 3>&- &
	done
	wait
	winner=$(pid_in same.pid)
	assert_equal "$(procs sleep 301)" "$winner"
	holds same.pid "$winner"$'\n'
	assert_equal "$(flock_pids same.pid)" "$winner"
	wins=0 losses=0
	for ((i = 1; i <= 20; i++)); do
		case $(<"rc.$i") in
		0)
			wins=$((wins + 1))
			assert_equal "$(<"err.$i")" ""
			;;
		1)
			losses=$((losses + 1))
			assert_equal "$(<"err.$i")" \
			    "daemonize: already running as pid $winner (pidfile same.pid)"
			;;
		*)
			fail "start $i exited $(<"rc.$i"): $(<"err.$i")"
			;;
		esac
	done
	assert_equal "$wins" 1
	assert_equal "$losses" 19
}

@test "a stale pidfile (dead pid, unlocked) is taken over" {
	dpid=$(dead_pid)
	echo "$dpid" >st.pid
	dz -p st.pid sleep 3072
	pid=$(pid_in st.pid)
	assert_not_equal "$pid" "$dpid"
	holds st.pid "$pid"$'\n'
	assert_equal "$(procs sleep 3072)" "$pid"
	assert_equal "$(flock_pids st.pid)" "$pid"
}

@test "an unlocked pidfile naming a live process that predates it counts as running" {
	sleep 303 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	echo "$sp" >live.pid
	unlocked live.pid
	run --separate-stderr dz -p live.pid -c "$PWD" sh -c 'touch ran; exec sleep 304'
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $sp (pidfile live.pid)"
	holds live.pid "$sp"$'\n'
	assert_file_not_exists ran
	assert_equal "$(nprocs sleep 304)" 0
	alive "$sp"
}

@test "an unlocked pidfile written well before its pid's process started is stale" {
	sleep 305 3>&- &
	sp=$!
	track "$sp"
	poll alive "$sp"
	echo "$sp" >reuse.pid
	touch -d '-1 hour' reuse.pid
	dz -p reuse.pid sleep 306
	pid=$(pid_in reuse.pid)
	assert_not_equal "$pid" "$sp"
	holds reuse.pid "$pid"$'\n'
	assert_equal "$(procs sleep 306)" "$pid"
	alive "$sp"	# taken over, not killed
}

@test "an unlocked pidfile naming a zombie is stale" {
	sh -c 'sleep 0 & exec sleep 320' 3>&- &
	parent=$!
	track "$parent"
	poll child_of "$parent" >/dev/null
	zpid=$(child_of "$parent")
	poll is_zombie "$zpid"
	echo "$zpid" >z.pid
	dz -p z.pid sleep 3073
	pid=$(pid_in z.pid)
	assert_not_equal "$pid" "$zpid"
	assert_equal "$(procs sleep 3073)" "$pid"
}

@test "a pidfile that is a symbolic link is refused" {
	echo precious >target
	chmod 600 target
	ln -s target link.pid
	run --separate-stderr dz -p link.pid sleep 307
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot open pidfile 'link.pid': it is a symbolic link"
	assert_equal "$(readlink link.pid)" target
	holds target $'precious\n'
	assert_equal "$(stat -c %a target)" 600
	unlocked target
	assert_equal "$(nprocs sleep 307)" 0
	# A dangling one, too: its target is not created.
	ln -s nowhere dangling.pid
	run --separate-stderr dz -p dangling.pid sleep 307
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot open pidfile 'dangling.pid': it is a symbolic link"
	assert_equal "$(readlink dangling.pid)" nowhere
	assert_file_not_exists nowhere
	assert_equal "$(nprocs sleep 307)" 0
}

@test "a pidfile in a missing directory is a set-up error" {
	run --separate-stderr dz -p nodir/x.pid sleep 308
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot open pidfile 'nodir/x.pid': No such file or directory"
	assert_file_not_exists nodir
	assert_equal "$(nprocs sleep 308)" 0
}

@test "a failed start leaves no new pidfile" {
	run -127 --separate-stderr dz -p new.pid ./missing
	assert_failure 127
	assert_equal "$stderr" "daemonize: cannot execute './missing': No such file or directory"
	assert_file_not_exists new.pid
	run --separate-stderr dz -p new.pid -c /nonexistent sleep 309
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot change directory to '/nonexistent': No such file or directory"
	assert_file_not_exists new.pid
	assert_equal "$(nprocs sleep 309)" 0
	printf '#!/nonexistent/interp\n' >bad
	chmod +x bad
	run -127 --separate-stderr dz -p new.pid ./bad
	assert_failure 127
	assert_equal "$stderr" "daemonize: cannot run interpreter '/nonexistent/interp' of './bad': No such file or directory"
	assert_file_not_exists new.pid
}

@test "a failed start removes the stale pidfile it took over" {
	echo "$(dead_pid)" >old.pid
	run --separate-stderr dz -p old.pid -c /nonexistent sleep 310
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot change directory to '/nonexistent': No such file or directory"
	assert_file_not_exists old.pid
	assert_equal "$(nprocs sleep 310)" 0
	# An exec failure (found, but its interpreter is missing) too.
	echo "$(dead_pid)" >old.pid
	printf '#!/nonexistent/interp\n' >bad
	chmod +x bad
	run -127 --separate-stderr dz -p old.pid ./bad
	assert_failure 127
	assert_equal "$stderr" "daemonize: cannot run interpreter '/nonexistent/interp' of './bad': No such file or directory"
	assert_file_not_exists old.pid
}

@test "the daemon's pidfile descriptor is read-only: it cannot rewrite the file" {
	dz -p ro.pid sleep 3071
	pid=$(pid_in ro.pid)
	fd=$(fds_on "$pid" ro.pid)
	assert [ -n "$fd" ]
	assert_equal "$(fd_access "$pid" "$fd")" rdonly
}

@test "a start on the lock of a dead daemon's children fails naming them, -q or not" {
	dz -p o.pid -o o.log sh -c 'sleep 3074 & echo forked; exec sleep 3075'
	pid=$(pid_in o.pid)
	poll has_line o.log forked
	poll pgrep -xf 'sleep 3074'
	child=$(procs sleep 3074)
	track "$child"
	kill -KILL "$pid"
	wait_dead "$pid"
	locked o.pid
	assert [ -n "$(fds_on "$child" o.pid)" ]
	for q in "" -q; do
		# shellcheck disable=SC2086
		run --separate-stderr dz $q -p o.pid -c "$PWD" sh -c 'touch ran; exec sleep 3076'
		assert_failure 1
		assert_output ""
		assert_equal "$stderr" "daemonize: pid $pid is gone, but pid $child holds the pidfile lock (pidfile o.pid)"
	done
	assert_file_not_exists ran
	assert_equal "$(nprocs sleep 3076)" 0
	holds o.pid "$pid"$'\n'
	alive "$child"
	assert [ -n "$(fds_on "$child" o.pid)" ]
	# In the foreground too.
	run --separate-stderr dz -f -p o.pid true
	assert_failure 1
	assert_equal "$stderr" "daemonize: pid $pid is gone, but pid $child holds the pidfile lock (pidfile o.pid)"
}

@test "-q: a start refused because the daemon runs says nothing; other failures still speak" {
	dz -p q.pid -l q.lock sleep 3077
	pid=$(pid_in q.pid)
	run --separate-stderr dz -q -p q.pid sleep 3078
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" ""
	run --separate-stderr dz --quiet -f -p q.pid sleep 3078
	assert_failure 1
	assert_equal "$stderr" ""
	run --separate-stderr dz -q -l q.lock sleep 3078
	assert_failure 1
	assert_equal "$stderr" ""
	assert_equal "$(nprocs sleep 3078)" 0
	holds q.pid "$pid"$'\n'
	# Without -q, the same refusal is said.
	run --separate-stderr dz -p q.pid sleep 3078
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $pid (pidfile q.pid)"
	run --separate-stderr dz -q -p other.pid -c /nonexistent sleep 3078
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot change directory to '/nonexistent': No such file or directory"
	run -127 --separate-stderr dz -q -p other.pid ./missing
	assert_equal "$stderr" "daemonize: cannot execute './missing': No such file or directory"
	assert_file_not_exists other.pid
}

@test "as root, a start refuses a pidfile another user owns or may write (125), untouched" {
	need_root
	dpid=$(dead_pid)
	echo "$dpid" >evil.pid
	chown nobody evil.pid
	run --separate-stderr dz -p evil.pid sleep 3079
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pid': another user could have written it"
	holds evil.pid "$dpid"$'\n'
	assert_equal "$(stat -c '%U %a' evil.pid)" "nobody 644"
	chown root evil.pid
	for mode in 664 646 666; do
		chmod "$mode" evil.pid
		run --separate-stderr dz -p evil.pid sleep 3079
		assert_failure 125
		assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pid': another user could have written it"
		assert_equal "$(stat -c '%U %a' evil.pid)" "root $mode"
	done
	holds evil.pid "$dpid"$'\n'
	unlocked evil.pid
	assert_equal "$(nprocs sleep 3079)" 0
	# In the foreground too.
	run --separate-stderr dz -f -p evil.pid sleep 3079
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'evil.pid': another user could have written it"
}

@test "as root, a pidfile with a second hard link is refused, never truncated or chmod'ed" {
	need_root
	echo precious >target
	chmod 600 target
	ln target h.pid
	run --separate-stderr dz -p h.pid sleep 3080
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'h.pid': it has more than one hard link"
	holds target $'precious\n'
	assert_equal "$(stat -c '%a %h' target)" "600 2"
	unlocked target
	assert_equal "$(nprocs sleep 3080)" 0
}

@test "as root, a start refuses a pidfile in a directory another user may write (125)" {
	need_root
	mkdir u
	chown nobody u
	run --separate-stderr dz -p u/x.pid sleep 3081
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'u/x.pid': a directory on its path is writable by another user"
	assert_equal "$(ls -A u)" ""
	mkdir real
	ln -s "$PWD/real" u/run
	run --separate-stderr dz -p u/run/x.pid sleep 3081
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot trust pidfile 'u/run/x.pid': a directory on its path is writable by another user"
	assert_equal "$(ls -A real)" ""
	assert_equal "$(nprocs sleep 3081)" 0
	# Root's sticky directory, as /tmp, is fine for root's own file.
	mkdir -m 1777 sticky
	dz -p sticky/x.pid sleep 3081
	pid=$(pid_in sticky/x.pid)
	assert_equal "$(procs sleep 3081)" "$pid"
}
