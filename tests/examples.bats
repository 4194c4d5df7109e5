#!/usr/bin/env bats
# examples/: the LSB init script and the demo. (tests/run runs the example
# bats file, examples/webserver.bats, as part of the suite.)

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

setup() {
	scratch_setup
	mkdir www
	echo "hello $(tag)" >www/hello.txt
	export DAEMONIZE PYTHON=/usr/bin/python3 DOCROOT=$BATS_TEST_TMPDIR/www \
	    PIDFILE=$BATS_TEST_TMPDIR/web.pid LOGFILE=$BATS_TEST_TMPDIR/web.log \
	    RUN_AS= TIMEOUT=10
	PORT=$(free_port)
	export PORT
}

init() {
	"$ROOT/examples/webserver.init" "$@"
}

# The body of GET PATH over HTTP/1.0 on $PORT.
http_body() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || return
	printf 'GET %s HTTP/1.0\r\n\r\n' "$1" >&"$fd"
	timeout 10 cat <&"$fd" | tr -d '\r' | sed '1,/^$/d'
	exec {fd}<&-
}

@test "init script: start waits for the server, status and stop use the pidfile" {
	run --separate-stderr init start
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	pid=$(pid_in web.pid)
	track "$pid"
	# Ready on return: the first connection is served.
	run http_body /hello.txt
	assert_output "hello $(tag)"

	run init status
	assert_success
	assert_output "running as pid $pid"

	# Starting a running service is success, as LSB wants.
	run --separate-stderr init start
	assert_success
	assert_equal "$stderr" \
	    "daemonize: already running as pid $pid (pidfile $PIDFILE)"

	run init stop
	assert_success
	assert_output ""
	assert dead "$pid"
	assert_file_not_exists web.pid

	run init status
	assert_failure 3
	assert_output "not running"
	# Stopping a stopped service is success too.
	run init stop
	assert_success
}

@test "init script: restart gives a new server; try-restart only a running one" {
	run init try-restart
	assert_success
	assert_file_not_exists web.pid

	init start
	old=$(pid_in web.pid)
	track "$old"
	run init restart
	assert_success
	new=$(pid_in web.pid)
	track "$new"
	assert [ "$new" != "$old" ]
	assert dead "$old"
	run http_body /hello.txt
	assert_output "hello $(tag)"

	run init try-restart
	assert_success
	newer=$(pid_in web.pid)
	track "$newer"
	assert [ "$newer" != "$new" ]
	assert dead "$new"
	alive "$newer"
	init stop
}

# A server the supervisor sup runs that is not old, serving: its pid.
new_server() {
	local pid
	pid=$(child_of "$1") && [ "$pid" != "$2" ] && alive "$pid" &&
	    [ "$(http_body /hello.txt)" = "hello $(tag)" ] && echo "$pid"
}

@test "init script: with RESTART, a server that crashes is started again" {
	export RESTART=on-failure RESTART_DELAY=0.1:5
	run --separate-stderr init start
	assert_success
	assert_equal "$stderr" ""
	sup=$(pid_in web.pid)
	track "$sup"
	old=$(child_of "$sup")
	track "$old"
	assert_equal "$(<"/proc/$old/comm")" python3
	run init status
	assert_success
	assert_output "running as pid $sup (supervising pid $old)"

	kill -KILL "$old"
	new=$(poll new_server "$sup" "$old")
	track "$new"
	assert_equal "$(pid_in web.pid)" "$sup"
	run grep -F daemonize: web.log
	assert_output "daemonize: '$PYTHON' killed by signal 9; restarting in 0.1 s"

	# stop ends the supervision: the server and the supervisor go.
	run init stop
	assert_success
	assert_output ""
	assert dead "$sup"
	assert dead "$new"
	assert_file_not_exists web.pid
	run init status
	assert_failure 3
}

@test "init script: failures map to LSB exit codes" {
	# Not installed: the server's interpreter is missing.
	PYTHON=$BATS_TEST_TMPDIR/no-python run init start
	assert_failure 5
	assert_file_not_exists web.pid
	# Set-up failed: no such document root.
	DOCROOT=$BATS_TEST_TMPDIR/missing run init start
	assert_failure 1
	assert_file_not_exists web.pid
	# A bad setting: not a port.
	PORT=http run init start
	assert_failure 6
	# The server exits before it is ready.
	PYTHON=/bin/false run init start
	assert_failure 1
	assert_output "daemonize: '/bin/false' exited with status 1 before it was ready"
	assert_file_not_exists web.pid
}

@test "init script: status of a stale or unreadable pidfile" {
	sh -c 'echo $$' >web.pid	# a pid that has exited
	run init status
	assert_failure 1
	assert_output "not running; stale pidfile"
	# Status never removes it; stop does.
	assert_file_exists web.pid
	run init stop
	assert_success
	assert_file_not_exists web.pid

	echo garbage >web.pid
	run init status
	assert_failure 4
	assert_output "daemonize: pidfile '$PIDFILE' does not hold a pid"
}

@test "init script: unknown and unsupported actions" {
	run init reload
	assert_failure 3
	assert_output "webserver: reload is not supported; use restart"
	run init frobnicate
	assert_failure 2
	assert_output "Usage: $ROOT/examples/webserver.init {start|stop|status|restart|try-restart|force-reload}"
	DAEMONIZE=$BATS_TEST_TMPDIR/missing run init start
	assert_failure 5
	DAEMONIZE=$BATS_TEST_TMPDIR/missing run init status
	assert_failure 4
}

@test "the demo starts, shows and stops its daemon" {
	run "$ROOT/examples/demo"
	assert_success
	assert_line --index 0 \
	    "\$ daemonize -p ticker.pid -o ticker.log sh -c 'while :; do date; sleep 1; done'"
	assert_line --regexp '^exit status 0; ticker.pid already holds [0-9]+$'
	assert_line --partial "(already running)"
	pid=$(sed -n 's/^exit status 0; ticker.pid already holds \([0-9]*\)$/\1/p' \
	    <<<"$output")
	[[ $pid =~ ^[0-9]+$ ]] || fail "the demo named no pid"
	track "$pid"
	assert_line "\$ daemonize --stop -p ticker.pid"
	assert_line "exit status 0; stopped, and ticker.pid removed"
	assert_line --index $((${#lines[@]} - 2)) "not running"
	assert_line --index $((${#lines[@]} - 1)) \
	    "exit status 3 (not running, no pidfile)"
	# --stop returned once the daemon was gone (a zombie counts).
	dead "$pid"
}
