#!/usr/bin/env bats
# The output relay through daemonize itself (--timestamps, --log-size,
# --log-keep): the supervisor copies each run's stdout and stderr into the
# -o and -e files. Real pipes, files, logrotate and a full tmpfs; every
# file checked byte for byte. (tests/relay.bats drives the relay alone.)

load helper
load relay
load supervise

eval "helper_$(declare -f teardown)"

teardown() {
	helper_teardown
	# A tmpfs a test mounted goes before its directory is removed.
	if mountpoint -q "$BATS_TEST_TMPDIR/disk" 2>/dev/null; then
		umount -l "$BATS_TEST_TMPDIR/disk"
	fi
}

# A stamp, as --timestamps writes it: RFC 3339, milliseconds, offset, space.
STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} '
# Its length: what `cut -c 31-` leaves is the line as the command wrote it.
unstamp() {
	cut -c 31- "$@"
}

# N numbered lines "TAG 1 a" ... "TAG N ..." of varied length.
lines() {
	awk -v tag="$1" -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "%s %d %s\n", tag, i, substr("abcdefghijklmnopqrstuvwxyz", 1, i % 27)
	}'
}

# The line that ends a supervision without restarts.
ended_line() {
	echo "daemonize: '$1' exited with status ${2:-0}; not restarting"
}

# In the test's directory, where the commands find their files (-c; a
# later -c wins).
here() {
	dz -c "$BATS_TEST_TMPDIR" "$@"
}

# Start a detached supervised daemon with pidfile d.pid; the supervisor's
# pid in $sup, or "gone" when it has removed d.pid already (a quick
# command): it does that last of all, after writing everything.
start() {
	here -p d.pid "$@" || return
	sup=$(pid_in d.pid) || sup=gone
}

# The supervisor of start has ended: d.pid removed, and the process gone.
done_() {
	[ ! -e d.pid ] && { [ "$sup" = gone ] || dead "$sup"; }
}

wait_done() {
	poll done_
}

# Files FILE.N ... FILE.1 FILE that exist, oldest first.
rotated_in_order() {
	local f=$1 n
	for ((n = 200; n > 0; n--)); do
		[ -e "$f.$n" ] && echo "$f.$n"
	done
	echo "$f"
}

# Every file FILE* is at most SIZE bytes and ends with a newline.
within() {
	local size=$1 f
	shift
	for f in "$@"; do
		(($(stat -c %s "$f") <= size)) ||
		    { echo "$f: $(stat -c %s "$f") bytes, over $size" >&2; return 1; }
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
		    { echo "$f does not end with a newline" >&2; return 1; }
	done
}

# --- Usage ------------------------------------------------------------------

@test "usage: --timestamps and --log-size need -o or -e; --log-keep needs --log-size" {
	run dz --timestamps true
	usage_fails "option '--timestamps' needs --stdout or --stderr"
	run dz --log-size 1M true
	usage_fails "option '--log-size' needs --stdout or --stderr"
	run dz -o x.log --log-keep 3 true
	usage_fails "option '--log-keep' needs --log-size"
	run dz -o x.log --log-size 4095 true
	usage_fails "invalid --log-size '4095' (bytes, with k, M or G, at least 4096)"
	run dz -o x.log --log-size 1T true
	usage_fails "invalid --log-size '1T' (bytes, with k, M or G, at least 4096)"
	run dz -o x.log --log-size 1M --log-keep 1001 true
	usage_fails "invalid --log-keep '1001': too large (0 to 1000)"
	run dz --stop -p x.pid --timestamps
	usage_fails "option '--timestamps' cannot be used with --stop"
	run dz --status -p x.pid --log-size 1M
	usage_fails "option '--log-size' cannot be used with --status"
	assert_file_not_exists x.log
}

# --- Timestamps -------------------------------------------------------------

@test "--timestamps: each line after the local time, RFC 3339 with milliseconds, then a space" {
	local now stamp t
	now=$(date +%s)
	run here -f --timestamps -o f.log -e f.log sh -c 'echo one; echo two >&2'
	assert_success
	assert_output ""
	assert_equal "$(wc -l <f.log)" 3
	assert_equal "$(grep -Evc "^$STAMP" f.log)" 0
	assert_equal "$(unstamp f.log | LC_ALL=C sort | tr '\n' '|')" \
	    "$(ended_line sh)|one|two|"
	# The supervisor's line comes last.
	grep -Eqx "${STAMP}$(ended_line sh)" <(tail -n 1 f.log)
	# The time is now.
	while read -r stamp _; do
		t=$(date -d "$stamp" +%s)
		((t >= now && t <= now + 5))
	done <f.log
}

# A stamp in India: +05:30, no daylight saving time.
IST='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+05:30 '
UTC='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+00:00 '

@test "--timestamps: the time zone is daemonize's own TZ, not the command's" {
	local now t
	[ -e /usr/share/zoneinfo/Asia/Kolkata ] || skip "no tzdata"
	now=$(date +%s)
	TZ=Asia/Kolkata here -f --timestamps -E TZ=UTC -o f.log sh -c 'echo "TZ=$TZ"'
	grep -Eqx "${IST}TZ=UTC" f.log
	grep -Eqx "${IST}$(ended_line sh)" f.log
	# The wall time is the zone's: the stamp names the instant.
	t=$(date -d "$(head -c 29 f.log)" +%s)
	((t >= now && t <= now + 5))
	TZ=UTC here -f --timestamps -E TZ=Asia/Kolkata -o g.log sh -c 'echo "TZ=$TZ"'
	grep -Eqx "${UTC}TZ=Asia/Kolkata" g.log
	# A detached supervisor too.
	TZ=Asia/Kolkata start --timestamps -E TZ=UTC -o h.log sh -c 'echo "TZ=$TZ"'
	wait_done
	grep -Eqx "${IST}TZ=UTC" h.log
	grep -Eqx "${IST}$(ended_line sh)" h.log
}

# --- Where the streams go ---------------------------------------------------

# The run of supervisor $sup, once it has one.
the_run() {
	local r
	poll child_of "$sup" >/dev/null || return
	r=$(child_of "$sup")
	poll is_sleeping "$r" || return
	echo "$r"
}

# PID has descriptor N on a pipe whose other end the supervisor holds.
relayed() {
	local target fd
	target=$(fd_target "$1" "$2")
	[[ $target == pipe:* ]] ||
	    { echo "fd $2 of $1 is $target, not a pipe" >&2; return 1; }
	for fd in /proc/"$sup"/fd/*; do
		[ "$(readlink "$fd")" = "$target" ] && return 0
	done
	echo "the supervisor does not hold $target" >&2
	return 1
}

@test "stdout goes to -o, stderr to -e, through the supervisor's pipes" {
	local run
	start --timestamps -o out.log -e err.log sh -c 'echo out; echo err >&2; exec sleep 60'
	run=$(the_run)
	relayed "$run" 1
	relayed "$run" 2
	[ "$(fd_target "$run" 1)" != "$(fd_target "$run" 2)" ]
	poll grep -q err err.log
	poll grep -q out out.log
	kill -TERM "$run"
	wait_done
	grep -Eqx "${STAMP}out" out.log
	assert_equal "$(wc -l <out.log)" 1
	grep -Eqx "${STAMP}err" <(sed -n 1p err.log)
	grep -Eqx "${STAMP}daemonize: 'sh' killed by signal 15; not restarting" \
	    <(sed -n 2p err.log)
	assert_equal "$(wc -l <err.log)" 2
}

@test "a stream without a file goes to /dev/null" {
	local run
	start --timestamps -o out.log sh -c 'echo out; echo err >&2; exec sleep 60'
	run=$(the_run)
	relayed "$run" 1
	assert_equal "$(fd_target "$run" 2)" /dev/null
	assert_equal "$(fd_access "$run" 2)" wronly
	dz --stop -p d.pid
	wait_done
	assert_equal "$(unstamp out.log)" \
	    "out"$'\n'"daemonize: 'sh' killed by signal 15; not restarting"
	start --log-size 1M -e err.log sh -c 'echo out; echo err >&2; exec sleep 60'
	run=$(the_run)
	assert_equal "$(fd_target "$run" 1)" /dev/null
	relayed "$run" 2
	dz --stop -p d.pid
	wait_done
	holds err.log $'err\ndaemonize: \'sh\' killed by signal 15; not restarting\n'
}

@test "-o and -e one file: 100000-line floods from both streams, never mixed, each whole and in order" {
	lines out 100000 >want.out
	lines err 100000 >want.err
	start --timestamps -o both.log -e ./both.log \
	    sh -c 'cat want.out & cat want.err >&2; wait'
	wait_done
	assert_equal "$(grep -Evc "^$STAMP" both.log)" 0
	unstamp both.log >body
	grep '^out ' body | cmp - want.out
	grep '^err ' body | cmp - want.err
	# Nothing else but the supervisor's last line: no line of two pieces.
	assert_equal "$(grep -vc '^\(out\|err\) [0-9]* [a-z]*$' body)" 1
	assert_equal "$(tail -n 1 body)" "$(ended_line sh)"
}

@test "without timestamps (--log-size): both floods into one file, byte for byte" {
	lines out 100000 >want.out
	lines err 100000 >want.err
	run here -f --log-size 1G -o both.log -e both.log \
	    sh -c 'cat want.out & cat want.err >&2; wait'
	assert_success
	grep '^out ' both.log | cmp - want.out
	grep '^err ' both.log | cmp - want.err
	assert_equal "$(grep -vc '^\(out\|err\) [0-9]* [a-z]*$' both.log)" 1
	assert_equal "$(tail -n 1 both.log)" "$(ended_line sh)"
}

# --- Lines ------------------------------------------------------------------

@test "a last line without a newline gets one when the run ends" {
	run here -f --timestamps -o f.log -e e.log printf 'first\nlast'
	assert_success
	grep -Eqx "${STAMP}first" <(sed -n 1p f.log)
	grep -Eqx "${STAMP}last" <(sed -n 2p f.log)
	unstamp f.log | cmp - <(printf 'first\nlast\n')
	assert_equal "$(unstamp e.log)" "$(ended_line printf)"
	run here -f --log-size 4k -o g.log printf 'first\nlast'
	holds g.log $'first\nlast\n'"$(ended_line printf)"$'\n'
}

@test "a run's output is written when it ends, though a child it left holds the pipe" {
	local pid
	run here -f --timestamps -o f.log -e f.log \
	    sh -c 'printf "one\ntwo"; sleep 60 & echo $! >bg.pid'
	assert_success
	pid=$(pid_in bg.pid)
	alive "$pid"
	assert_equal "$(unstamp f.log)" "one"$'\n'"two"$'\n'"$(ended_line sh)"
}

@test "a line of 64 KiB is whole, even with the other stream writing such lines into the file" {
	head -c 65536 /dev/zero | tr '\0' x >x.line
	echo >>x.line
	tr x y <x.line >y.line
	run here -f --timestamps -o f.log -e f.log sh -c '
	    for i in 1 2 3 4 5 6 7 8 9 10; do cat x.line; done &
	    for i in 1 2 3 4 5 6 7 8 9 10; do cat y.line; done >&2; wait'
	assert_success
	assert_equal "$(wc -l <f.log)" 21
	assert_equal "$(grep -Ec "^$STAMP" f.log)" 21
	# Each line one stream's, whole.
	assert_equal "$(unstamp f.log | awk '
	    /^x+$/ && length($0) == 65536 { x++ } /^y+$/ && length($0) == 65536 { y++ }
	    END { print x + 0, y + 0 }')" "10 10"
	grep -m 1 x f.log | unstamp | cmp - x.line
}

# --- Rotation ---------------------------------------------------------------

# The lines of the files back together, oldest first.
joined() {
	cat $(rotated_in_order "$1")
}

@test "--log-size with -f: the files back together are the output; none over the size; no line split" {
	lines out 20000 >want
	run here -f --log-size 16k --log-keep 100 -o r.log cat want
	assert_success
	[ -e r.log.20 ]
	within 16384 r.log*
	{ cat want; ended_line cat; } >want.all
	joined r.log | cmp - want.all
	# Each file starts with a whole line.
	for f in r.log*; do
		head -n 1 "$f" | grep -Eq '^out [0-9]+ [a-z]*$'
	done
}

@test "--log-size with --timestamps: stamps count in the size" {
	lines out 20000 >want
	run here -f --timestamps --log-size 16k --log-keep 200 -o r.log cat want
	assert_success
	[ -e r.log.40 ]
	within 16384 r.log*
	assert_equal "$(joined r.log | grep -Evc "^$STAMP")" 0
	{ cat want; ended_line cat; } >want.all
	joined r.log | unstamp | cmp - want.all
}

@test "--log-keep: the oldest files go; 0 keeps none" {
	lines out 20000 >want
	{ cat want; ended_line cat; } >want.all
	here -f --log-size 16k --log-keep 2 -o r.log cat want
	run ls r.log*
	assert_output $'r.log\nr.log.1\nr.log.2'
	joined r.log >kept
	tail -c "$(stat -c %s kept)" want.all | cmp - kept
	here -f --log-size 16k --log-keep 0 -o z.log cat want
	run ls z.log*
	assert_output z.log
	tail -c "$(stat -c %s z.log)" want.all | cmp - z.log
}

@test "--log-size, detached: both streams whole and in order across the files; mode and owner kept" {
	local f
	need_root
	lines out 20000 >want.out
	lines err 20000 >want.err
	touch r.log
	chmod 0640 r.log
	chown nobody:nogroup r.log
	start --timestamps --log-size 16k --log-keep 200 -o r.log -e r.log \
	    sh -c 'cat want.out & cat want.err >&2; wait'
	wait_done
	[ -e r.log.40 ]
	within 16384 r.log*
	joined r.log >all
	assert_equal "$(grep -Evc "^$STAMP" all)" 0
	unstamp all >body
	grep '^out ' body | cmp - want.out
	grep '^err ' body | cmp - want.err
	assert_equal "$(grep -vc '^\(out\|err\) [0-9]* [a-z]*$' body)" 1
	for f in r.log*; do
		assert_equal "$f $(stat -c '%a %U %G' "$f")" "$f 640 nobody nogroup"
	done
}

@test "-u: the log file the start creates belongs to the user, and so does each one rotation makes" {
	local f
	need_root
	start -u nobody -c / --log-size 8k --log-keep 100 -o r.log seq 1 20000
	wait_done
	[ -e r.log.10 ]
	within 8192 r.log*
	{ seq 1 20000; ended_line seq; } | cmp - <(joined r.log)
	for f in r.log*; do
		assert_equal "$f $(stat -c '%a %U %G' "$f")" "$f 644 nobody nogroup"
	done
}

# --- logrotate --------------------------------------------------------------

# A flood that runs until the file "stop" appears: "line 0", "line 1", ...
FLOOD='i=0; while [ ! -e stop ]; do for j in 0 1 2 3 4 5 6 7 8 9; do
    echo "line $i"; echo "line $((i + 1))"; echo "line $((i + 2))";
    echo "line $((i + 3))"; echo "line $((i + 4))"; echo "line $((i + 5))";
    echo "line $((i + 6))"; echo "line $((i + 7))"; echo "line $((i + 8))";
    echo "line $((i + 9))"; i=$((i + 10)); done; done'

# The lines of FILE... (stamped or not) are "line 0" ... "line N", each
# once, in order, but for the supervisor's own.
consecutive() {
	cat "$@" | sed -E "s/^$STAMP//" | grep -v '^daemonize: ' | awk '
		$0 != "line " NR - 1 { print "line " NR ": " $0; bad = 1; exit }
		END { if (NR < 1000) { print NR " lines"; bad = 1 }; exit bad }'
}

# The time (seconds since the epoch, with milliseconds) of the stamp of
# the last line of FILE.
last_stamp() {
	date -d "$(tail -n 1 "$1" | cut -c 1-29)" +%s.%3N
}

# FILE has a line stamped at T or later.
stamped_since() {
	awk -v a="$(last_stamp "$1")" -v b="$2" 'BEGIN { exit !(a >= b) }'
}

@test "logrotate 'create' against a supervised daemon: lines read a second after the rename go into the new file" {
	local r size done_at
	cat >lr.conf <<-EOF
	$PWD/app.log {
	    create 0640 nobody nogroup
	    rotate 10
	}
	EOF
	start --timestamps -o app.log -e app.log bash -c "$FLOOD"
	for r in 1 2 3; do
		poll test -s app.log
		logrotate -f -s lr.state lr.conf
		# The rename happened before this.
		done_at=$(date +%s.%N)
		poll test -s app.log
		poll stamped_since app.log "$(awk -v t="$done_at" 'BEGIN { printf "%.3f", t + 1.2 }')"
		# Nothing read a second after the rename went into the old file,
		# and nothing more goes there.
		awk -v a="$(last_stamp app.log.1)" -v t="$done_at" \
		    'BEGIN { exit !(a < t + 1.0) }'
		size=$(stat -c %s app.log.1)
		poll stamped_since app.log "$(awk -v t="$done_at" 'BEGIN { printf "%.3f", t + 1.4 }')"
		assert_equal "$(stat -c %s app.log.1)" "$size"
		assert_equal "$(stat -c '%a %U %G' app.log)" "640 nobody nogroup"
	done
	touch stop
	wait_done
	consecutive app.log.3 app.log.2 app.log.1 app.log
	assert_equal "$(tail -n 1 app.log | unstamp)" "$(ended_line bash)"
}

# The logrotate stanza of the manual's LOGGING section, for ./app.log.
manual_stanza() {
	sed -n '/^\/var\/log\/app\/\*\.log {$/,/^}$/p' \
	    "$BATS_TEST_DIRNAME/../man/daemonize.1" |
	    sed "s|^/var/log/app/\\*\\.log|$PWD/app.log|; s/ app app$/ nobody nogroup/"
}

@test "the manual's logrotate stanza (create, delaycompress) against a supervised daemon loses nothing" {
	local r
	manual_stanza >lr.conf
	grep -q delaycompress lr.conf
	grep -q "create 0640 nobody nogroup" lr.conf
	start --timestamps --log-size 1G -o app.log -e app.log bash -c "$FLOOD"
	for r in 1 2 3; do
		poll test -s app.log
		logrotate -f -s lr.state lr.conf
	done
	poll test -s app.log
	touch stop
	wait_done
	[ -e app.log.3.gz ] && [ -e app.log.2.gz ] && [ -e app.log.1 ]
	{ zcat app.log.3.gz app.log.2.gz; cat app.log.1 app.log; } >all
	assert_equal "$(grep -Evc "^$STAMP" all)" 0
	consecutive all
}

@test "logrotate 'copytruncate' against a supervised daemon, between bursts: nothing lost, no hole" {
	local r n
	cat >lr.conf <<-EOF
	$PWD/app.log {
	    copytruncate
	    rotate 10
	}
	EOF
	# 1000 lines, then wait for "go"; again until "stop".
	start --timestamps -o app.log bash -c 'i=0; while [ ! -e stop ]; do
	    for ((j = 0; j < 1000; j++)); do echo "line $((i++))"; done
	    while [ ! -e go ] && [ ! -e stop ]; do sleep 0.01; done; rm -f go
	done'
	for r in 1 2 3 4; do
		n=$((r * 1000 - 1))
		poll grep -qE "^${STAMP}line $n\$" app.log
		logrotate -f -s lr.state lr.conf
		touch go
		poll test ! -e go
	done
	touch stop
	wait_done
	assert_equal "$(cat app.log* | tr -d '\n[:print:]' | wc -c)" 0
	consecutive app.log.4 app.log.3 app.log.2 app.log.1 app.log
}

@test "logrotate 'copytruncate' during a flood: no hole, order kept, gaps only where logrotate truncated" {
	local r f
	cat >lr.conf <<-EOF
	$PWD/app.log {
	    copytruncate
	    rotate 10
	}
	EOF
	start --log-size 1G -o app.log bash -c "$FLOOD"
	for r in 1 2 3; do
		poll test -s app.log
		logrotate -f -s lr.state lr.conf
	done
	touch stop
	wait_done
	copytruncate_kept_order
}

# --- A full disk ------------------------------------------------------------

# The cat processes under the run of supervisor $sup block on their pipes.
writers_blocked() {
	local run c n=0
	run=$(child_of "$sup") || return
	for c in $(pgrep -P "$run" -x cat); do
		pipe_blocked "$c" || return
		n=$((n + 1))
	done
	((n == 2))
}

@test "a full disk: the command blocks, nothing is dropped, all arrives once there is room" {
	local rss
	small_disk 256k
	lines out 100000 >want.out
	lines err 100000 >want.err
	start --timestamps -o disk/f -e disk/f sh -c 'cat want.out & cat want.err >&2; wait'
	poll disk_full
	# The supervisor stops reading: the writers block on their full pipes,
	# and its memory stays as it was.
	poll writers_blocked
	rss=$(status_field "$sup" VmRSS)
	((${rss% kB} < 8192))
	mount -o remount,size=64m disk
	POLL_TRIES=1500 wait_done
	assert_equal "$(grep -Evc "^$STAMP" disk/f)" 0
	unstamp disk/f >body
	grep '^out ' body | cmp - want.out
	grep '^err ' body | cmp - want.err
	assert_equal "$(grep -vc '^\(out\|err\) [0-9]* [a-z]*$' body)" 2
	grep -Eqx "daemonize: could not write log file 'disk/f' for [0-9]+ s: No space left on device" body
	assert_equal "$(tail -n 1 body)" "$(ended_line sh)"
}

# --- With restarts ----------------------------------------------------------

# ./cmd: run N (counted in ./n) first notes in seen.N what the file holds
# of run N-1 (its lines, the last without a newline of its own, and the
# supervisor's line about its end), then writes 20000 lines "run N i" and
# "run N end" without a newline on stdout, "run N err" on stderr, and
# exits 3.
write_cmd() {
	cat >cmd <<-'EOF'
	#!/bin/sh
	n=$(($(cat n 2>/dev/null || echo 0) + 1))
	echo "$n" >n
	p=$((n - 1))
	{
	    grep -c "^[^ ]* run $p " f.log
	    grep -c "^[^ ]* daemonize: 'sh' exited with status 3" f.log
	    tail -c 1 f.log | od -An -c | tr -d ' '
	} >"seen.$n"
	awk -v n="$n" 'BEGIN { for (i = 1; i <= 20000; i++) print "run " n " " i }'
	printf 'run %d end' "$n"
	echo "run $n err" >&2
	exit 3
	EOF
	chmod +x cmd
}

@test "-r: every byte of a run is in the file, and the supervisor's stamped line after it, before the next run starts" {
	write_cmd
	start -r --restart-delay 0 --restart-limit 2 --timestamps \
	    -o f.log -e f.log sh ./cmd
	wait_done
	assert_equal "$(cat n)" 3
	# Run 2 and run 3 found the run before whole (its 20000 lines, its
	# end and its error line), finished by a newline, and its end said.
	assert_equal "$(tr '\n' ' ' <seen.2)" "20002 1 \\n "
	assert_equal "$(tr '\n' ' ' <seen.3)" "20002 2 \\n "
	assert_equal "$(grep -Evc "^$STAMP" f.log)" 0
	# In the file: each run's lines, then the line about its end.
	unstamp f.log | awk '
	    /^run / { if ($2 != run) { if (run != "" && !said) bad = "run " run " not said"
	                  run = $2; said = 0; count = 0 }
	              if (said) bad = "a line of run " run " after its end"
	              count++ }
	    /^daemonize: / { if (/exited with status 3/) { if (count != 20002) bad = "run " run ": " count " lines before its end"; said = 1 } }
	    END { if (bad) { print bad; exit 1 } }'
	unstamp f.log | grep '^daemonize: ' >said
	log_gave_up said "'sh' exited with status 3" \
	    "giving up on 'sh' after 2 restarts" \
	    "'sh' exited with status 3; restarting in 0 s" \
	    "'sh' exited with status 3; restarting in 0 s"
	# Each run's stdout whole and in order.
	for n in 1 2 3; do
		unstamp f.log | grep "^run $n [0-9]" | cmp - \
		    <(awk -v n="$n" 'BEGIN { for (i = 1; i <= 20000; i++) print "run " n " " i }')
	done
}

# --- Readiness --------------------------------------------------------------

@test "--wait log:REGEX with --timestamps matches the line without its stamp" {
	run here -p d.pid --timestamps -o f.log -w 'log:^ready$' -t 10 \
	    sh -c 'echo starting; sleep 0.2; echo ready; exec sleep 60'
	assert_success
	assert_output ""
	grep -Eqx "${STAMP}ready" f.log
	dz --stop -p d.pid
	# From the -e file too.
	run here -p d.pid --timestamps -o f.log -e e.log -w 'log:^up [0-9]+$' -t 10 \
	    sh -c 'sleep 0.2; echo up 42 >&2; exec sleep 60'
	assert_success
	grep -Eqx "${STAMP}up 42" e.log
	dz --stop -p d.pid
	# What the regex sees has no stamp: one that wants a stamp never matches.
	run here -p d.pid --timestamps -o g.log -w 'log:^[0-9]{4}-' -t 1 \
	    sh -c 'echo ready; exec sleep 60'
	assert_failure 124
	assert_line --index 0 "daemonize: 'sh' was not ready within 1 second; stopped it"
	grep -Eqx "${STAMP}ready" g.log
}

@test "--wait log:REGEX with --log-size reads the file the supervisor writes" {
	echo "ready" >f.log
	run here -p d.pid --log-size 1M -o f.log -w 'log:^ready$' -t 10 \
	    sh -c 'echo starting; sleep 0.3; echo ready; exec sleep 60'
	assert_success
	holds f.log $'ready\nstarting\nready\n'
	dz --stop -p d.pid
	# Through a symbolic link (no -u: nobody else could have put it there).
	ln -s f.log link.log
	run here -p d.pid --log-size 1M -o link.log -w 'log:^up$' -t 10 \
	    sh -c 'sleep 0.2; echo up; exec sleep 60'
	assert_success
	assert_equal "$(tail -n 1 f.log)" up
	dz --stop -p d.pid
}

@test "a first run that ends before it is ready shows its last lines as they are in the file, stamps included" {
	run here -p d.pid --timestamps -o f.log -e f.log -w path:never -t 10 \
	    sh -c 'echo one; echo two; echo three; exit 4'
	assert_failure 3
	assert_line --index 0 "daemonize: 'sh' exited with status 4 before it was ready"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(printf '%s\n' "${lines[@]:1}")" "$(sed 's/^/    /' f.log)"
	assert_equal "$(unstamp f.log)" $'one\ntwo\nthree'
	assert_equal "$(grep -Ec "^$STAMP" f.log)" 3
	poll no_process 'sh -c echo one'
	assert_file_not_exists d.pid
}

# --- Signals and memory -----------------------------------------------------

@test "SIGHUP stays the command's: the supervisor forwards it, and the log goes on" {
	start --timestamps --log-size 1M -o f.log \
	    sh -c 'trap "echo got HUP" HUP; echo up; while :; do sleep 0.05; done'
	poll grep -q ' up$' f.log
	dz --signal HUP -p d.pid
	poll grep -q ' got HUP$' f.log
	alive "$sup"
	dz --stop -p d.pid
	wait_done
	assert_equal "$(unstamp f.log)" \
	    "up"$'\n'"got HUP"$'\n'"daemonize: 'sh' killed by signal 15; not restarting"
}

@test "the supervisor's memory stays bounded: peak RSS under 8 MB through a 64 MiB flood" {
	local hwm
	start --timestamps -o /dev/null -e /dev/null sh -c '
	    yes "a line of the flood" | head -c 67108864
	    yes "and of its other stream" | head -c 67108864 >&2
	    touch flooded
	    while [ ! -e go ]; do sleep 0.05; done'
	POLL_TRIES=3000 poll test -e flooded
	hwm=$(status_field "$sup" VmHWM)
	touch go
	wait_done
	((${hwm% kB} > 0 && ${hwm% kB} < 8192))
}
