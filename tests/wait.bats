#!/usr/bin/env bats
# -w/--wait and -t: daemonize returns 0 only once the daemon is ready (notify,
# fd:N, tcp, path, log), and otherwise says why (3: it ended or reported
# failure first; 124: not ready in time; 128+N: interrupted) and leaves
# nothing behind: daemon, its group, pidfile and lockfile gone, logs kept.
#
# Most daemons here write their own pid to me.pid (so a test knows it after
# the pidfile is gone) and run with -c "$PWD" to do so; teardown kills what
# any *.pid file names.

load helper

PY=/usr/bin/python3	# python3 in PATH may be a pyenv shim

# The process is gone, reaped too: not even a zombie.
gone() {
	[ ! -e "/proc/$1" ]
}

# After a start that failed: the daemon (its pid in FILE, me.pid by default)
# is gone and reaped, and the pidfile d.pid and lockfile d.lock are gone.
assert_undone() {
	local pid
	pid=$(pid_in "${1:-me.pid}") || fail "the daemon left no pid in ${1:-me.pid}"
	gone "$pid" ||
	    fail "daemon $pid is still there: $(cat "/proc/$pid/stat" 2>&1)"
	assert_file_not_exists d.pid
	assert_file_not_exists d.lock
}

# The start succeeded (exit 0) and said nothing.
assert_started() {
	[ "$status" -eq 0 ] || fail "exit $status, stderr: $stderr"
	assert_equal "$stderr" ""
	assert_output ""
}

# After a start that succeeded: d.pid names the live daemon, the process
# that wrote FILE (me.pid by default).
assert_running() {
	local pid
	pid=$(pid_in d.pid) || fail "no pid in d.pid"
	alive "$pid" || fail "pid $pid of d.pid is not alive"
	assert_equal "$(pid_in "${1:-me.pid}")" "$pid"
}

# dies_first SPEC-ARGS...: under them, a daemon that exits 7, then one killed
# by signal 9, before it is ready: 3, how it ended and what it wrote to its
# log (-o), nothing left, log kept.
dies_first() {
	run --separate-stderr dz -t 10 -p d.pid -l d.lock -o d.log -c "$PWD" \
	    "$@" sh -c 'echo $$ >me.pid; echo started; exit 7'
	assert_failure 3
	assert_equal "$stderr" "daemonize: 'sh' exited with status 7 before it was ready"$'\n    started'
	assert_output ""
	assert_undone
	holds d.log $'started\n'
	rm me.pid d.log
	run --separate-stderr dz -t 10 -p d.pid -l d.lock -o d.log -c "$PWD" \
	    "$@" sh -c 'echo $$ >me.pid; echo started; kill -KILL $$'
	assert_failure 3
	assert_equal "$stderr" "daemonize: 'sh' was killed by signal 9 before it was ready"$'\n    started'
	assert_output ""
	assert_undone
	holds d.log $'started\n'
}

# times_out SPEC-ARGS...: under them with -t 0.5, a daemon that is never
# ready, and a child in its process group, are stopped: 124, said so with
# what it wrote, nothing left, log kept.
times_out() {
	local child
	run --separate-stderr dz -t 0.5 -p d.pid -l d.lock -o d.log -c "$PWD" \
	    "$@" sh -c 'echo $$ >me.pid; sleep 3601 & echo $! >child.pid
		echo started; exec sleep 3600'
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 0.5 seconds; stopped it"$'\n    started'
	assert_output ""
	assert_undone
	child=$(pid_in child.pid) || fail "the daemon's child left no pid"
	dead "$child" || fail "the daemon's child $child is still alive"
	holds d.log $'started\n'
}

# Stop the daemon a start left running and forget its files, to start
# another in the same test.
forget_daemon() {
	local pid
	pid=$(pid_in d.pid) || fail "no pid in d.pid"
	kill "$pid"
	wait_dead "$pid"
	rm -f d.pid me.pid send.pid sent
}

# bare COMMAND...: COMMAND with SIGHUP, SIGINT and SIGTERM at their
# defaults (a script's background jobs start with SIGINT ignored) and
# nothing open above descriptor 2, as from a plain shell, so that the
# descriptors daemonize opens are the lowest free, whatever bats holds.
# It execs, so its pid is the command's: run it in a subshell (run, &).
bare() {
	exec "$PY" -c '
import os, signal, sys
for s in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
os.closerange(3, 65536)
os.execv(sys.argv[1], sys.argv[1:])
' "$@"
}

# spawn_dz ARGS...: daemonize in the background, as bare runs it, its pid
# in dzpid, its stderr in dz.err.
spawn_dz() {
	bare "$DAEMONIZE" "$@" 2>dz.err &
	dzpid=$!
	track "$dzpid"
}

# The exit status of the background daemonize, in rc.
wait_dz() {
	rc=0
	wait "$dzpid" || rc=$?
}

# The first line the server on HOST PORT sends.
greeting() {
	"$PY" -c '
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print(c.makefile().readline().strip())
' "$1" "$2"
}

# serve.py HOST PORT DELAY: write its pid to me.pid, wait DELAY seconds,
# then listen on HOST:PORT and greet each connection with "hello".
make_server() {
	cat >"$BATS_TEST_TMPDIR/serve.py" <<'EOF'
import os, socket, sys, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "me.pid"), "w") as f:
    f.write("%d\n" % os.getpid())
host, port, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
time.sleep(delay)
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port))
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"hello\n")
    except OSError:
        pass
    c.close()
EOF
}

# send.py ARG...: an sd_notify sender. Each ARG is a datagram for
# $NOTIFY_SOCKET (backslash escapes decoded: '\n', '\x00'), or sleep:SECS.
# It appends its pid to send.pid, writes the number of datagrams sent so far
# to sent (a failed send kills it), and stays alive after, as the sender
# rule wants.
make_sender() {
	cat >"$BATS_TEST_TMPDIR/send.py" <<'EOF'
import os, socket, sys, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "send.pid"), "a") as f:
    f.write("%d\n" % os.getpid())
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
n = 0
for arg in sys.argv[1:]:
    if arg.startswith("sleep:"):
        time.sleep(float(arg[6:]))
        continue
    s.sendto(arg.encode().decode("unicode_escape").encode("latin-1"), addr)
    n += 1
    with open(os.path.join(here, "sent.tmp"), "w") as f:
        f.write("%d\n" % n)
    os.replace(os.path.join(here, "sent.tmp"), os.path.join(here, "sent"))
time.sleep(300)
EOF
}

# The number of datagrams send.py has sent is N.
sent_is() {
	[ "$(cat sent 2>/dev/null)" = "$1" ]
}

# The NOTIFY_SOCKET values in PID's environment, one a line.
notify_socket_of() {
	tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^NOTIFY_SOCKET=//p'
}

has_notify_socket() {
	[ -n "$(notify_socket_of "$1" 2>/dev/null)" ]
}

ppid_is() {
	[ "$(stat_field "$1" 4 2>/dev/null)" = "$2" ]
}

# --- usage ---------------------------------------------------------------

@test "an unknown --wait SPEC is a usage error" {
	for spec in bogus notify:x fd tcp path: log: ''; do
		run dz -p u.pid -w "$spec" sleep 3599
		if [ -z "$spec" ]; then
			usage_fails "option '--wait' needs a non-empty argument"
		else
			usage_fails "invalid --wait '$spec' (want notify, fd:N, tcp:[HOST:]PORT, path:PATH or log:REGEX)"
		fi
	done
	assert_file_not_exists u.pid
}

@test "--wait fd:N wants N 3 or more" {
	for spec in fd:2 fd:0 fd:-3 fd: fd:3x fd:+3; do
		run dz -p u.pid -w "$spec" sleep 3599
		usage_fails "invalid descriptor in --wait '$spec' (want fd:N, N 3 or more)"
	done
	assert_file_not_exists u.pid
}

@test "--wait tcp wants a PORT of 1 to 65535 and brackets around IPv6" {
	for spec in tcp:70000 tcp:0 tcp: tcp:http tcp:host: tcp::80 \
	    tcp:::1:80 tcp:[::1]80 tcp:[]:80; do
		run dz -p u.pid -w "$spec" sleep 3599
		usage_fails "invalid --wait '$spec' (want tcp:[HOST:]PORT, PORT 1 to 65535)"
	done
	assert_file_not_exists u.pid
}

@test "--wait log with a bad regular expression is a usage error" {
	run dz -p u.pid -o u.log -w 'log:(' sleep 3599
	usage_fails "invalid regular expression in --wait 'log:(': Unmatched ( or \\("
	assert_file_not_exists u.pid
	assert_file_not_exists u.log
}

@test "--wait log needs --stdout or --stderr" {
	run dz -p u.pid -w log:x sleep 3599
	usage_fails "--wait 'log:x' needs --stdout or --stderr"
	assert_file_not_exists u.pid
}

@test "--wait cannot be used with --foreground" {
	run dz -f -p u.pid -w path:x sleep 3599
	usage_fails "--wait cannot be used with --foreground"
	assert_file_not_exists u.pid
}

@test "a descriptor cannot be both --keep-fd and --wait fd:N" {
	run dz --keep-fd 5 -p u.pid -w fd:5 sleep 3599 5</dev/null
	usage_fails "descriptor 5 cannot be both --keep-fd and --wait 'fd:5'"
	run dz -w fd:5 --keep-fd 5 -p u.pid sleep 3599 5</dev/null
	usage_fails "descriptor 5 cannot be both --keep-fd and --wait 'fd:5'"
	assert_file_not_exists u.pid
}

# --- notify ----------------------------------------------------------------

need_systemd_notify() {
	command -v systemd-notify >/dev/null ||
	    skip "systemd-notify is not installed (Debian package systemd)"
}

@test "notify: systemd-notify --ready makes it ready" {
	need_systemd_notify
	run --separate-stderr dz -t 10 -w notify -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid
		stat -c "%a %U %F" "${NOTIFY_SOCKET%/*}" "$NOTIFY_SOCKET" >sock
		sleep 0.3; systemd-notify --ready; echo $? >notify.rc
		exec sleep 3602'
	assert_started
	assert_running
	# Its barrier was passed before daemonize returned.
	holds notify.rc $'0\n'
	# One NOTIFY_SOCKET: a socket only root may use, in a private
	# directory; both gone once daemonize has returned.
	holds sock $'700 root directory\n600 root socket\n'
	run notify_socket_of "$(pid_in d.pid)"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^/.*/daemonize\.[^/]{6}/notify$'
	assert_not_exists "$output"
	assert_not_exists "${output%/notify}"
}

@test "notify: the directory is 0700 and the socket 0600 whatever the caller's umask" {
	need_systemd_notify
	local me
	me=$(id -un)
	for mask in 0777 0000 0177; do
		rm -f sock d.pid
		run --separate-stderr sh -c 'umask "$1"; shift; exec "$@"' sh \
		    "$mask" "$DAEMONIZE" -t 10 -w notify -p d.pid -c "$PWD" sh -c '
			stat -c "%a %U %F" "${NOTIFY_SOCKET%/*}" \
			    "$NOTIFY_SOCKET" >sock
			umask >>sock
			systemd-notify --ready; exec sleep 3652'
		assert_started
		kill -KILL "$(pid_in d.pid)"
		# The daemon has the umask of -m (022); ours shaped neither.
		holds sock "700 $me directory"$'\n'"600 $me socket"$'\n0022\n'
	done
}

@test "notify: a socket that cannot be made: 125, said, the command never run, nothing left" {
	need_root
	mkdir pub
	chmod 777 pub
	reachable_by_nobody pub
	# nobody cannot write to /; the parent named once, without "//".
	run --separate-stderr as_nobody env XDG_RUNTIME_DIR=/ "$DAEMONIZE" \
	    -t 10 -w notify -p "$PWD/pub/d.pid" -o "$PWD/pub/out" \
	    sh -c 'echo $$ >"$1"; exec sleep 3653' sh "$PWD/pub/me.pid"
	assert_equal "$status" 125
	assert_output ""
	[[ $stderr =~ ^daemonize:\ cannot\ create\ the\ notify\ socket\ in\ /daemonize\.[A-Za-z0-9]{6}:\ Permission\ denied$ ]] ||
	    fail "stderr: $stderr"
	assert_not_exists pub/me.pid
	assert_not_exists pub/d.pid
	# The log the set-up made is removed with the rest (nothing wrote to it).
	assert_not_exists pub/out
	assert_equal "$(ls -A pub)" ""
}

@test "notify: with -u the socket is the user's alone, and it works" {
	need_root
	need_systemd_notify
	chmod o+x "$BATS_TEST_TMPDIR"
	run --separate-stderr dz -t 10 -w notify -u nobody -p d.pid \
	    -o "$BATS_TEST_TMPDIR/out" sh -c '
		stat -c "%a %U %F" "${NOTIFY_SOCKET%/*}" "$NOTIFY_SOCKET"
		systemd-notify --ready; echo "rc $?"; exec sleep 3630'
	assert_started
	alive "$(pid_in d.pid)"
	holds out $'711 root directory\n600 nobody socket\nrc 0\n'
}

@test "notify: descriptors sent with a message are closed (BARRIER=1)" {
	need_systemd_notify
	# systemd-notify then waits until the descriptor it sent is closed,
	# or 5 s, and fails. path:go keeps daemonize reading meanwhile.
	run --separate-stderr dz -t 10 -w notify -w path:go -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; systemd-notify --ready; echo $? >notify.rc
		touch go; exec sleep 3627'
	assert_started
	holds notify.rc $'0\n'
	assert_running
}

@test "notify: READY=1 without a newline; NOTIFY_SOCKET replaces the caller's" {
	make_sender
	NOTIFY_SOCKET=/run/systemd/notify run --separate-stderr \
	    dz -t 10 -w notify -p d.pid "$PY" "$PWD/send.py" sleep:0.3 READY=1
	assert_started
	assert_running send.pid
	poll sent_is 1	# it writes the count just after sending
	run notify_socket_of "$(pid_in d.pid)"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^/.*/daemonize\.[^/]{6}/notify$'
}

@test "notify: STATUS= and READY=1 in one datagram; STATUS shown with -v" {
	make_sender
	run --separate-stderr dz -v -t 10 -w notify -p d.pid \
	    "$PY" "$PWD/send.py" 'STATUS=warming\nREADY=1'
	assert_success
	assert_output ""
	assert_running send.pid
	assert_equal "$(grep -c '^daemonize: status: warming$' <<<"$stderr")" 1
	assert_equal "$(sed -n '$p' <<<"$stderr")" "daemonize: '$PY' is ready"
	# Without -v, nothing is said.
	forget_daemon
	run --separate-stderr dz -t 10 -w notify -p d.pid \
	    "$PY" "$PWD/send.py" 'STATUS=warming\nREADY=1'
	assert_started
	assert_running send.pid
}

@test "notify: ERRNO=2 is a failure: 3, reported, daemon stopped" {
	make_sender
	run --separate-stderr dz -t 10 -w notify -p d.pid -l d.lock \
	    "$PY" "$PWD/send.py" ERRNO=2
	assert_failure 3
	assert_equal "$stderr" "daemonize: '$PY' reported failure: No such file or directory"
	assert_output ""
	assert_undone send.pid
}

@test "notify: EXTEND_TIMEOUT_USEC extends the deadline" {
	make_sender
	# Ready after 2 s, with -t 1 extended to 3 s at once.
	run --separate-stderr dz -t 1 -w notify -p d.pid \
	    "$PY" "$PWD/send.py" EXTEND_TIMEOUT_USEC=3000000 sleep:2 READY=1
	assert_started
	assert_running send.pid
	poll sent_is 2
	# The control: without the extension, -t 1 is too short.
	forget_daemon
	run --separate-stderr dz -t 1 -w notify -p d.pid -l d.lock \
	    "$PY" "$PWD/send.py" STATUS=slow sleep:2 READY=1
	assert_failure 124
	assert_equal "$stderr" "daemonize: '$PY' was not ready within 1 second; stopped it"
	assert_undone send.pid
	sent_is 1
}

@test "notify: READY=1 from a live child in the daemon's session counts" {
	make_sender
	run --separate-stderr dz -t 10 -w notify -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; "$1" send.py READY=1 & exec sleep 3603' \
	    sh "$PY"
	assert_started
	assert_running
	poll sent_is 1
}

@test "notify: READY=1 from a process in another session is ignored" {
	make_sender
	# setsid(1) started by the daemon: its child, but not of its session.
	# (No -p: the sender, out of the daemon's group, would outlive the
	# stop and hold the pidfile's lock.)
	run --separate-stderr dz -t 2 -w notify -c "$PWD" \
	    sh -c 'echo $$ >me.pid; setsid "$1" send.py READY=1 & exec sleep 3604' \
	    sh "$PY"
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 2 seconds; stopped it"
	gone "$(pid_in me.pid)"
	# It was sent, to a socket still open (a failed send writes no count).
	sent_is 1
}

@test "notify: READY=1 from an unrelated process is ignored" {
	make_sender
	spawn_dz -t 3 -w notify -p d.pid -l d.lock -c "$PWD" \
	    sh -c 'echo $$ >me.pid; exec sleep 3605'
	poll has_pid me.pid
	pid=$(pid_in me.pid)
	poll has_notify_socket "$pid"
	sock=$(notify_socket_of "$pid")
	NOTIFY_SOCKET=$sock "$PY" send.py READY=1 >/dev/null 2>&1 3>&- &
	track "$!"
	disown "$!"	# teardown kills it: no "Killed" from bash then
	poll sent_is 1
	wait_dz
	assert_equal "$rc" 124
	holds dz.err "daemonize: 'sh' was not ready within 3 seconds; stopped it"$'\n'
	assert_undone
}

@test "notify: a datagram over 4096 bytes is ignored; one of 4096 is not" {
	make_sender
	printf -v pad '%*s' 4087 ''
	pad=${pad// /a}
	# 'READY=1\nX=' is 10 bytes: 4097 in all.
	run --separate-stderr dz -t 2 -w notify -p d.pid -l d.lock \
	    "$PY" "$PWD/send.py" "READY=1\\nX=$pad"
	assert_failure 124
	assert_equal "$stderr" "daemonize: '$PY' was not ready within 2 seconds; stopped it"
	assert_undone send.pid
	sent_is 1
	rm send.pid sent
	run --separate-stderr dz -t 10 -w notify -p d.pid \
	    "$PY" "$PWD/send.py" "READY=1\\nX=${pad%a}"
	assert_started
	assert_running send.pid
}

@test "notify: a datagram with a NUL byte is ignored" {
	make_sender
	run --separate-stderr dz -t 2 -w notify -p d.pid -l d.lock \
	    "$PY" "$PWD/send.py" 'READY=1\n\x00X=1\n'
	assert_failure 124
	assert_equal "$stderr" "daemonize: '$PY' was not ready within 2 seconds; stopped it"
	assert_undone send.pid
	sent_is 1
}

@test "notify: a daemon that ends first: 3" {
	dies_first -w notify
}

@test "notify: a daemon never ready: 124" {
	times_out -w notify
}

@test "notify: STATUS text is shown with its control characters escaped" {
	make_sender
	run --separate-stderr dz -v -t 10 -w notify -p d.pid \
	    "$PY" "$PWD/send.py" 'STATUS=a\x1b[31mb\xc2\x9bc\tok\nREADY=1'
	assert_success
	assert_running send.pid
	assert_equal "$(grep -c '^daemonize: status: ' <<<"$stderr")" 1
	grep -qxF 'daemonize: status: a\033[31mb\302\233c\tok' <<<"$stderr" ||
	    fail "status line: $stderr"
}

@test "notify: no process of daemonize's own outlives a start" {
	make_sender
	t=$(tag)
	run --separate-stderr dz -t 10 -w notify -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; "$1" send.py READY=1 & wait' "$t" "$PY"
	assert_started
	assert_running
	# The daemon is the one process left with the tag in its command
	# line: daemonize's own (the caller and its helper) are gone.
	run pgrep -f -- "$t"
	assert_output "$(pid_in me.pid)"
}

# The processes whose parent is PID, one a line.
children_of() {
	local s
	for s in /proc/[0-9]*/stat; do
		s=${s#/proc/}
		s=${s%/stat}
		[ "$(stat_field "$s" 4 2>/dev/null)" = "$1" ] && echo "$s"
	done
	return 0
}

gone_path() {
	[ ! -e "$1" ] && [ ! -L "$1" ]
}

@test "notify: daemonize killed by SIGKILL while waiting leaves nothing behind" {
	spawn_dz -t 30 -w notify -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; sleep 3645 & echo $! >child.pid
		exec sleep 3644'
	poll has_pid child.pid
	pid=$(pid_in me.pid)
	child=$(pid_in child.pid)
	poll is_sleeping "$pid"
	poll has_notify_socket "$pid"
	sock=$(notify_socket_of "$pid")
	dir=${sock%/notify}
	assert [ -S "$sock" ]
	assert [ -d "$dir" ]
	poll has_pid d.pid
	# The caller's children: the daemon (once the first child is gone)
	# and its helper, which must not outlive what it cleans up.
	poll ppid_is "$pid" "$dzpid"
	mapfile -t kids < <(children_of "$dzpid")
	assert_equal "${#kids[@]}" 2
	kill -KILL "$dzpid"
	wait_dz
	assert_equal "$rc" 137
	poll gone_path "$dir"
	for p in "$pid" "$child" "${kids[@]}"; do
		poll dead "$p" || fail "process $p of the start is still alive"
	done
	poll gone_path d.pid
}

@test "notify: with -1 or -r, daemonize killed by SIGKILL while waiting leaves nothing behind" {
	# -1's only child tells the warden its pid through a pipe; with -r
	# the daemon's side is the supervisor, and the command its child.
	local mode
	for mode in -1 -r; do
		rm -f me.pid d.pid
		spawn_dz -t 30 -w notify "$mode" -p d.pid -c "$PWD" \
		    sh -c 'echo $$ >me.pid; exec sleep 3654'
		poll has_pid me.pid
		pid=$(pid_in me.pid)
		poll is_sleeping "$pid"
		poll has_notify_socket "$pid"
		sock=$(notify_socket_of "$pid")
		poll has_pid d.pid
		held=$(pid_in d.pid)
		mapfile -t kids < <(children_of "$dzpid")
		kill -KILL "$dzpid"
		wait_dz
		assert_equal "$rc" 137
		poll gone_path "${sock%/notify}"
		for p in "$pid" "$held" "${kids[@]}"; do
			poll dead "$p" ||
			    fail "$mode: process $p of the start is still alive"
		done
		poll gone_path d.pid
	done
}

@test "notify: daemonize killed by SIGKILL: a daemon that left for a session of its own is stopped too" {
	# setsid(1) without a fork (the daemon leads no group): a new
	# session, out of the group the start made.
	spawn_dz -t 30 -w notify -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; exec setsid sleep 3651'
	poll has_pid me.pid
	pid=$(pid_in me.pid)
	poll is_sleeping "$pid"
	[ "$(stat_field "$pid" 6)" = "$pid" ] || fail "no session of its own"
	sock=$(notify_socket_of "$pid")
	kill -KILL "$dzpid"
	wait_dz
	assert_equal "$rc" 137
	poll gone_path "${sock%/notify}"
	poll dead "$pid" || fail "the daemon $pid is still alive"
	poll gone_path d.pid
}

@test "notify: daemonize killed by SIGKILL once the daemon is ready: the daemon stays" {
	make_sender
	# READY=1 from a helper that stays alive and sends no BARRIER=1:
	# daemonize reads on for half a second (for systemd-notify), and is
	# killed then. Its status line is printed as READY=1 is read.
	spawn_dz -v -t 30 -w notify -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; "$1" send.py "STATUS=up\nREADY=1" & wait' \
	    sh "$PY"
	poll has_pid me.pid
	pid=$(pid_in me.pid)
	poll has_notify_socket "$pid"
	dir=$(notify_socket_of "$pid")
	dir=${dir%/notify}
	poll has_line dz.err "daemonize: status: up"
	mapfile -t kids < <(children_of "$dzpid")
	kill -KILL "$dzpid"
	wait_dz
	assert_equal "$rc" 137
	poll gone_path "$dir"
	for p in "${kids[@]}"; do
		[ "$p" = "$pid" ] || poll dead "$p" ||
		    fail "process $p of the start is still alive"
	done
	alive "$pid" || fail "the daemon, ready, was stopped"
	holds d.pid "$pid"$'\n'
}

# --- fd:N ------------------------------------------------------------------

@test "fd:3: ready at a newline on descriptor 3, a pipe, and no other extra" {
	run --separate-stderr dz -t 10 -w fd:3 -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; sleep 0.3; touch wrote; echo >&3
		exec sleep 3606'
	assert_started
	assert_file_exists wrote
	assert_running
	pid=$(pid_in d.pid)
	poll is_sleeping "$pid"
	[[ $(fd_target "$pid" 3) == pipe:* ]] ||
	    fail "descriptor 3 is $(fd_target "$pid" 3), not a pipe"
	assert_equal "$(fd_access "$pid" 3)" wronly
	lock=$(fds_on "$pid" d.pid)
	assert_equal "$(fd_list "$pid")" \
	    "$(printf '%s\n' 0 1 2 3 "$lock" | sort -n | tr '\n' ' ' | sed 's/ $//')"
}

@test "fd:9 with --keep-fd 5: both open, nothing else" {
	: >d.in
	run --separate-stderr dz -t 10 -w fd:9 --keep-fd 5 -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; echo >&9; exec sleep 3607' 5<d.in
	assert_started
	assert_running
	pid=$(pid_in d.pid)
	poll is_sleeping "$pid"
	[[ $(fd_target "$pid" 9) == pipe:* ]] ||
	    fail "descriptor 9 is $(fd_target "$pid" 9), not a pipe"
	assert_equal "$(fd_target "$pid" 5)" "$PWD/d.in"
	lock=$(fds_on "$pid" d.pid)
	assert_equal "$(fd_list "$pid")" \
	    "$(printf '%s\n' 0 1 2 5 9 "$lock" | sort -n | tr '\n' ' ' | sed 's/ $//')"
}

@test "fd:3 with -v from a caller with nothing above 2 open: messages are not readiness" {
	# daemonize's copy of its stderr would take descriptor 3 first.
	run --separate-stderr "$PY" -c '
import os, sys
os.closerange(3, 65536)
os.execv(sys.argv[1], sys.argv[1:])
' "$DAEMONIZE" -v -t 0.5 -w fd:3 -p d.pid -l d.lock -c "$PWD" \
	    sh -c 'echo $$ >me.pid; exec sleep 3631'
	assert_failure 124
	pid=$(pid_in me.pid)
	grep -qxF "daemonize: wrote pid $pid to pidfile 'd.pid'" <<<"$stderr" ||
	    fail "the daemon's side was not heard: $stderr"
	assert_equal "$(sed -n '$p' <<<"$stderr")" \
	    "daemonize: 'sh' was not ready within 0.5 seconds; stopped it"
	assert_undone
}

@test "fd:3: end of file before a newline is a failure: 3, daemon stopped" {
	run --separate-stderr dz -t 10 -w fd:3 -p d.pid -l d.lock -c "$PWD" \
	    sh -c 'echo $$ >me.pid; printf half >&3; exec 3>&-; exec sleep 3608'
	assert_failure 3
	assert_equal "$stderr" "daemonize: 'sh' closed descriptor 3 before it was ready"
	assert_output ""
	assert_undone
}

@test "fd:3: a daemon that ends first: 3" {
	dies_first -w fd:3
}

@test "fd:3: a daemon never ready: 124" {
	times_out -w fd:3
}

@test "fd:N twice: each its own pipe, both written: ready" {
	for pair in "3 5" "5 3" "4 3"; do
		read -r m n <<<"$pair"
		run --separate-stderr bare "$DAEMONIZE" -t 10 -w "fd:$m" \
		    -w "fd:$n" -p d.pid -c "$PWD" sh -c 'echo $$ >me.pid; for n in 3 4 5; do
			[ -e /proc/$$/fd/$n ] && echo >&$n; sleep 0.1; done
			exec sleep 3646'
		assert_started
		assert_running
		pid=$(pid_in d.pid)
		poll is_sleeping "$pid"
		a=$(fd_target "$pid" "$m")
		b=$(fd_target "$pid" "$n")
		[[ $a == pipe:* && $b == pipe:* && $a != "$b" ]] ||
		    fail "fd:$m and fd:$n: descriptors are $a and $b"
		forget_daemon
	done
}

# utime plus stime of PID, in clock ticks.
cpu_ticks() {
	local u s
	u=$(stat_field "$1" 14) && s=$(stat_field "$1" 15) && echo $((u + s))
}

@test "fd:N twice, one never written: 124, and the caller waits without spinning" {
	spawn_dz -t 1.5 -w fd:3 -w fd:5 -p d.pid -l d.lock -c "$PWD" \
	    sh -c 'echo $$ >me.pid; echo >&5; exec sleep 3647'
	# The caller's CPU time up to its last moment (a bounded poll: it
	# times out after 1.5 s).
	ticks=0
	for ((i = 0; i < POLL_TRIES; i++)); do
		alive "$dzpid" || break
		t=$(cpu_ticks "$dzpid") && ticks=$t
		sleep "$POLL_NAP"
	done
	wait_dz
	assert_equal "$rc" 124
	holds dz.err "daemonize: 'sh' was not ready within 1.5 seconds; stopped it"$'\n'
	assert_undone
	# A spinning caller burns 1.5 s; a waiting one, hundredths.
	((ticks * 1000 / $(getconf CLK_TCK) < 300)) ||
	    fail "the caller used $ticks ticks of CPU in 1.5 s"
}

# --- tcp -------------------------------------------------------------------

@test "tcp:PORT: ready once 127.0.0.1:PORT accepts" {
	make_server
	port=$(free_port)
	run --separate-stderr dz -t 10 -w "tcp:$port" -p d.pid \
	    "$PY" "$PWD/serve.py" 127.0.0.1 "$port" 0.3
	assert_started
	run greeting 127.0.0.1 "$port"
	assert_success
	assert_output hello
	assert_running
}

@test "tcp:[::1]:PORT: an IPv6 address in brackets" {
	"$PY" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	    2>/dev/null || skip "no IPv6 loopback here"
	make_server
	port=$(free_port ::1)
	run --separate-stderr dz -t 10 -w "tcp:[::1]:$port" -p d.pid \
	    "$PY" "$PWD/serve.py" ::1 "$port" 0.3
	assert_started
	run greeting ::1 "$port"
	assert_success
	assert_output hello
	assert_running
}

@test "tcp:HOST:PORT: a host name" {
	make_server
	port=$(free_port)
	run --separate-stderr dz -t 10 -w "tcp:localhost:$port" -p d.pid \
	    "$PY" "$PWD/serve.py" 127.0.0.1 "$port" 0.3
	assert_started
	run greeting 127.0.0.1 "$port"
	assert_success
	assert_output hello
	assert_running
}

@test "tcp: a host that does not resolve is a set-up error; nothing starts" {
	t=$(tag)
	run --separate-stderr dz -t 10 -w tcp:no.such.host.invalid:80 -p d.pid \
	    sleep 3609 "$t"
	assert_failure 125
	# The reason is the resolver's: no such name, or no answer at all.
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr =~ ^"daemonize: cannot resolve 'no.such.host.invalid' for --wait 'tcp:no.such.host.invalid:80': "(Name or service not known|No address associated with hostname|Temporary failure in name resolution)$ ]] ||
	    fail "unexpected message: $stderr"
	assert_output ""
	assert_file_not_exists d.pid
	no_process "$t"
}

@test "tcp: a daemon that ends first: 3" {
	dies_first -w "tcp:$(free_port)"
}

@test "tcp: a daemon never ready (nobody listens): 124" {
	times_out -w "tcp:$(free_port)"
}

# stranger HOST PORT: another program (not the daemon's) listening on
# HOST:PORT and accepting, its pid in stranger.pid; returns once it listens.
stranger() {
	"$PY" -c '
import os, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
with open("stranger.pid", "w") as f:
    f.write("%d\n" % os.getpid())
while True:
    s.accept()[0].close()
' "$1" "$2" >/dev/null 2>&1 3>&- &
	track "$!"
	disown "$!"
	poll has_pid stranger.pid
}

@test "tcp: a port another program listens on does not count: a daemon that cannot bind it: 3" {
	make_server
	port=$(free_port)
	stranger 127.0.0.1 "$port"
	run --separate-stderr dz -t 10 -w "tcp:$port" -p d.pid -l d.lock \
	    "$PY" "$PWD/serve.py" 127.0.0.1 "$port" 0.3
	assert_failure 3
	assert_equal "$stderr" "daemonize: '$PY' exited with status 1 before it was ready"
	assert_undone
	alive "$(pid_in stranger.pid)"
}

@test "tcp: a port another program listens on does not count: a daemon that never listens: 124" {
	port=$(free_port)
	stranger 0.0.0.0 "$port"
	run --separate-stderr dz -t 1 -w "tcp:$port" -p d.pid -l d.lock \
	    -c "$PWD" sh -c 'echo $$ >me.pid; exec sleep 3648'
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 1 second; stopped it"
	assert_undone
}

# An address of this machine other than loopback, or nothing.
local_address() {
	"$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("192.0.2.1", 9))	# no packet: it only picks a route
print(s.getsockname()[0])
' 2>/dev/null
}

@test "tcp: on an address of a local interface, a stranger's listener does not count either" {
	ip=$(local_address)
	[ -n "$ip" ] && [[ $ip != 127.* ]] || skip "no route off this machine"
	port=$(free_port "$ip")
	stranger 0.0.0.0 "$port"
	run --separate-stderr dz -t 1 -w "tcp:$ip:$port" -p d.pid -l d.lock \
	    -c "$PWD" sh -c 'echo $$ >me.pid; exec sleep 3649'
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 1 second; stopped it"
	assert_undone
}

@test "tcp: a listener held by a child in the daemon's session counts" {
	make_server
	port=$(free_port)
	# The server (its pid in me.pid) is the daemon's child; the daemon
	# itself holds no socket.
	run --separate-stderr dz -t 10 -w "tcp:$port" -p d.pid \
	    sh -c '"$1" "$2/serve.py" 127.0.0.1 "$3" 0.3 & exec sleep 3650' \
	    sh "$PY" "$PWD" "$port"
	assert_started
	run greeting 127.0.0.1 "$port"
	assert_output hello
	daemon=$(pid_in d.pid)
	server=$(pid_in me.pid)
	assert_equal "$(stat_field "$server" 4)" "$daemon"
	assert_equal "$(stat_field "$server" 6)" "$(stat_field "$daemon" 6)"
	track "$server"
}

# --- path ------------------------------------------------------------------

@test "path: a relative PATH is the caller's, though the daemon runs in /" {
	mkdir sub
	run --separate-stderr dz -t 10 -w path:sub/ready -p d.pid \
	    sh -c 'echo $$ >"$1/me.pid"; sleep 0.3; touch "$1/sub/ready"
		exec sleep 3610' sh "$PWD"
	assert_started
	assert_file_exists sub/ready
	assert_running
	assert_equal "$(readlink "/proc/$(pid_in d.pid)/cwd")" /
}

@test "path: a directory the daemon makes counts" {
	run --separate-stderr dz -t 10 -w path:made -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; sleep 0.3; mkdir made; exec sleep 3611'
	assert_started
	assert [ -d made ]
	assert_running
}

@test "path: a PATH that already exists counts at once" {
	touch there
	run --separate-stderr dz -t 10 -w path:there -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; exec sleep 3612'
	assert_started
	assert_running
}

@test "path: a daemon that ends first: 3" {
	dies_first -w path:never
}

@test "path: a daemon never ready: 124" {
	times_out -w path:never
}

# --- log -------------------------------------------------------------------

@test "log: ready at a line matching the extended regular expression" {
	run --separate-stderr dz -t 10 -w 'log:^listening on [0-9]+$' -o d.log \
	    -p d.pid -c "$PWD" sh -c 'echo $$ >me.pid; echo starting
		echo listening on port; sleep 0.3; echo listening on 8080
		exec sleep 3613'
	assert_started
	holds d.log $'starting\nlistening on port\nlistening on 8080\n'
	assert_running
}

@test "log: only lines written after this start count" {
	echo ready >d.log
	run --separate-stderr dz -t 10 -w log:ready -o d.log -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; sleep 0.3; echo ready; exec sleep 3614'
	assert_started
	holds d.log $'ready\nready\n'
	assert_running
	forget_daemon
	# A daemon that never says it: the old line is no excuse.
	run --separate-stderr dz -t 0.5 -w log:ready -o d.log -p d.pid -l d.lock \
	    -c "$PWD" sh -c 'echo $$ >me.pid; echo later; exec sleep 3615'
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 0.5 seconds; stopped it"$'\n    later'
	assert_undone
	holds d.log $'ready\nready\nlater\n'
}

@test "log: a partial line does not count until its newline" {
	run --separate-stderr dz -t 10 -w log:ready -o d.log -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; printf rea; sleep 0.3; printf dy
		sleep 0.3; echo; exec sleep 3616'
	assert_started
	holds d.log $'ready\n'
	assert_running
	forget_daemon
	rm d.log
	run --separate-stderr dz -t 0.5 -w log:ready -o d.log -p d.pid -l d.lock \
	    -c "$PWD" sh -c 'echo $$ >me.pid; printf ready; exec sleep 3617'
	assert_failure 124
	# The line it has not ended is shown too.
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 0.5 seconds; stopped it"$'\n    ready'
	assert_undone
	holds d.log ready
}

@test "log: the stderr file counts too, with -e alone or beside -o" {
	run --separate-stderr dz -t 10 -w log:ready -e d.err -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; sleep 0.3; echo ready >&2; exec sleep 3618'
	assert_started
	holds d.err $'ready\n'
	assert_running
	forget_daemon
	rm d.err
	run --separate-stderr dz -t 10 -w log:ready -o d.out -e d.err -p d.pid \
	    -c "$PWD" sh -c 'echo $$ >me.pid; echo steady; sleep 0.3
		echo ready >&2; exec sleep 3619'
	assert_started
	holds d.out $'steady\n'
	holds d.err $'ready\n'
	assert_running
}

@test "log: with --truncate, the new lines count from the start of the file" {
	for i in 1 2 3 4 5 6 7 8 9 10; do echo ready; done >d.log
	# One write, longer than the old file: the line is at offset 0.
	run --separate-stderr dz --truncate -t 10 -w log:ready -o d.log -p d.pid \
	    -c "$PWD" sh -c 'echo $$ >me.pid; sleep 0.3
		printf "ready\n%0100d\n" 0; exec sleep 3620'
	assert_started
	holds d.log "ready"$'\n'"$(printf '%0100d' 0)"$'\n'
	assert_running
}

@test "log: a daemon that ends first: 3" {
	dies_first -w 'log:^ready$'
}

@test "log: a daemon never ready: 124" {
	times_out -w 'log:^ready$'
}

# --- all of them, watching, interrupts, stopping -----------------------------

# --- ready, then gone ---------------------------------------------------------

# ready_then_gone ARGS...: 30 starts of a daemon that reports ready and
# exits at once; each must exit 0 and say nothing.
ready_then_gone() {
	local round	# not i: bats' run sets a global i
	for round in {1..30}; do
		run --separate-stderr dz -t 10 "$@"
		[ "$status" -eq 0 ] && [ -z "$stderr" ] ||
		    fail "start $round: exit $status, stderr: $stderr"
	done
}

@test "fd:3: ready, then gone at once: 0 every time" {
	ready_then_gone -w fd:3 sh -c 'echo >&3'
}

@test "notify: READY=1, then gone at once: 0 every time" {
	ready_then_gone -w notify "$PY" -c '
import os, socket
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1",
    os.environ["NOTIFY_SOCKET"])'
}

# --- the daemon's last words -------------------------------------------------

@test "a failed start shows the last 10 lines the daemon wrote to -e, escaped" {
	printf 'old 1\nold 2\n' >d.err
	run --separate-stderr dz -t 10 -w fd:3 -o d.out -e d.err -p d.pid \
	    -l d.lock -c "$PWD" sh -c 'echo $$ >me.pid; echo to stdout
		for i in 1 2 3 4 5 6 7 8 9 10 11; do echo "line $i" >&2; done
		printf "bad\033[31m\tend\n" >&2; exit 1'
	assert_failure 3
	assert_equal "$stderr" "daemonize: 'sh' exited with status 1 before it was ready
    line 3
    line 4
    line 5
    line 6
    line 7
    line 8
    line 9
    line 10
    line 11
    bad\033[31m\tend"
	assert_output ""
	assert_undone
	holds d.out $'to stdout\n'
}

@test "a failed start whose daemon wrote nothing to its log shows no lines" {
	printf 'old 1\nold 2\n' >d.err
	run --separate-stderr dz -t 10 -w fd:3 -o d.out -e d.err -p d.pid \
	    -l d.lock -c "$PWD" sh -c 'echo $$ >me.pid; echo to stdout; exit 1'
	assert_failure 3
	assert_equal "$stderr" "daemonize: 'sh' exited with status 1 before it was ready"
	assert_output ""
	assert_undone
	holds d.err $'old 1\nold 2\n'
}

@test "a daemon that reports failure and runs on: its lines follow the reason" {
	run --separate-stderr dz -t 10 -w fd:3 -e d.err -p d.pid -l d.lock \
	    -c "$PWD" sh -c 'echo $$ >me.pid; echo "cannot bind" >&2
		exec 3>&-; exec sleep 3633'
	assert_failure 3
	assert_equal "$stderr" "daemonize: 'sh' closed descriptor 3 before it was ready
    cannot bind"
	assert_undone
}

@test "several --wait: all must hold" {
	run --separate-stderr dz -t 10 -w path:made -w log:ready -w fd:4 \
	    -o d.log -p d.pid -c "$PWD" sh -c 'echo $$ >me.pid; touch made
		echo >&4; sleep 0.3; echo ready; exec sleep 3621'
	assert_started
	assert_file_exists made
	holds d.log $'ready\n'
	assert_running
}

@test "while waiting the daemon is daemonize's child; once ready, init's" {
	spawn_dz -t 30 -w path:go -p d.pid sleep 3622
	poll has_pid d.pid
	pid=$(pid_in d.pid)
	poll ppid_is "$pid" "$dzpid"
	touch go
	wait_dz
	assert_equal "$rc" 0
	holds dz.err ""
	alive "$pid"
	if in_pid_namespace; then
		assert_equal "$(stat_field "$pid" 4)" 1
	fi
}

# interrupt SIG: SIGSIG to daemonize while it waits: 128+N, said so, stopped.
interrupt() {
	local pid
	spawn_dz -t 30 -w path:never -p d.pid -l d.lock sleep 3623
	poll has_pid d.pid
	pid=$(pid_in d.pid)
	poll is_sleeping "$pid"
	echo "$pid" >me.pid
	kill -"$1" "$dzpid"
	wait_dz
	assert_equal "$rc" $((128 + $(kill -l "$1")))
	holds dz.err "daemonize: interrupted by SIG$1; stopped 'sleep'"$'\n'
	assert_undone
}

@test "SIGTERM while waiting: 143, daemon stopped" {
	interrupt TERM
}

@test "SIGINT while waiting: 130, daemon stopped" {
	interrupt INT
}

@test "SIGHUP while waiting: 129, daemon stopped" {
	interrupt HUP
}

@test "a SIGHUP the caller ignores stays ignored while waiting" {
	(trap '' HUP && exec "$DAEMONIZE" -t 30 -w path:go -p d.pid sleep 3624) \
	    2>dz.err 3>&- &
	dzpid=$!
	track "$dzpid"
	poll has_pid d.pid
	pid=$(pid_in d.pid)
	poll is_sleeping "$pid"
	# The control: daemonize itself does ignore it.
	has_sig "$(status_field "$dzpid" SigIgn)" 1
	kill -HUP "$dzpid"
	touch go
	wait_dz
	assert_equal "$rc" 0
	holds dz.err ""
	alive "$pid"
	holds d.pid "$pid"$'\n'
}

@test "timeout: a daemon ignoring SIGTERM gets SIGKILL 2 s later, with its group" {
	start=$(date +%s%N)
	run --separate-stderr dz -t 0.5 -w path:never -p d.pid -l d.lock \
	    -c "$PWD" sh -c 'trap "" TERM; echo $$ >me.pid
		sleep 3625 & echo $! >child.pid; wait'
	end=$(date +%s%N)
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 0.5 seconds; stopped it"
	ms=$(((end - start) / 1000000))
	((ms >= 2400)) || fail "returned after $ms ms: no 2 s grace before SIGKILL"
	((ms < 5000)) || fail "returned only after $ms ms"
	assert_undone
	child=$(pid_in child.pid)
	dead "$child" || fail "the daemon's child $child is still alive"
}

@test "-t bounds a plain start too: one that execs in time succeeds" {
	run --separate-stderr dz -t 5 true
	assert_started
	run --separate-stderr dz -t 5 -p d.pid -c "$PWD" \
	    sh -c 'echo $$ >me.pid; exec sleep 3626'
	assert_started
	poll has_pid me.pid
	assert_running
}

@test "timeout: a child that left the session but holds the pidfile is stopped too" {
	run --separate-stderr dz -t 0.5 -w path:never -p d.pid \
	    sh -c 'setsid sleep 3631 & echo $! >'"$PWD"'/escaped.pid
		exec sleep 3632'
	assert_failure 124
	assert_equal "$stderr" "daemonize: 'sh' was not ready within 0.5 seconds; stopped it"
	escaped=$(pid_in escaped.pid)
	track "$escaped"
	dead "$escaped"
	assert_file_not_exists d.pid
}
