#!/usr/bin/env bats
# Supervised mode (-r, --restart, --restart-delay, --restart-limit): which
# ends are restarted, the capped back-off and its reset, the limit, and
# what every run gets: a child of the one supervisor, in its session,
# without the lock descriptors, with the full set-up. Also the usage
# errors of these options.

load helper
load supervise

# --- usage -------------------------------------------------------------------

@test "--restart-delay and --restart-limit need -r or --restart" {
	run dz --restart-delay 1 -p u.pid true
	usage_fails "option '--restart-delay' needs --restart or -r"
	run dz --restart-limit 3 -p u.pid true
	usage_fails "option '--restart-limit' needs --restart or -r"
	assert_file_not_exists u.pid
}

@test "--restart takes on-failure or always" {
	for when in never no On-failure onfailure 'always ' always: 1; do
		run dz --restart "$when" -p u.pid true
		usage_fails "invalid --restart '$when' (want on-failure or always)"
	done
	run dz --restart '' -p u.pid true
	usage_fails "option '--restart' needs a non-empty argument"
	run dz -p u.pid --restart
	usage_fails "option '--restart' requires an argument"
	assert_file_not_exists u.pid
}

@test "--restart-delay takes MIN[:MAX] in decimal seconds, MIN no more than MAX" {
	for d in x 1s -1 +1 ' 1' 1: :1 1:2:3 2:1 0.5:0.4 .5 1. 1e3 0x1 1,5 \
	    1000001 1:1000001 61:60; do
		run dz -r --restart-delay "$d" -p u.pid true
		usage_fails "invalid --restart-delay '$d' (want MIN[:MAX] in seconds, MIN no more than MAX)"
	done
	run dz -r --restart-delay '' -p u.pid true
	usage_fails "option '--restart-delay' needs a non-empty argument"
	assert_file_not_exists u.pid
}

@test "--restart-limit takes a number, 0 or more" {
	run dz -r --restart-limit -1 -p u.pid true
	usage_fails "invalid --restart-limit '-1': too small (a number, 0 or more)"
	for n in x 3x +3 ' 3' 1.5 0x3; do
		run dz -r --restart-limit "$n" -p u.pid true
		usage_fails "invalid --restart-limit '$n': invalid (a number, 0 or more)"
	done
	for n in 2147483648 99999999999999999999; do
		run dz -r --restart-limit "$n" -p u.pid true
		usage_fails "invalid --restart-limit '$n': too large (a number, 0 or more)"
	done
	run dz -r --restart-limit '' -p u.pid true
	usage_fails "option '--restart-limit' needs a non-empty argument"
	assert_file_not_exists u.pid
}

@test "the supervised-mode options cannot be used with --stop or --status" {
	run dz --stop -p x.pid -r
	usage_fails "option '-r' cannot be used with --stop"
	run dz -r --status -p x.pid
	usage_fails "option '-r' cannot be used with --status"
	run dz --stop --restart always -p x.pid
	usage_fails "option '--restart' cannot be used with --stop"
	run dz --status -p x.pid --restart-delay 1
	usage_fails "option '--restart-delay' cannot be used with --status"
	run dz --stop -p x.pid --restart-limit 2
	usage_fails "option '--restart-limit' cannot be used with --stop"
	run dz --stop -t 1 --signal HUP --restart on-failure -p x.pid
	usage_fails "option '--restart' cannot be used with --stop"
}

@test "usage errors of supervised mode leave the running daemon alone" {
	dz -p u.pid sleep 3710
	pid=$(pid_in u.pid)
	for args in "--stop -r" "--status -r" "--stop --restart always" \
	    "--restart-limit 1" "--restart-delay 1" "-r --restart-delay 2:1"; do
		# shellcheck disable=SC2086
		run dz $args -p u.pid sleep 3711
		assert_failure 2
	done
	alive "$pid"
	holds u.pid "$pid"$'\n'
	assert_equal "$(nprocs sleep 3711)" 0
}

@test "valid forms of the supervised-mode options are accepted" {
	for args in "-r" "--restart on-failure" "--restart always" \
	    "-r --restart-delay 0" "-r --restart-delay 0:0" \
	    "-r --restart-delay 120" "-r --restart-delay 0.25:1.5" \
	    "-r --restart-delay 1000000" "-r --restart-limit 0" \
	    "-r --restart-limit 2147483647" "--restart-limit 5 -r" \
	    "--restart-delay 2 --restart always"; do
		# shellcheck disable=SC2086
		run --separate-stderr dz $args -p ok.pid sleep 3712
		[ "$status" -eq 0 ] || fail "'$args': exit $status, $stderr"
		assert_equal "$stderr" ""
		pid=$(pid_in ok.pid)
		run dz --stop -p ok.pid
		assert_success
		wait_dead "$pid"
	done
	assert_equal "$(nprocs sleep 3712)" 0
}

# --- which ends are restarted ----------------------------------------------------

@test "on-failure: a non-zero exit is restarted, exit 0 ends supervision" {
	plan_cmd 'exit 3' 'exit 0'
	dz -r --restart-delay 0.1 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 2
	log_is d.log "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 0; not restarting"
}

@test "on-failure: death by SIGKILL or SIGSEGV is restarted" {
	plan_cmd 'kill -KILL $$' 'ulimit -c 0; kill -SEGV $$' 'exit 0'
	dz --restart on-failure --restart-delay 0.1 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 3
	log_is d.log "'./cmd' killed by signal 9; restarting in 0.1 s" \
	    "'./cmd' killed by signal 11; restarting in 0.2 s" \
	    "'./cmd' exited with status 0; not restarting"
}

@test "on-failure: death by SIGTERM, SIGHUP, SIGINT or SIGPIPE is not restarted" {
	for sig in TERM HUP INT PIPE; do
		forget_runs d.log
		plan_cmd "kill -$sig \$\$" 'exit 0'
		dz -r --restart-delay 0.1 -p d.pid -e d.log ./cmd
		pid=$(supervisor)
		wait_ended "$pid"
		assert_equal "$(nruns)" 1
		log_is d.log "'./cmd' killed by signal $(kill -l "$sig"); not restarting"
	done
}

@test "always: exit 0 and SIGTERM are restarted too" {
	plan_cmd 'exit 0' 'kill -TERM $$' 'exit 0'
	dz --restart always --restart-delay 0.1 --restart-limit 2 -p d.pid \
	    -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 3
	log_gave_up d.log "'./cmd' exited with status 0" \
	    "giving up on './cmd' after 2 restarts" \
	    "'./cmd' exited with status 0; restarting in 0.1 s" \
	    "'./cmd' killed by signal 15; restarting in 0.2 s"
}

# --- back-off ----------------------------------------------------------------

@test "--restart-delay 0.2:0.8: the waits are 0.2, 0.4, 0.8, 0.8 s" {
	plan_cmd 'exit 1' 'exit 1' 'exit 1' 'exit 1' 'exit 0'
	dz -r --restart-delay 0.2:0.8 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 5
	log_is d.log "'./cmd' exited with status 1; restarting in 0.2 s" \
	    "'./cmd' exited with status 1; restarting in 0.4 s" \
	    "'./cmd' exited with status 1; restarting in 0.8 s" \
	    "'./cmd' exited with status 1; restarting in 0.8 s" \
	    "'./cmd' exited with status 0; not restarting"
	# From one exec to the next: the wait, plus a run and a fork that
	# take a few ms (up to 500 on a loaded machine).
	mapfile -t gap < <(gaps_ms)
	assert_equal "${#gap[@]}" 4
	in_range "${gap[0]}" 200 700 "the first wait"
	in_range "${gap[1]}" 400 900 "the second wait"
	in_range "${gap[2]}" 800 1300 "the third wait"
	in_range "${gap[3]}" 800 1300 "the fourth wait (capped)"
}

@test "a run that lasts MAX or longer resets the delay to MIN" {
	plan_cmd 'exit 1' 'exit 1' 'sleep 1; exit 1' 'exit 1' 'exit 0'
	dz -r --restart-delay 0.2:0.8 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 5
	log_is d.log "'./cmd' exited with status 1; restarting in 0.2 s" \
	    "'./cmd' exited with status 1; restarting in 0.4 s" \
	    "'./cmd' exited with status 1; restarting in 0.2 s" \
	    "'./cmd' exited with status 1; restarting in 0.4 s" \
	    "'./cmd' exited with status 0; not restarting"
	mapfile -t gap < <(gaps_ms)
	in_range "${gap[2]}" 1200 2200 "the long run and the wait after it"
}

@test "--restart-delay 0: restarts at once, and MAX stays 60 s" {
	plan_cmd 'exit 1' 'exit 1' 'exit 1' 'exit 0'
	dz -r --restart-delay 0 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 4
	log_is d.log "'./cmd' exited with status 1; restarting in 0 s" \
	    "'./cmd' exited with status 1; restarting in 0 s" \
	    "'./cmd' exited with status 1; restarting in 0 s" \
	    "'./cmd' exited with status 0; not restarting"
}

@test "without --restart-delay the first wait is 1 s" {
	plan_cmd 'exit 1' 'exit 0'
	dz -r -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	log_is d.log "'./cmd' exited with status 1; restarting in 1 s" \
	    "'./cmd' exited with status 0; not restarting"
	mapfile -t gap < <(gaps_ms)
	in_range "${gap[0]}" 1000 1500 "the default first wait"
}

# --- --restart-limit ---------------------------------------------------------

@test "--restart-limit 2 gives up after 2 restarts, then supervision ends" {
	plan_cmd 'exit 3'
	dz -r --restart-delay 0.1:0.5 --restart-limit 2 -p d.pid -l d.lock \
	    -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 3
	# A lockfile outlives the lock (unlinking it would let two starts
	# lock two files); only the pidfile goes.
	assert_file_exists d.lock
	log_gave_up d.log "'./cmd' exited with status 3" \
	    "giving up on './cmd' after 2 restarts" \
	    "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 3; restarting in 0.2 s"
}

@test "--restart-limit 0 never restarts a failed run" {
	plan_cmd 'exit 3'
	dz -r --restart-limit 0 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 1
	log_gave_up d.log "'./cmd' exited with status 3" \
	    "giving up on './cmd' after 0 restarts"
	# A clean end is no failure: not restarting, no giving up.
	forget_runs d.log
	plan_cmd 'exit 0'
	dz -r --restart-limit 0 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 1
	log_is d.log "'./cmd' exited with status 0; not restarting"
}

@test "a run of MAX or longer starts the restart count again" {
	plan_cmd 'exit 3' 'exit 3' 'sleep 0.7; exit 3' 'exit 3' 'exit 3'
	dz -r --restart-delay 0.1:0.5 --restart-limit 2 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 5
	log_gave_up d.log "'./cmd' exited with status 3" \
	    "giving up on './cmd' after 2 restarts" \
	    "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 3; restarting in 0.2 s" \
	    "'./cmd' exited with status 3; restarting in 0.1 s" \
	    "'./cmd' exited with status 3; restarting in 0.2 s"
}

# --- the supervisor and its runs ---------------------------------------------

@test "the supervisor's pid is in the pidfile and stays the same across restarts" {
	plan_cmd 'exit 1' 'kill -KILL $$' 'exec sleep 3713'
	dz -r --restart-delay 0.1 -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 3
	poll is_sleeping "$(run_pid 3)"
	for n in 1 2 3; do
		assert_equal "$(run_stat "$n" 4)" "$pid"	# d.pid as run N saw it
		assert_not_equal "$(run_pid "$n")" "$pid"
	done
	alive "$pid"
	holds d.pid "$pid"$'\n'
	assert_equal "$(flock_pids d.pid)" "$pid"
	# The supervisor is daemonize itself, not a copy of the command.
	assert_equal "$(readlink "/proc/$pid/exe")" "$DAEMONIZE"
}

@test "each run is a child of the supervisor, in its session" {
	plan_cmd 'exit 1' 'exit 1' 'exec sleep 3714'
	dz -r --restart-delay 0.1 -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 3
	c3=$(run_pid 3)
	poll is_sleeping "$c3"
	sid=$(sid_of "$pid")
	# Double fork by default: the supervisor does not lead its session,
	# and the session is not ours.
	assert_not_equal "$sid" "$pid"
	assert_not_equal "$sid" "$(sid_of "$BASHPID")"
	for n in 1 2 3; do
		assert_equal "$(run_stat "$n" 2)" "$pid"
		assert_equal "$(run_stat "$n" 3)" "$sid"
	done
	assert_equal "$(ppid_of "$c3")" "$pid"
	assert_equal "$(sid_of "$c3")" "$sid"
	assert_equal "$(stat_field "$c3" 7)" 0	# no controlling terminal
}

@test "no run inherits the lock descriptors, which the supervisor holds" {
	plan_cmd "$WAIT_GO; exit 1" 'exec sleep 3715'
	dz -r --restart-delay 0.1 -p d.pid -l d.lock -o d.log ./cmd
	pid=$(supervisor)
	wait_runs 1
	c1=$(run_pid 1)
	# The control: the supervisor has them open.
	assert [ -n "$(fds_on "$pid" d.pid)" ]
	assert [ -n "$(fds_on "$pid" d.lock)" ]
	assert_equal "$(fds_on "$c1" d.pid)" ""
	assert_equal "$(fds_on "$c1" d.lock)" ""
	touch go
	wait_runs 2
	c2=$(run_pid 2)
	poll is_sleeping "$c2"
	assert_equal "$(fd_list "$c2")" "0 1 2"
	assert_equal "$(fd_target "$c2" 1)" "$PWD/d.log"
	assert_equal "$(flock_pids d.pid)" "$pid"
	locked d.pid
	locked d.lock
	alive "$pid"
}

@test "each run gets the set-up: directory, umask, environment, signals" {
	mkdir sub
	# sleep itself, not a shell, which would clear its signal mask; its
	# first run is killed to have a second.
	(trap '' HUP USR1; exec env -i PATH=/usr/bin:/bin A=1 'B=x y' \
	    "$DAEMONIZE" -r --restart-delay 0.1 -c sub -m 027 -E FOO=bar \
	    -p d.pid sleep 3718)
	pid=$(pid_in d.pid)
	c1=$(child_of "$pid")
	kill -KILL "$c1"
	poll next_child_of "$pid" "$c1" >/dev/null
	c2=$(next_child_of "$pid" "$c1")
	track "$c2"
	poll is_sleeping "$c2"
	assert_equal "$(readlink "/proc/$c2/cwd")" "$(cd sub && pwd -P)"
	assert_equal "$(status_field "$c2" Umask)" 0027
	assert_equal "$(environ_of "$c2")" \
	    "$(printf '%s\n' A=1 'B=x y' FOO=bar PATH=/usr/bin:/bin | sort)"
	assert_equal "$(status_field "$c2" SigIgn)" 0000000000000000
	assert_equal "$(status_field "$c2" SigBlk)" 0000000000000000
	assert_null_stdio "$c2"
}

@test "each run gets the user of -u" {
	need_root
	mkdir w
	chmod 0777 w
	reachable_by_nobody w
	body='echo $$ >>"$W/runs"; [ "$(wc -l <"$W/runs")" -ge 2 ] || exit 1
	    exec sleep 3716'
	W=$PWD/w dz -r --restart-delay 0.1 -u nobody -p d.pid sh -c "$body"
	pid=$(pid_in d.pid)
	poll has_lines w/runs 2
	c2=$(sed -n 2p w/runs)
	track "$c2"
	poll is_sleeping "$c2"
	assert_equal "$(status_field "$c2" Uid)" "65534 65534 65534 65534"
	assert_equal "$(status_field "$c2" Gid)" "65534 65534 65534 65534"
	assert_equal "$(status_field "$c2" Groups)" "$(id -G nobody)"
	environ_of "$c2" | grep -qx USER=nobody
	# The supervisor keeps its own user.
	assert_equal "$(status_field "$pid" Uid)" "0 0 0 0"
}

@test "a later run that cannot be started counts as a failed run" {
	plan_cmd 'rm -f "$D/cmd"; exit 1'
	dz -r --restart-delay 0.1:0.5 --restart-limit 3 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	assert_equal "$(nruns)" 1
	log_gave_up d.log "cannot execute './cmd': No such file or directory" \
	    "giving up on './cmd' after 3 restarts" \
	    "'./cmd' exited with status 1; restarting in 0.1 s" \
	    "cannot execute './cmd': No such file or directory; restarting in 0.2 s" \
	    "cannot execute './cmd': No such file or directory; restarting in 0.4 s"
}

@test "a later run that cannot be started is retried until it can" {
	plan_cmd 'chmod -x "$D/cmd"; exit 1' 'exec sleep 3717'
	dz -r --restart-delay 0.2 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	poll has_line d.log "daemonize: cannot execute './cmd': Permission denied; restarting in 0.4 s"
	chmod +x cmd
	wait_runs 2
	poll is_sleeping "$(run_pid 2)"
	assert_equal "$(ppid_of "$(run_pid 2)")" "$pid"
	log_is d.log "'./cmd' exited with status 1; restarting in 0.2 s" \
	    "cannot execute './cmd': Permission denied; restarting in 0.4 s"
}
