# Shared by the supervised-mode files (restart, forward, supervise-control,
# supervise-start): load it after helper.bash.
#
# The supervisor's pid is the one in the pidfile (d.pid in these tests).
# Most commands are ./cmd, written by plan_cmd: every run records itself
# (runs.pid, runs.t, runs.stat, below) before it does anything else, so a
# test knows each run's pid after the run is gone, and teardown kills every
# run by its pid in runs.pid.

PY=/usr/bin/python3	# python3 in PATH may be a pyenv shim

# sh code for a run that waits (at most 30 s) until the test creates ./go.
WAIT_GO='i=0; while [ ! -e "$D/go" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done'

# plan_cmd ACTION...: write ./cmd, a sh script whose Nth run does ACTION N
# (sh code; $D is the test's directory), or the last ACTION once the runs
# outnumber them. First, each run appends
#   its exec time (date +%s.%N) to runs.t,
#   "PID PPID SID PIDFILE" to runs.stat: its parent and session from
#   /proc/PID/stat, and what d.pid held ("-" when nothing),
#   and last its pid to runs.pid, so a run counted there is all recorded.
plan_cmd() {
	local i=0 act
	{
		echo '#!/bin/sh'
		printf "D='%s'\n" "$BATS_TEST_TMPDIR"
		cat <<'EOF'
date +%s.%N >>"$D/runs.t"
read -r _ _ _ ppid _ sid _ <"/proc/$$/stat"
p=$(cat "$D/d.pid" 2>/dev/null) || p=-
echo "$$ $ppid $sid ${p:--}" >>"$D/runs.stat"
echo $$ >>"$D/runs.pid"
n=$(wc -l <"$D/runs.pid")
case $n in
EOF
		for act; do
			i=$((i + 1))
			printf '%d) %s ;;\n' "$i" "$act"
		done
		printf '*) %s ;;\n' "$act"
		echo 'esac'
	} >"$BATS_TEST_TMPDIR/cmd"
	chmod 755 "$BATS_TEST_TMPDIR/cmd"
}

# FILE has N lines or more.
has_lines() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

# forget_runs [FILE...]: before a further start in the same test, remove
# the records of the last one's runs (all ended) and FILE...
forget_runs() {
	rm -f runs.pid runs.t runs.stat "$@"
}

# How many runs have recorded themselves.
nruns() {
	if [ -f runs.pid ]; then
		wc -l <runs.pid
	else
		echo 0
	fi
}

has_runs() {
	has_lines runs.pid "$1"
}

wait_runs() {
	poll has_runs "$1"
}

# The pid of run N.
run_pid() {
	sed -n "${1}p" runs.pid
}

# Field F (1 pid, 2 ppid, 3 sid, 4 the pidfile's pid) of run N's runs.stat.
run_stat() {
	awk -v n="$1" -v f="$2" 'NR == n { print $f }' runs.stat
}

# The supervisor's pid, as the first run read it in d.pid: the pidfile is
# gone already when supervision ends with that run.
supervisor() {
	local p
	wait_runs 1 || return
	p=$(run_stat 1 4)
	[[ $p =~ ^[0-9]+$ ]] && echo "$p" && return 0
	echo "supervisor: the first run found '$p' in d.pid" >&2
	return 1
}

# A child of PID other than OLD, once it has one: the run after OLD.
next_child_of() {
	local s
	for s in /proc/[0-9]*/stat; do
		s=${s#/proc/}
		s=${s%/stat}
		[ "$s" != "$2" ] && [ "$(stat_field "$s" 4 2>/dev/null)" = "$1" ] &&
		    alive "$s" && echo "$s" && return 0
	done
	return 1
}

# Supervision is over: the supervisor PID is gone and PIDFILE removed.
ended() {
	dead "$1" && [ ! -e "$2" ]
}

wait_ended() {
	poll ended "$1" "${2:-d.pid}"
}

# The message lines MSG..., each with "daemonize: " first.
msgs() {
	local m
	for m; do
		printf 'daemonize: %s\n' "$m"
	done
}

# log_is FILE MSG...: FILE holds exactly those message lines (nothing if
# none given).
log_is() {
	local file=$1 want
	shift
	want=$(msgs "$@"; echo .)
	holds "$file" "${want%.}"
}

# text_is TEXT MSG...: TEXT (as bats' run keeps it: no trailing newline) is
# exactly those message lines.
text_is() {
	local text=$1 want
	shift
	want=$(msgs "$@")
	[ "$text" = "$want" ] && return 0
	printf 'text_is: got\n%s\nnot\n%s\n' "$text" "$want" >&2
	return 1
}

# The line that ends supervision at --restart-limit may or may not follow
# a line of how the last run ended (DESIGN.md shows only the former); both
# forms are taken, nothing else.
# log_gave_up FILE END LAST MSG...: FILE holds MSG..., then LAST, with END
# (the last run's end, without "; restarting") or not between them.
log_gave_up() {
	local file=$1 end=$2 last=$3
	shift 3
	log_is "$file" "$@" "$last" 2>/dev/null && return 0
	log_is "$file" "$@" "$end" "$last"
}

# text_gave_up TEXT END LAST MSG...: the same for a text.
text_gave_up() {
	local text=$1 end=$2 last=$3
	shift 3
	text_is "$text" "$@" "$last" 2>/dev/null && return 0
	text_is "$text" "$@" "$end" "$last"
}

# The gaps between consecutive lines of runs.t, in milliseconds, one a line.
gaps_ms() {
	awk 'NR > 1 { printf "%d\n", ($1 - prev) * 1000 } { prev = $1 }' runs.t
}

# in_range MS LO HI WHAT: LO <= MS < HI, or say what was out of range.
in_range() {
	((${1} >= ${2} && ${1} < ${3})) && return 0
	echo "$4 took $1 ms, not $2 to $3 ms" >&2
	return 1
}

# The environment of PID, sorted, one variable a line.
environ_of() {
	tr '\0' '\n' <"/proc/$1/environ" | sort
}

# The session id and process group of PID.
sid_of() {
	stat_field "$1" 6
}

pgid_of() {
	stat_field "$1" 5
}

ppid_of() {
	stat_field "$1" 4
}
