#!/usr/bin/env bats
# --nice, --rlimit and --oom-score-adj: read back from /proc/PID/stat,
# /proc/PID/limits and /proc/PID/oom_score_adj of the daemon; a value the
# kernel refuses is 125 with nothing left; a bad one is a usage error.

load helper

# The soft and hard columns of a /proc/PID/limits line, e.g. "Max open
# files": "100 200".
limits_of() {
	awk -v name="$2" 'index($0, name) == 1 {
		rest = substr($0, length(name) + 1)
		split(rest, f, " ")
		print f[1], f[2]
		exit
	}' "/proc/$1/limits"
}

# The daemon's niceness: field 19 of /proc/PID/stat.
nice_of() {
	stat_field "$1" 19
}

# Start sleep SECS with the options given; print the daemon's pid.
start_sleep() {
	local secs=$1 pid
	shift
	dz -p r.pid "$@" sleep "$secs" || return
	pid=$(pid_in r.pid) || return
	echo "$pid"
}

# Capability numbers of capabilities(7), and whether we have one.
CAP_SYS_NICE=23
CAP_SYS_RESOURCE=24

has_cap() {
	local eff
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	(((16#$eff >> $1) & 1))
}

# "ID ID ID ID", as the Uid line of /proc/PID/status has it.
four() {
	echo "$1 $1 $1 $1"
}

# Run daemonize as nobody from a directory nobody may write.
nobody_dz() {
	as_nobody ./daemonize "$@"
}

nobody_dir() {
	need_root
	mkdir -m 777 open
	reachable_by_nobody open
	install -m 755 "$DAEMONIZE" open/daemonize
	cd open
}

@test "--nice adds to the niceness the caller has, as nice(1)" {
	base=$(nice_of $$)
	[ "$base" -le 14 ] || skip "the suite runs at niceness $base"
	pid=$(start_sleep 3501 --nice 5)
	assert_equal "$(nice_of "$pid")" $((base + 5))
}

@test "--nice is kept within -20 to 19, as nice(1) does" {
	pid=$(nice -n 10 "$DAEMONIZE" -p r.pid --nice 19 sleep 3502 &&
	    pid_in r.pid)
	assert_equal "$(nice_of "$pid")" 19
}

@test "--rlimit sets soft and hard; HARD defaults to SOFT; unlimited" {
	pid=$(start_sleep 3503 --rlimit nofile=100:200 --rlimit core=unlimited \
	    --rlimit nproc=5000 --rlimit stack=1048576:unlimited)
	assert_equal "$(limits_of "$pid" 'Max open files')" "100 200"
	assert_equal "$(limits_of "$pid" 'Max core file size')" "unlimited unlimited"
	assert_equal "$(limits_of "$pid" 'Max processes')" "5000 5000"
	assert_equal "$(limits_of "$pid" 'Max stack size')" "1048576 unlimited"
}

@test "--rlimit given twice for one resource: the last one holds" {
	pid=$(start_sleep 3504 --rlimit nofile=128:256 --rlimit nofile=64)
	assert_equal "$(limits_of "$pid" 'Max open files')" "64 64"
}

@test "--oom-score-adj is written to the daemon's oom_score_adj" {
	pid=$(start_sleep 3505 --oom-score-adj 500)
	assert_equal "$(<"/proc/$pid/oom_score_adj")" 500
}

@test "with -u, a lower niceness is set before the switch" {
	need_root
	has_cap "$CAP_SYS_NICE" || skip "root here lacks CAP_SYS_NICE"
	base=$(nice_of $$)
	[ "$base" -ge -15 ] || skip "the suite runs at niceness $base"
	pid=$(start_sleep 3506 -u nobody --nice -5)
	assert_equal "$(status_field "$pid" Uid)" "$(four "$(id -u nobody)")"
	assert_equal "$(nice_of "$pid")" $((base - 5))
}

@test "with -u, a raised hard limit and a lower oom_score_adj are set before the switch" {
	need_root
	has_cap "$CAP_SYS_RESOURCE" || skip "root here lacks CAP_SYS_RESOURCE"
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no hard limit on descriptors here"
	pid=$(start_sleep 3509 -u nobody --oom-score-adj -500 \
	    --rlimit nofile=$((hard + 1000)))
	assert_equal "$(status_field "$pid" Uid)" "$(four "$(id -u nobody)")"
	assert_equal "$(<"/proc/$pid/oom_score_adj")" -500
	assert_equal "$(limits_of "$pid" 'Max open files')" \
	    "$((hard + 1000)) $((hard + 1000))"
}

@test "a lower niceness without privilege: 125, nothing left" {
	nobody_dir
	t=$(tag)
	run nobody_dz -p x.pid -o x.log --nice -1 sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot change the niceness by -1: Permission denied"
	assert_equal "$(ls)" daemonize
	poll no_process "$t"
}

@test "a raised hard limit without privilege: 125, nothing left" {
	nobody_dir
	t=$(tag)
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no hard limit on descriptors here"
	run nobody_dz -p x.pid -l x.lock --rlimit nofile=$((hard + 1)) \
	    sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot set resource limit 'nofile=$((hard + 1))': Operation not permitted"
	assert_equal "$(ls)" daemonize
	poll no_process "$t"
}

@test "a lower oom_score_adj without privilege: 125, nothing left" {
	nobody_dir
	t=$(tag)
	now=$(</proc/self/oom_score_adj)
	[ "$now" -gt -1000 ] || skip "oom_score_adj is already -1000 here"
	run nobody_dz -p x.pid --oom-score-adj $((now - 1)) \
	    sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot set oom_score_adj to $((now - 1)): Permission denied"
	assert_equal "$(ls)" daemonize
	poll no_process "$t"
}

@test "a lowered soft limit or a higher niceness needs no privilege" {
	nobody_dir
	nobody_dz -p r.pid --nice 3 --rlimit nofile=50:60 --oom-score-adj 900 \
	    sleep 3507
	pid=$(pid_in r.pid)
	assert_equal "$(limits_of "$pid" 'Max open files')" "50 60"
	assert_equal "$(<"/proc/$pid/oom_score_adj")" 900
	assert_equal "$(nice_of "$pid")" $(($(nice_of $$) + 3))
}

@test "bad values are usage errors" {
	while IFS='|' read -r args message; do
		# shellcheck disable=SC2086
		run dz $args true
		usage_fails "$message"
	done <<'EOF_CASES'
--nice 20|invalid --nice '20' (-20 to 19)
--nice -21|invalid --nice '-21' (-20 to 19)
--nice +1|invalid --nice '+1' (-20 to 19)
--nice x|invalid --nice 'x' (-20 to 19)
--oom-score-adj 1001|invalid --oom-score-adj '1001' (-1000 to 1000)
--oom-score-adj -1001|invalid --oom-score-adj '-1001' (-1000 to 1000)
--rlimit nofile|invalid --rlimit 'nofile': want NAME=SOFT[:HARD]
--rlimit files=1|invalid --rlimit 'files=1': unknown resource name
--rlimit nofile=1k|invalid --rlimit 'nofile=1k': a limit is a decimal number or 'unlimited'
--rlimit nofile=:5|invalid --rlimit 'nofile=:5': a limit is a decimal number or 'unlimited'
--rlimit nofile=10:5|invalid --rlimit 'nofile=10:5': the soft limit is above the hard one
EOF_CASES
}

@test "the resource options are start options" {
	for opt in --nice=1 --oom-score-adj=1 --rlimit=core=0; do
		run dz --stop -p x.pid "$opt"
		usage_fails "option '${opt%%=*}' cannot be used with --stop"
		run dz --status -p x.pid "$opt"
		usage_fails "option '${opt%%=*}' cannot be used with --status"
	done
}

@test "with -f they apply in place, to the process that becomes the command" {
	"$DAEMONIZE" -f -p r.pid --rlimit nofile=77 --oom-score-adj 42 \
	    sleep 3508 &
	pid=$!
	track "$pid"
	poll has_pid r.pid
	assert_equal "$(pid_in r.pid)" "$pid"
	poll is_sleeping "$pid"
	assert_equal "$(limits_of "$pid" 'Max open files')" "77 77"
	assert_equal "$(<"/proc/$pid/oom_score_adj")" 42
}
