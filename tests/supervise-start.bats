#!/usr/bin/env bats
# Supervised mode, the start: the first run is as truthful as an
# unsupervised start (exit codes, messages, nothing left behind, --wait);
# later runs get no readiness channel; -f supervises in the caller's
# process; where the supervisor's messages go; -1.

load helper
load supervise

# The scratch directory's entries, hidden ones included.
listing() {
	ls -A
}

# A failed start left nothing: the directory holds what it held before, and
# no process (supervisor or command) carries the tag.
left_nothing() {
	assert_equal "$(listing)" "$1"
	poll no_process "$2"
}

# ready.py: the first run with -w notify. It sends READY=1 itself, waits
# (at most 30 s) until ./go exists, then exits 1.
make_ready_py() {
	{
		printf "D = '%s'\n" "$BATS_TEST_TMPDIR"
		cat <<'EOF'
import os, socket, time
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1", addr)
for _ in range(600):
    if os.path.exists(os.path.join(D, "go")):
        break
    time.sleep(0.05)
os._exit(1)
EOF
	} >ready.py
}

# --- the first run -------------------------------------------------------------

@test "daemonize returns once the first run has been exec'd" {
	run --separate-stderr dz -r -p d.pid sleep 3740
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	pid=$(pid_in d.pid)
	# At once, no poll: the run exists and runs sleep.
	cmd=$(child_of "$pid")
	assert_equal "$(readlink "/proc/$cmd/exe")" "$(readlink -f "$(command -v sleep)")"
	assert_equal "$(tr '\0' ' ' <"/proc/$cmd/cmdline")" "sleep 3740 "
	alive "$pid"
}

# Its memory is measured by bench/supervisors; the fact behind it is that
# nothing on the way to it calls malloc (src/arena.h), so it has no heap.
@test "the supervisor has no heap: with a pidfile, and with -o and -e" {
	ldd "$DAEMONIZE" | grep -q libasan && skip "AddressSanitizer's allocator"
	dz -r -p d.pid sleep 3741
	dz -r -p e.pid -o e.out -e e.err sleep 3742
	for f in d.pid e.pid; do
		pid=$(pid_in "$f")
		assert_equal "$(grep -c '\[heap\]$' "/proc/$pid/maps")" 0
	done
}

@test "a missing command: 127, and no supervisor, pidfile, lockfile or log left" {
	t=$(tag)
	before=$(listing)
	run -127 dz -r -p d.pid -l d.lock -o d.log -e d.err nosuchcmd "$t"
	assert_output "daemonize: cannot execute 'nosuchcmd': No such file or directory"
	left_nothing "$before" "$t"
	run -127 dz --restart always -p d.pid -o d.log ./nosuch/cmd "$t"
	assert_output "daemonize: cannot execute './nosuch/cmd': No such file or directory"
	left_nothing "$before" "$t"
}

@test "a command without execute permission: 126, nothing left" {
	t=$(tag)
	printf '#!/bin/sh\nsleep 300\n' >noexec
	chmod 644 noexec
	before=$(listing)
	run dz -r -p d.pid -l d.lock -o d.log ./noexec "$t"
	assert_failure 126
	assert_output "daemonize: cannot execute './noexec': Permission denied"
	left_nothing "$before" "$t"
}

@test "a script whose interpreter is missing: 127 naming it, nothing left" {
	t=$(tag)
	printf '#!/no/such/interp\nsleep 300\n' >script
	chmod 755 script
	before=$(listing)
	run -127 dz -r -p d.pid -l d.lock -e d.err ./script "$t"
	assert_output "daemonize: cannot run interpreter '/no/such/interp' of './script': No such file or directory"
	left_nothing "$before" "$t"
}

@test "a -c directory that does not exist: 125, nothing left" {
	t=$(tag)
	before=$(listing)
	run dz -r -p d.pid -l d.lock -o d.log -c nodir sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot change directory to 'nodir': No such file or directory"
	left_nothing "$before" "$t"
}

# dies_before_ready SPEC: under -r and --wait SPEC, a first run that exits 7,
# then one killed by signal 9, before it is ready: 3, how it ended, not
# restarted, nothing left but the log with the run's output.
dies_before_ready() {
	local t
	t=$(tag)
	for end in 'exit 7' 'kill -KILL $$'; do
		forget_runs d.log
		plan_cmd "echo started; $end"
		run --separate-stderr dz -r --restart-delay 0 -t 10 -w "$1" \
		    -p d.pid -l d.lock -o d.log ./cmd "$t"
		assert_failure 3
		# Its last words follow, as after any start that fails late.
		if [ "$end" = 'exit 7' ]; then
			assert_equal "$stderr" "daemonize: './cmd' exited with status 7 before it was ready"$'\n    started'
		else
			assert_equal "$stderr" "daemonize: './cmd' was killed by signal 9 before it was ready"$'\n    started'
		fi
		assert_output ""
		poll no_process "$t"
		assert_file_not_exists d.pid
		assert_file_not_exists d.lock
		assert_equal "$(nruns)" 1
		holds d.log $'started\n'
	done
}

@test "--wait fd:3: a first run that ends before it is ready is 3, not restarted" {
	dies_before_ready fd:3
}

@test "--wait notify: a first run that ends before it is ready is 3, not restarted" {
	dies_before_ready notify
}

@test "--wait fd:3: the first run has descriptor 3, later runs do not" {
	plan_cmd "echo >&3; $WAIT_GO; exit 1" 'exec sleep 3741'
	run --separate-stderr dz -r --restart-delay 0.1 -t 10 -w fd:3 -p d.pid ./cmd
	assert_success
	assert_equal "$stderr" ""
	pid=$(supervisor)
	c1=$(run_pid 1)
	[[ $(fd_target "$c1" 3) == pipe:* ]] ||
	    fail "the first run's descriptor 3 is $(fd_target "$c1" 3), not a pipe"
	touch go
	wait_runs 2
	c2=$(run_pid 2)
	poll is_sleeping "$c2"
	assert_equal "$(ppid_of "$c2")" "$pid"
	assert_equal "$(fd_list "$c2")" "0 1 2"
}

@test "--wait notify: the first run has NOTIFY_SOCKET, later runs do not" {
	make_ready_py
	plan_cmd "exec '$PY' \"\$D/ready.py\"" 'exec sleep 3742'
	run --separate-stderr dz -r --restart-delay 0.1 -t 10 -w notify -p d.pid ./cmd
	assert_success
	assert_equal "$stderr" ""
	pid=$(supervisor)
	c1=$(run_pid 1)
	environ_of "$c1" | grep -q '^NOTIFY_SOCKET=' ||
	    fail "the first run has no NOTIFY_SOCKET"
	touch go
	wait_runs 2
	c2=$(run_pid 2)
	poll is_sleeping "$c2"
	assert_equal "$(ppid_of "$c2")" "$pid"
	run grep '^NOTIFY_SOCKET=' <(environ_of "$c2")
	assert_failure 1
	assert_equal "$(fd_list "$c2")" "0 1 2"
}

# --- -f: supervising in the caller's process ---------------------------------

# fg_run OPTION... : daemonize -f OPTION... ./cmd run by bash, whose pid (the
# caller's, which daemonize takes over) it writes to ./caller first.
fg_run() {
	run --separate-stderr bash -c 'echo $$ >caller; exec "$DAEMONIZE" -f "$@" ./cmd' \
	    bash "$@"
}

@test "-f -r: supervises in the caller's process, and exits with the last run's status" {
	plan_cmd 'exit 3'
	fg_run -r --restart-delay 0.1 --restart-limit 2 -p d.pid
	assert_failure 3
	assert_output ""
	text_gave_up "$stderr" "'./cmd' exited with status 3" \
	    "giving up on './cmd' after 2 restarts" \
	    "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 3; restarting in 0.2 s"
	caller=$(<caller)
	assert_equal "$(nruns)" 3
	for n in 1 2 3; do
		assert_equal "$(run_stat "$n" 2)" "$caller"	# the parent
		assert_equal "$(run_stat "$n" 3)" "$(sid_of "$BASHPID")"	# no new session
		assert_equal "$(run_stat "$n" 4)" "$caller"	# the pidfile
	done
	assert_file_not_exists d.pid
}

@test "-f -r: a run killed by a signal and not restarted: 128 + the signal" {
	plan_cmd 'kill -KILL $$'
	fg_run -r --restart-limit 0 -p d.pid
	assert_failure 137
	text_gave_up "$stderr" "'./cmd' killed by signal 9" \
	    "giving up on './cmd' after 0 restarts"
	assert_equal "$(nruns)" 1
	forget_runs
	plan_cmd 'kill -TERM $$'
	fg_run -r -p d.pid
	assert_failure 143
	text_is "$stderr" "'./cmd' killed by signal 15; not restarting"
	assert_equal "$(nruns)" 1
	assert_file_not_exists d.pid
}

@test "-f -r: a clean end is exit 0" {
	plan_cmd 'exit 3' 'exit 0'
	fg_run -r --restart-delay 0.1 -p d.pid
	assert_success
	assert_output ""
	text_is "$stderr" "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 0; not restarting"
	assert_equal "$(nruns)" 2
	assert_file_not_exists d.pid
}

@test "-f -r: messages go to the -e file, else the -o file, not to stderr" {
	plan_cmd 'exit 3' 'exit 0'
	fg_run -r --restart-delay 0.1 -o f.out -e f.err
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	log_is f.err "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 0; not restarting"
	assert_file_empty f.out
	forget_runs
	fg_run -r --restart-delay 0.1 -o f2.out
	assert_success
	assert_equal "$stderr" ""
	log_is f2.out "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 0; not restarting"
}

# --- where messages go ----------------------------------------------------------

@test "messages go to the -e file when given, not to the -o file" {
	plan_cmd 'echo "out $n"; exit 3' 'echo "out $n"; exit 0'
	dz -r --restart-delay 0.1 -p d.pid -o d.out -e d.err ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	log_is d.err "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 0; not restarting"
	holds d.out $'out 1\nout 2\n'
}

@test "messages go to the -o file without -e, after the run's own lines" {
	plan_cmd 'echo "out $n"; exit 3' 'echo "out $n"; echo "err $n" >&2; exit 0'
	dz -r --restart-delay 0.1 -p d.pid -o d.out ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	holds d.out "out 1
daemonize: './cmd' exited with status 3; restarting in 0.1 s
out 2
daemonize: './cmd' exited with status 0; not restarting
"
}

@test "without -o and -e, messages go nowhere: not to the caller's stderr" {
	plan_cmd 'exit 3' 'exec sleep 3743'
	dz -r --restart-delay 0.1 -p d.pid ./cmd 2>caller.err >caller.out
	pid=$(supervisor)
	wait_runs 2
	poll is_sleeping "$(run_pid 2)"
	assert_equal "$(fds_on "$pid" caller.err)" ""
	assert_equal "$(fds_on "$pid" caller.out)" ""
	assert_file_empty caller.err
	assert_file_empty caller.out
}

# --- -1 ----------------------------------------------------------------------------

@test "-1: the supervisor leads its session; runs are in it" {
	plan_cmd 'exit 1' 'exec sleep 3744'
	dz -1 -r --restart-delay 0.1 -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 2
	c2=$(run_pid 2)
	poll is_sleeping "$c2"
	assert_equal "$(sid_of "$pid")" "$pid"
	assert_equal "$(pgid_of "$pid")" "$pid"
	assert_equal "$(stat_field "$pid" 7)" 0
	if in_pid_namespace; then
		assert_equal "$(ppid_of "$pid")" 1
	fi
	for n in 1 2; do
		assert_equal "$(run_stat "$n" 2)" "$pid"
		assert_equal "$(run_stat "$n" 3)" "$pid"
	done
}
