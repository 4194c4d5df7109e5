#!/usr/bin/env bats
# Supervised mode: HUP, USR1, USR2, WINCH, ALRM, INT, QUIT and TERM sent to
# the supervisor reach the running command's pid, once each; INT, QUIT and
# TERM also end supervision. If the supervisor dies, even by SIGKILL, the
# command dies too.

load helper
load supervise

# ./rec: a command that records each signal it gets, by name, one a line in
# sigs. INT, QUIT and TERM then end it with status 7 (a failure, which -r
# would restart) once ./go exists (it waits at most 30 s). With the word
# "kid", it first forks a child, in its process group, that records the
# signals it gets in sigs.kid. It appends its pid to runs.pid once its
# handlers are set.
make_rec() {
	{
		echo "#!$PY"
		printf "D = '%s'\n" "$BATS_TEST_TMPDIR"
		cat <<'EOF'
import os, signal, sys, time

def path(name):
    return os.path.join(D, name)

def append(name, line):
    with open(path(name), "a") as f:
        f.write(line + "\n")

def record(num, frame):
    name = signal.Signals(num).name[3:]
    if os.getpid() != main:
        append("sigs.kid", name)
        return
    append("sigs", name)
    if name in ("INT", "QUIT", "TERM"):
        for _ in range(600):
            if os.path.exists(path("go")):
                break
            time.sleep(0.05)
        os._exit(7)

main = os.getpid()
for n in ("HUP", "USR1", "USR2", "WINCH", "ALRM", "INT", "QUIT", "TERM"):
    signal.signal(getattr(signal, "SIG" + n), record)
if "kid" in sys.argv[1:] and os.fork() == 0:
    append("kid.pid", str(os.getpid()))
    while True:
        signal.pause()
append("runs.pid", str(main))
while True:
    signal.pause()
EOF
	} >rec
	chmod 755 rec
}

# start_rec OPTION... : the recorder, supervised, with messages in d.log;
# sets pid (the supervisor's) and cmd (the command's).
start_rec() {
	make_rec
	dz -p d.pid -e d.log "$@" ./rec kid || return
	pid=$(pid_in d.pid)
	wait_runs 1
	cmd=$(run_pid 1)
	# The pidfile names the supervisor, whose child the command is.
	assert_equal "$(ppid_of "$cmd")" "$pid"
}

# ends_supervision SIG OPTION...: SIG sent to the supervisor reaches the
# command once; no restart follows; the supervisor waits for the command,
# then removes the pidfile and exits.
ends_supervision() {
	local sig=$1
	shift
	start_rec "$@"
	kill -"$sig" "$pid"
	poll has_line sigs "$sig"
	# The command has not ended yet (it waits for ./go): neither has
	# supervision.
	alive "$pid" || fail "the supervisor ended before the command"
	holds d.pid "$pid"$'\n'
	touch go
	wait_ended "$pid"
	dead "$cmd"
	holds sigs "$sig"$'\n'
	assert_equal "$(nruns)" 1
	log_is d.log "'./rec' exited with status 7; not restarting"
}

@test "HUP, USR1, USR2, WINCH and ALRM reach the command once each, and end nothing" {
	start_rec -r --restart-delay 0.1
	want=
	for sig in HUP USR1 USR2 WINCH ALRM HUP; do
		kill -"$sig" "$pid"
		want+=$sig$'\n'
		poll has_lines sigs "$(printf %s "$want" | wc -l)"
		holds sigs "$want"
	done
	alive "$pid"
	alive "$cmd"
	assert_equal "$(nruns)" 1
	holds d.pid "$pid"$'\n'
	# To the command's pid only, not to its process group.
	kid=$(pid_in kid.pid)
	assert_equal "$(pgid_of "$kid")" "$(pgid_of "$cmd")"
	assert_file_not_exists sigs.kid
	log_is d.log
}

@test "INT reaches the command once and ends supervision" {
	ends_supervision INT -r --restart-delay 0.1
}

@test "QUIT reaches the command once and ends supervision" {
	ends_supervision QUIT -r --restart-delay 0.1
}

@test "TERM reaches the command once and ends supervision" {
	ends_supervision TERM -r --restart-delay 0.1
}

@test "TERM ends supervision under --restart always too" {
	ends_supervision TERM --restart always --restart-delay 0.1
}

@test "a stop signal between runs ends supervision at once" {
	for sig in TERM INT QUIT; do
		forget_runs d.log
		plan_cmd 'exit 1'
		dz -r --restart-delay 30 -p d.pid -e d.log ./cmd
		pid=$(supervisor)
		poll has_line d.log "daemonize: './cmd' exited with status 1; restarting in 30 s"
		kill -"$sig" "$pid"
		wait_ended "$pid"	# 5 s, far less than the 30 s back-off
		assert_equal "$(nruns)" 1
		log_is d.log "'./cmd' exited with status 1; restarting in 30 s"
	done
}

@test "a reload signal between runs neither restarts early nor ends anything" {
	plan_cmd 'exit 1' 'exec sleep 3720'
	dz -r --restart-delay 2 -p d.pid -e d.log ./cmd
	pid=$(supervisor)
	poll has_line d.log "daemonize: './cmd' exited with status 1; restarting in 2 s"
	kill -HUP "$pid"
	kill -USR1 "$pid"
	wait_runs 2
	mapfile -t gap < <(gaps_ms)
	in_range "${gap[0]}" 2000 2500 "the wait with signals in it"
	alive "$pid"
	holds d.pid "$pid"$'\n'
}

@test "SIGKILL to the supervisor kills the command too" {
	plan_cmd 'exec sleep 3721'
	dz -r -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 1
	cmd=$(run_pid 1)
	poll is_sleeping "$cmd"
	kill -KILL "$pid"
	wait_dead "$pid"
	wait_dead "$cmd"
	# Also when the supervisor leads its session (-1), and for a later run.
	forget_runs
	plan_cmd 'exit 1' 'exec sleep 3722'
	dz -1 -r --restart-delay 0.1 -p d.pid ./cmd
	pid=$(supervisor)
	wait_runs 2
	cmd=$(run_pid 2)
	poll is_sleeping "$cmd"
	kill -KILL "$pid"
	wait_dead "$pid"
	wait_dead "$cmd"
}

@test "SIGKILL to the supervisor kills a command run as another user too" {
	need_root
	# A change of user clears the parent-death signal: it must survive.
	dz -r -u nobody -p d.pid sleep 3723
	pid=$(pid_in d.pid)
	poll child_of "$pid" >/dev/null
	cmd=$(child_of "$pid")
	track "$cmd"
	poll is_sleeping "$cmd"
	assert_equal "$(status_field "$cmd" Uid)" "65534 65534 65534 65534"
	kill -KILL "$pid"
	wait_dead "$pid"
	wait_dead "$cmd"
}
