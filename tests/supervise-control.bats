#!/usr/bin/env bats
# --stop and --status on a supervised daemon: --stop ends the command and
# the supervisor (SIGKILL to both after --timeout) and removes the pidfile;
# --status names the supervisor and the command it runs, or says it is
# between runs.

load helper
load supervise

now_ms() {
	local us=${EPOCHREALTIME/./}
	echo $((us / 1000))
}

@test "--stop ends the command and the supervisor, removes the pidfile, exit 0" {
	plan_cmd 'exec sleep 3730'
	dz -r --restart-delay 0.1 -p d.pid -l d.lock -e d.log ./cmd
	pid=$(supervisor)
	wait_runs 1
	cmd=$(run_pid 1)
	poll is_sleeping "$cmd"
	run --separate-stderr dz --stop -p d.pid
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	dead "$pid" || fail "the supervisor $pid still runs after --stop returned"
	dead "$cmd" || fail "the command $cmd still runs after --stop returned"
	assert_file_not_exists d.pid
	assert_file_exists d.lock
	assert_equal "$(nruns)" 1
	log_is d.log "'./cmd' killed by signal 15; not restarting"
	# Nothing to stop now.
	run --separate-stderr dz --stop -p d.pid
	assert_success
	assert_equal "$stderr" ""
}

@test "--stop: the command's own children get SIGTERM too, as a plain daemon's group does" {
	# The supervisor forwards SIGTERM to the command once; what is left of
	# the group then (here the shell's sleep) gets it as well, not a
	# SIGKILL after the whole timeout.
	plan_cmd 'sleep 3731 & echo $! >"$D/child.pid"; wait; exit 1'
	dz -r --restart-delay 0.1 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_runs 1
	child=$(pid_in child.pid) || fail "no child pid"
	poll is_sleeping "$child"
	before=$(now_ms)
	run --separate-stderr dz --stop -t 5 -p d.pid
	assert_success
	assert_equal "$stderr" ""
	(($(now_ms) - before < 4000)) || fail "--stop took the whole timeout"
	dead "$pid" || fail "the supervisor $pid still runs"
	dead "$child" || fail "the command's child $child still runs"
	assert_file_not_exists d.pid
}

@test "--stop under --restart always: no run follows" {
	# --stop signals the supervisor's process group too: the command may
	# die before the supervisor has read its SIGTERM; it is still a stop.
	for _ in 1 2 3; do
		forget_runs
		plan_cmd 'exec sleep 3734'
		dz --restart always --restart-delay 0 -p d.pid ./cmd
		pid=$(supervisor)
		wait_runs 1
		assert_equal "$(run_stat 1 2)" "$pid"	# the supervisor's child
		poll is_sleeping "$(run_pid 1)"
		run --separate-stderr dz --stop -p d.pid
		assert_success
		assert_equal "$stderr" ""
		dead "$pid"
		assert_file_not_exists d.pid
		assert_equal "$(nruns)" 1
		assert_equal "$(nprocs sleep 3734)" 0
	done
}

@test "--stop with --signal INT ends supervision too" {
	plan_cmd 'exec sleep 3731'
	dz -r --restart-delay 0.1 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	wait_runs 1
	cmd=$(run_pid 1)
	poll is_sleeping "$cmd"
	run --separate-stderr dz --stop --signal INT -p d.pid
	assert_success
	assert_equal "$stderr" ""
	dead "$pid"
	dead "$cmd"
	assert_file_not_exists d.pid
	assert_equal "$(nruns)" 1
	log_is d.log "'./cmd' killed by signal 2; not restarting"
}

@test "--stop kills both after --timeout when the command ignores SIGTERM" {
	plan_cmd "trap '' TERM; exec sleep 3732"
	dz -r --restart-delay 0.1 -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 1
	cmd=$(run_pid 1)
	poll is_sleeping "$cmd"
	t0=$(now_ms)
	run --separate-stderr dz --stop -t 1 -p d.pid
	t1=$(now_ms)
	assert_success
	assert_output ""
	assert_equal "$stderr" "daemonize: pid $pid did not exit within 1 s of SIGTERM; killed it"
	dead "$pid" || fail "the supervisor $pid still runs after --stop returned"
	wait_dead "$cmd"
	assert_file_not_exists d.pid
	assert_equal "$(nruns)" 1
	((t1 - t0 >= 1000)) || fail "SIGKILL came after $((t1 - t0)) ms, before -t 1"
	((t1 - t0 < 6000)) || fail "--stop -t 1 took $((t1 - t0)) ms"
}

@test "--stop between runs ends the supervisor at once, exit 0" {
	plan_cmd 'exit 1'
	dz -r --restart-delay 30 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	poll has_line d.log "daemonize: './cmd' exited with status 1; restarting in 30 s"
	t0=$(now_ms)
	run --separate-stderr dz --stop -p d.pid
	t1=$(now_ms)
	assert_success
	assert_equal "$stderr" ""
	dead "$pid"
	assert_file_not_exists d.pid
	assert_equal "$(nruns)" 1
	((t1 - t0 < 5000)) || fail "--stop took $((t1 - t0)) ms"
	log_is d.log "'./cmd' exited with status 1; restarting in 30 s"
}

@test "--status: running as the supervisor, supervising the command" {
	plan_cmd 'exec sleep 3733'
	dz -r --restart-delay 0.1 -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 1
	cmd=$(run_pid 1)
	poll is_sleeping "$cmd"
	run --separate-stderr dz --status -p d.pid
	assert_success
	assert_output "running as pid $pid (supervising pid $cmd)"
	assert_equal "$stderr" ""
	# After a restart: the new run.
	kill -KILL "$cmd"
	wait_runs 2
	cmd2=$(run_pid 2)
	poll is_sleeping "$cmd2"
	run --separate-stderr dz --status -p d.pid
	assert_success
	assert_output "running as pid $pid (supervising pid $cmd2)"
	assert_equal "$stderr" ""
}

@test "--status between runs: running, restarting the command" {
	plan_cmd 'exit 1'
	dz -r --restart-delay 30 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	poll has_line d.log "daemonize: './cmd' exited with status 1; restarting in 30 s"
	run --separate-stderr dz --status -p d.pid
	assert_success
	assert_output "running as pid $pid (restarting the command)"
	assert_equal "$stderr" ""
}

@test "--status once supervision has ended: not running" {
	plan_cmd 'exit 0'
	dz -r -p d.pid ./cmd
	pid=$(supervisor)
	wait_ended "$pid"
	run --separate-stderr dz --status -p d.pid
	assert_failure 3
	assert_output "not running"
	assert_equal "$stderr" ""
}
