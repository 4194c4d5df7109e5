#!/usr/bin/env bats
# The output relay (src/relay.c) with real pipes, files, logrotate and a
# full tmpfs, driven by tests/relay-drv (a poll loop, as the supervisor's):
# lines whole and in order per stream, never mixed, nothing lost.

load helper
load relay

RELAY_DRV=${RELAY_DRV:-$BATS_TEST_DIRNAME/relay-drv}

eval "helper_$(declare -f teardown)"

setup_file() {
	[ -x "$RELAY_DRV" ] || {
		echo "$RELAY_DRV is missing: run 'make tests/relay-drv'" >&2
		return 1
	}
}

teardown() {
	helper_teardown
	# A tmpfs a test mounted goes before its directory is removed.
	if mountpoint -q "$BATS_TEST_TMPDIR/disk" 2>/dev/null; then
		umount -l "$BATS_TEST_TMPDIR/disk"
	fi
}

drv() {
	"$RELAY_DRV" "$@"
}

# N numbered lines "TAG 1" ... "TAG N" of varied length, written by awk in
# 4 KiB blocks, so lines arrive cut across reads.
lines() {
	awk -v tag="$1" -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "%s %d %s\n", tag, i, substr("abcdefghijklmnopqrstuvwxyz", 1, i % 27)
	}'
}

# A stamp, as --timestamps writes it.
STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} '

# Files FILE.N ... FILE.1 FILE that exist, oldest first.
rotated_in_order() {
	local f=$1 n
	for ((n = 100; n > 0; n--)); do
		[ -e "$f.$n" ] && echo "$f.$n"
	done
	echo "$f"
}

@test "relay: 100000 lines on each stream into two files, byte for byte" {
	lines out 100000 >want.out
	lines err 100000 >want.err
	run drv -o out.log -e err.log -- sh -c 'cat want.out & cat want.err >&2; wait'
	assert_success
	cmp out.log want.out
	echo "daemonize: 'sh' exited with status 0" >>want.err
	cmp err.log want.err
}

@test "relay: 100000 lines on each stream into one file, never mixed" {
	lines out 100000 >want.out
	lines err 100000 >want.err
	run drv -o both.log -e both.log -- sh -c 'cat want.out & cat want.err >&2; wait'
	assert_success
	grep '^out ' both.log | cmp - want.out
	grep '^err ' both.log | cmp - want.err
	# Nothing else: no line made of pieces of two.
	assert_equal "$(grep -vc '^\(out\|err\) [0-9]* [a-z]*$' both.log)" 1
	assert_equal "$(tail -n 1 both.log)" "daemonize: 'sh' exited with status 0"
}

@test "relay: --timestamps: every line of both streams stamped, the rest as sent" {
	lines out 100000 >want.out
	lines err 100000 >want.err
	run drv -t -o both.log -e both.log -- sh -c 'cat want.out & cat want.err >&2; wait'
	assert_success
	assert_equal "$(grep -Evc "^$STAMP" both.log)" 0
	cut -c 31- both.log | grep '^out ' | cmp - want.out
	cut -c 31- both.log | grep '^err ' | cmp - want.err
}

IST_STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+05:30'

@test "relay: --timestamps: local time by TZ, RFC 3339 with milliseconds" {
	local stamp now then
	now=$(date +%s)
	TZ=IST-5:30 drv -t -o f.log -m hello <<<"a line"
	assert_equal "$(wc -l <f.log)" 2
	assert_equal "$(grep -Ec "^$STAMP" f.log)" 2
	run grep -Ex "$IST_STAMP daemonize: hello" f.log
	assert_success
	run grep -Ex "$IST_STAMP a line" f.log
	assert_success
	stamp=$(head -c 29 f.log)
	then=$(date -d "$stamp" +%s)
	((then >= now && then <= now + 5))
	TZ=NST3:30 drv -t -o g.log <<<"x"
	grep -Eq '^[0-9T:.-]{23}-03:30 x$' g.log
}

@test "relay: a last line without a newline gets one when the run ends" {
	run drv -o f.log -e e.log -- printf 'first\nlast'
	assert_success
	holds f.log $'first\nlast\n'
	holds e.log $'daemonize: \'printf\' exited with status 0\n'
}

@test "relay: a run's output is written when it exits, though a child still holds the pipe" {
	run drv -o f.log -e e.log -- sh -c 'printf "one\ntwo"; sleep 60 & echo $! >bg.pid'
	assert_success
	holds f.log $'one\ntwo\n'
	holds e.log $'daemonize: \'sh\' exited with status 0\n'
	alive "$(cat bg.pid)"
}

@test "relay: a line of 64 KiB is whole; a longer one is cut every 64 KiB" {
	head -c 65536 /dev/zero | tr '\0' x >want
	echo >>want
	drv -o f.log <want
	cmp f.log want
	head -c 200000 /dev/zero | tr '\0' y | drv -o g.log
	assert_equal "$(awk '{ print length($0) }' g.log | tr '\n' ' ')" \
	    "65536 65536 65536 3392 "
	assert_equal "$(tr -d '\n' <g.log | wc -c)" 200000
}

@test "relay: a stream without a file is read and dropped" {
	run drv -e e.log -- sh -c 'seq 1 200000; echo done >&2'
	assert_success
	holds e.log $'done\ndaemonize: \'sh\' exited with status 0\n'
}

@test "relay: --log-size: files back together are the input, none too big, no line split" {
	local f
	lines out 20000 >want
	drv -s 64k -k 20 -o r.log <want
	[ -e r.log.5 ]
	for f in r.log*; do
		(($(stat -c %s "$f") <= 65536))
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ]
	done
	cat $(rotated_in_order r.log) | cmp - want
	# Each file starts with a whole line.
	for f in r.log*; do
		head -n 1 "$f" | grep -Eq '^out [0-9]+ [a-z]*$'
	done
}

@test "relay: --log-size with --timestamps: stamps count in the size" {
	local f
	lines out 20000 >want
	drv -t -s 64k -k 40 -o r.log <want
	[ -e r.log.10 ]
	for f in r.log*; do
		(($(stat -c %s "$f") <= 65536))
	done
	cat $(rotated_in_order r.log) | cut -c 31- | cmp - want
}

@test "relay: --log-keep: the oldest files go; 0 keeps none" {
	lines out 100000 >want
	drv -s 64k -k 3 -o r.log <want
	run ls r.log*
	assert_output $'r.log\nr.log.1\nr.log.2\nr.log.3'
	cat r.log.3 r.log.2 r.log.1 r.log >kept
	tail -c "$(stat -c %s kept)" want | cmp - kept
	drv -s 64k -k 0 -o z.log <want
	run ls z.log*
	assert_output z.log
	tail -c "$(stat -c %s z.log)" want | cmp - z.log
}

@test "relay: --log-size: a line longer than the size goes alone into a fresh file" {
	{ echo before; head -c 10000 /dev/zero | tr '\0' x; echo; echo after; } >want
	drv -s 4k -k 5 -o r.log <want
	holds r.log $'after\n'
	assert_equal "$(stat -c %s r.log.1)" 10001
	holds r.log.2 $'before\n'
}

@test "relay: rotation keeps the file's mode and owner" {
	need_root
	touch r.log
	chmod 0640 r.log
	chown nobody:nogroup r.log
	lines out 100000 | drv -s 64k -k 2 -o r.log
	[ -e r.log.2 ]
	assert_equal "$(stat -c '%a %U %G' r.log)" "640 nobody nogroup"
	assert_equal "$(stat -c '%a %U %G' r.log.1)" "640 nobody nogroup"
}

# A flood that runs until the file "stop" appears, 100 lines a turn:
# "line 0", "line 1", ... in order.
FLOOD='i=0; while [ ! -e stop ]; do for j in 0 1 2 3 4 5 6 7 8 9; do
    echo "line $i"; echo "line $((i + 1))"; echo "line $((i + 2))";
    echo "line $((i + 3))"; echo "line $((i + 4))"; echo "line $((i + 5))";
    echo "line $((i + 6))"; echo "line $((i + 7))"; echo "line $((i + 8))";
    echo "line $((i + 9))"; i=$((i + 10)); done; done'

# The lines of FILE... are "line 0" ... "line N", each once, in order.
consecutive() {
	cat "$@" | grep -v '^daemonize: ' | awk '
		$0 != "line " NR - 1 { print "line " NR ": " $0; bad = 1; exit }
		END { if (NR < 1000) { print NR " lines"; bad = 1 }; exit bad }'
}

# FILE grows (it is being written to).
grows() {
	local a b
	a=$(stat -c %s "$1" 2>/dev/null) || return 1
	for ((b = 0; b < 200; b++)); do
		(($(stat -c %s "$1") > a)) && return 0
		sleep 0.01
	done
	return 1
}

@test "relay: logrotate 'create' while a flood runs: re-created by name, nothing lost" {
	local pid r size
	cat >lr.conf <<-EOF
	$PWD/app.log {
	    create 0640 nobody nogroup
	    rotate 10
	}
	EOF
	"$RELAY_DRV" -o app.log -e app.log -- bash -c "$FLOOD" &
	pid=$!
	track "$pid"
	poll test -s app.log
	for r in 1 2 3; do
		logrotate -f -s lr.state lr.conf
		# Within a second or so the lines go into the new file, and
		# no longer into the old one.
		poll test -s app.log
		size=$(stat -c %s app.log.1)
		grows app.log
		assert_equal "$(stat -c %s app.log.1)" "$size"
		assert_equal "$(stat -c '%a %U' app.log)" "640 nobody"
	done
	touch stop
	wait "$pid"
	for r in 3 2 1; do
		[ -s "app.log.$r" ]
	done
	consecutive app.log.3 app.log.2 app.log.1 app.log
}

# The logrotate stanza of the manual's LOGGING section, for ./app.log.
manual_stanza() {
	sed -n '/^\/var\/log\/app\/\*\.log {$/,/^}$/p' \
	    "$BATS_TEST_DIRNAME/../man/daemonize.1" |
	    sed "s|^/var/log/app/\\*\\.log|$PWD/app.log|; s/ app app$/ nobody nogroup/"
}

@test "relay: the manual's logrotate stanza (create, delaycompress) loses nothing" {
	local pid r
	manual_stanza >lr.conf
	grep -q delaycompress lr.conf
	grep -q "create 0640 nobody nogroup" lr.conf
	"$RELAY_DRV" -o app.log -e app.log -- bash -c "$FLOOD" &
	pid=$!
	track "$pid"
	for r in 1 2 3; do
		poll test -s app.log
		logrotate -f -s lr.state lr.conf
	done
	poll test -s app.log
	touch stop
	wait "$pid"
	[ -e app.log.3.gz ] && [ -e app.log.2.gz ] && [ -e app.log.1 ]
	{ zcat app.log.3.gz app.log.2.gz; cat app.log.1 app.log; } >all
	consecutive all
}

@test "relay: a removed file is re-created by name, same mode and owner" {
	local pid
	need_root
	touch app.log
	chmod 0604 app.log
	chown nobody:nogroup app.log
	"$RELAY_DRV" -o app.log -- bash -c "$FLOOD" &
	pid=$!
	track "$pid"
	poll test -s app.log
	ln app.log gone.log
	rm app.log
	poll test -s app.log
	assert_equal "$(stat -c '%a %U %G %h' app.log)" "604 nobody nogroup 1"
	touch stop
	wait "$pid"
	consecutive gone.log app.log
}

@test "relay: logrotate 'copytruncate' with the flood paused: nothing lost, no hole" {
	local pid r n
	cat >lr.conf <<-EOF
	$PWD/app.log {
	    copytruncate
	    rotate 10
	}
	EOF
	# 1000 lines, then wait for "go"; again until "stop".
	"$RELAY_DRV" -o app.log -- bash -c 'i=0; while [ ! -e stop ]; do
	    for ((j = 0; j < 1000; j++)); do echo "line $((i++))"; done
	    while [ ! -e go ] && [ ! -e stop ]; do sleep 0.01; done; rm -f go
	done' &
	pid=$!
	track "$pid"
	for r in 1 2 3 4; do
		n=$((r * 1000 - 1))
		poll grep -qx "line $n" app.log app.log.1
		logrotate -f -s lr.state lr.conf
		touch go
		poll test ! -e go
	done
	touch stop
	wait "$pid"
	assert_equal "$(cat app.log* | tr -d '\n[:print:]' | wc -c)" 0
	consecutive app.log.4 app.log.3 app.log.2 app.log.1 app.log
}

@test "relay: logrotate 'copytruncate' during a flood: no hole, order kept, gaps only where logrotate truncated" {
	local pid r
	cat >lr.conf <<-EOF
	$PWD/app.log {
	    copytruncate
	    rotate 10
	}
	EOF
	"$RELAY_DRV" -o app.log -- bash -c "$FLOOD" &
	pid=$!
	track "$pid"
	for r in 1 2 3; do
		poll test -s app.log
		logrotate -f -s lr.state lr.conf
	done
	touch stop
	wait "$pid"
	copytruncate_kept_order
}

@test "relay: a full disk: the command blocks, nothing is dropped, all arrives once there is room" {
	local pid child rss
	small_disk 256k
	lines out 100000 >want.out
	lines err 100000 >want.err
	RELAY_DRV_HWM=1 "$RELAY_DRV" -o disk/f -e disk/f -- \
	    sh -c 'cat want.out & cat want.err >&2; wait' 2>hwm &
	pid=$!
	track "$pid"
	# The relay stops reading: the writers block on their full pipes.
	poll child_of "$pid"
	child=$(child_of "$pid")
	poll pipe_blocked "$(child_of "$child")"
	disk_full
	rss=$(status_field "$pid" VmRSS)
	((${rss% kB} < 8192))
	mount -o remount,size=64m disk
	wait "$pid"
	grep '^out ' disk/f | cmp - want.out
	grep '^err ' disk/f | cmp - want.err
	assert_equal "$(grep -vc '^\(out\|err\) [0-9]* [a-z]*$' disk/f)" 2
	grep -Eq "^daemonize: could not write log file 'disk/f' for [0-9]+ s: No space left on device$" disk/f
	assert_equal "$(tail -n 1 disk/f)" "daemonize: 'sh' exited with status 0"
}

@test "relay: a full disk with --timestamps and --log-size: nothing lost, no file too big" {
	local pid f
	small_disk 200k
	lines out 50000 >want
	"$RELAY_DRV" -t -s 64k -k 50 -o disk/r.log <want &
	pid=$!
	track "$pid"
	poll disk_full
	mount -o remount,size=64m disk
	wait "$pid"
	for f in disk/r.log*; do
		(($(stat -c %s "$f") <= 65536))
	done
	cat $(rotated_in_order disk/r.log) | grep -v ' daemonize: ' |
	    cut -c 31- | cmp - want
}

@test "relay: memory stays bounded whatever the input (peak RSS of a 64 MiB flood)" {
	local hwm
	head -c 64M /dev/zero | tr '\0' 'x' | RELAY_DRV_HWM=1 drv -t -o /dev/null 2>hwm
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' hwm)
	((hwm > 0 && hwm < 8192))
}
