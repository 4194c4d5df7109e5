#!/usr/bin/env bats
# A real server shared by the tests of a bats file: setup_file starts it with
# daemonize, which returns only once it accepts connections; teardown_file
# stops it. Run it with `bats examples/webserver.bats`; DAEMONIZE names the
# binary to use (default: daemonize in PATH).

DAEMONIZE=${DAEMONIZE:-daemonize}
PYTHON=/usr/bin/python3		# the system's own, whatever shims PATH holds

# A TCP port that nothing listens on: the one the kernel gives to a bind to
# port 0. (Should another process take it before the server binds it, the
# server fails, and the first test sees someone else's server.)
free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

setup_file() {
	export DOCROOT=$BATS_FILE_TMPDIR/www PIDFILE=$BATS_FILE_TMPDIR/server.pid
	export TOKEN=$RANDOM$RANDOM
	PORT=$(free_port) || return
	export PORT
	mkdir "$DOCROOT"
	echo "hello $TOKEN" >"$DOCROOT/hello.txt"

	"$DAEMONIZE" -p "$PIDFILE" -o "$BATS_FILE_TMPDIR/server.log" \
	    -e "$BATS_FILE_TMPDIR/server.log" -c "$DOCROOT" \
	    -w "tcp:127.0.0.1:$PORT" -t 10 \
	    "$PYTHON" -m http.server --bind 127.0.0.1 "$PORT"
}

teardown_file() {
	local pid state
	pid=$(cat "$PIDFILE") || return
	"$DAEMONIZE" --stop -p "$PIDFILE" || return
	# It returns once the server is gone (a zombie counts as gone), and
	# removes the pidfile.
	state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
	[ -z "$state" ] || [ "$state" = Z ] || return
	[ ! -e "$PIDFILE" ]
}

# GET PATH over HTTP/1.0 (the server closes the connection after replying),
# through bash's /dev/tcp; the reply on stdout, without CRs.
http_get() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || return
	printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&"$fd"
	timeout 10 cat <&"$fd" | tr -d '\r'
	exec {fd}<&-
}

@test "the server runs and answers as soon as setup_file returns" {
	pid=$(cat "$PIDFILE")
	grep -qF http.server "/proc/$pid/cmdline"
	run http_get /
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "HTTP/1.0 200 OK" ]
}

@test "it serves the file this run wrote" {
	run http_get /hello.txt
	[ "${lines[0]}" = "HTTP/1.0 200 OK" ]
	[ "${lines[-1]}" = "hello $TOKEN" ]
}

@test "a missing file is 404" {
	run http_get /missing.txt
	[ "${lines[0]}" = "HTTP/1.0 404 File not found" ]
}
