#!/usr/bin/env bats
# -l: an extra lock held by the daemon for its lifetime; a held one refuses
# the start naming its holder; the file's content is never touched, and only
# a lockfile this run created is removed when the start fails.

load helper

# Start `sleep SECS` as a daemon holding lockfile FILE (no pidfile); print
# its pid, found by its command line and checked against /proc/locks.
start_locked() {
	local file=$1 secs=$2 pid
	dz -l "$file" sleep "$secs" || return
	pid=$(procs sleep "$secs")
	[[ $pid =~ ^[0-9]+$ ]] || { echo "no single 'sleep $secs': '$pid'" >&2; return 1; }
	track "$pid"
	echo "$pid"
}

@test "the daemon holds the lockfile for its lifetime" {
	pid=$(start_locked d.lock 311)
	assert_equal "$(flock_pids d.lock)" "$pid"
	grep -E "^[0-9]+: FLOCK  ADVISORY  WRITE $pid $(lock_key d.lock) 0 EOF\$" /proc/locks
	fds=$(fds_on "$pid" d.lock)
	[ -n "$fds" ] || fail "no descriptor of $pid points at d.lock: $(ls -l /proc/$pid/fd)"
	assert_equal "$(wc -w <<<"$fds")" 1
	# With a pidfile as well: two locks, two descriptors.
	dz -p both.pid -l both.lock sleep 300
	pid2=$(pid_in both.pid)
	assert_equal "$(flock_pids both.lock)" "$pid2"
	assert_equal "$(flock_pids both.pid)" "$pid2"
	assert_equal "$(wc -w <<<"$(fds_on "$pid2" both.lock)")" 1
	assert_equal "$(wc -w <<<"$(fds_on "$pid2" both.pid)")" 1
	# The locks go with the daemon.
	kill "$pid" "$pid2"
	wait_dead "$pid"
	wait_dead "$pid2"
	poll unlocked d.lock
	poll unlocked both.lock
}

@test "a second start with a held lockfile fails naming the holder" {
	pid=$(start_locked s.lock 312)
	run --separate-stderr dz -l s.lock -p two.pid -c "$PWD" \
	    sh -c 'touch ran; exec sleep 313'
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $pid (lockfile s.lock)"
	assert_output ""
	assert_file_not_exists ran
	assert_file_not_exists two.pid	# this run made it: removed
	assert_equal "$(nprocs sleep 313)" 0
	assert_equal "$(flock_pids s.lock)" "$pid"
	alive "$pid"
}

@test "the lockfile may be the pidfile" {
	dz -p same.pid -l same.pid sleep 314
	pid=$(pid_in same.pid)
	holds same.pid "$pid"$'\n'
	assert_equal "$(wc -w <<<"$(fds_on "$pid" same.pid)")" 1
	assert_equal "$(flock_pids same.pid)" "$pid"
	# Spelt differently, it is still one file and one descriptor.
	dz -p other.pid -l ./other.pid sleep 314
	pid2=$(pid_in other.pid)
	assert_equal "$(wc -w <<<"$(fds_on "$pid2" other.pid)")" 1
	assert_equal "$(flock_pids other.pid)" "$pid2"
	# A second start is refused, by the pidfile or by the lockfile.
	run --separate-stderr dz -p same.pid -l same.pid sleep 315
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $pid (pidfile same.pid)"
	run --separate-stderr dz -l same.pid sleep 315
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $pid (lockfile same.pid)"
	assert_equal "$(nprocs sleep 315)" 0
	holds same.pid "$pid"$'\n'
}

@test "an existing lockfile's content is left alone" {
	printf 'keep me\n' >e.lock
	chmod 600 e.lock
	pid=$(start_locked e.lock 316)
	holds e.lock $'keep me\n'
	assert_equal "$(stat -c %a e.lock)" 600
	kill "$pid"
	wait_dead "$pid"
	holds e.lock $'keep me\n'
}

@test "a failed start removes the lockfile it created, not an existing one" {
	run --separate-stderr dz -l new.lock -c /nonexistent sleep 317
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot change directory to '/nonexistent': No such file or directory"
	assert_file_not_exists new.lock
	assert_equal "$(nprocs sleep 317)" 0
	printf 'keep me\n' >old.lock
	run --separate-stderr dz -p f.pid -l old.lock -c /nonexistent sleep 317
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot change directory to '/nonexistent': No such file or directory"
	holds old.lock $'keep me\n'
	unlocked old.lock
	assert_file_not_exists f.pid
	assert_equal "$(nprocs sleep 317)" 0
}

@test "a lockfile held by a foreign process names that process" {
	flock -n fl.lock sleep 318 3>&- &
	fpid=$!
	track "$fpid"
	poll locked fl.lock
	# util-linux flock locks, then forks the command: track that child too.
	poll child_of "$fpid" >/dev/null
	track "$(child_of "$fpid")"
	holder=$(flock_pids fl.lock)
	[[ $holder =~ ^[0-9]+$ ]] || fail "/proc/locks shows '$holder'"
	alive "$holder"
	assert_equal "$holder" "$fpid"
	run --separate-stderr dz -l fl.lock -c "$PWD" sh -c 'touch ran; exec sleep 319'
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running as pid $holder (lockfile fl.lock)"
	assert_file_not_exists ran
	assert_equal "$(nprocs sleep 319)" 0
	assert_equal "$(flock_pids fl.lock)" "$holder"
}

@test "a lockfile whose locker is gone is still held, by an unnamed holder" {
	# flock(1) locks the shell's descriptor and exits; sleep keeps the lock.
	spid=$(sh -c 'exec 9>>dl.lock && flock -n 9 &&
	    { sleep 320 >/dev/null 2>&1 3>&- & echo $!; }')
	track "$spid"
	alive "$spid"
	run flock -n dl.lock true	# held, though maybe not in /proc/locks
	assert_failure 1
	# Shown (if at all) with a pid that is no live process: flock(1)'s.
	shown=$(flock_pids dl.lock)
	[ -z "$shown" ] || dead "$shown" ||
	    fail "/proc/locks shows a live locker $shown"
	run --separate-stderr dz -l dl.lock sleep 321
	assert_failure 1
	assert_equal "$stderr" "daemonize: already running (lockfile dl.lock is locked by another process)"
	assert_equal "$(nprocs sleep 321)" 0
}

@test "a lockfile in a missing directory is a set-up error" {
	run --separate-stderr dz -p ok.pid -l nodir/x.lock sleep 322
	assert_failure 125
	assert_equal "$stderr" "daemonize: cannot open lockfile 'nodir/x.lock': No such file or directory"
	assert_file_not_exists nodir
	assert_file_not_exists ok.pid
	assert_equal "$(nprocs sleep 322)" 0
}

@test "a lockfile that is a symbolic link is refused, without -u too" {
	t=$(tag)
	ln -s target.lock link.lock
	run -125 dz -p x.pid -l link.lock sh -c 'sleep 300; :' "$t"
	assert_output "daemonize: cannot open lockfile 'link.lock': it is a symbolic link"
	# Not even a dangling link's target is created.
	assert_equal "$(ls)" link.lock
	# Nor is a link to the pidfile taken for the pidfile.
	ln -s x.pid pid.link
	run -125 dz -p x.pid -l pid.link sh -c 'sleep 300; :' "$t"
	assert_output "daemonize: cannot open lockfile 'pid.link': it is a symbolic link"
	assert_file_not_exists x.pid
	poll no_process "$t"
}
