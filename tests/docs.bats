#!/usr/bin/env bats
# The manual, the README and the completion files against --help: the same
# options, the same exit codes, the same messages.

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
MAN=$ROOT/man/daemonize.1

# Every option of --help in its order: the long name, or the short one
# where there is no long one.
help_order() {
	"$DAEMONIZE" --help | sed -nE 's/^  (-[[:alnum:]]), (--[a-z-]+).*/\2/p
	    s/^  (-[[:alnum:]]) .*/\1/p; s/^      (--[a-z-]+).*/\1/p'
}

# The options the manual's option list defines: its ".It Fl" lines, where
# ".Fl \-stop" is --stop.
man_long() {
	sed -n 's/\\-/-/g; /^\.It Fl /p' "$MAN" | grep -oE -- 'Fl -[a-z-]+' |
	    sed 's/^Fl /-/' | LC_ALL=C sort -u
}

man_short() {
	sed -nE 's/^\.It Fl ([[:alnum:]])( ,.*)?$/-\1/p' "$MAN" | LC_ALL=C sort
}

# The rows of the README's option table: "| -x | --long | ARG | meaning |".
readme_long() {
	sed -nE 's/^\| (-[[:alnum:]])? *\| (--[a-z-]+) \|.*/\2/p' "$ROOT/README.md" |
	    LC_ALL=C sort
}

readme_short() {
	sed -nE 's/^\| (-[[:alnum:]]) \| (--[a-z-]+ )?\|.*/\1/p' "$ROOT/README.md" |
	    LC_ALL=C sort
}

@test "--help lists options, long and short" {
	run help_long
	assert_line --index 0 --append
	assert_line --pidfile
	run help_short
	assert_line -p
	# A short option without a long one counts too.
	assert_line -r
	run help_order
	assert_line --index 0 --single-fork
	assert_line -r
}

@test "the manual lints clean" {
	run mandoc -Tlint -Wwarning "$MAN"
	assert_success
	assert_output ""
}

@test "the manual describes every option of --help, and no other" {
	assert_equal "$(man_long)" "$(help_long)"
	assert_equal "$(man_short)" "$(help_short)"
}

@test "the manual's options come in the order of --help" {
	assert_equal "$(sed -n 's/\\-/-/g; s/^\.It Fl \(.\) , Fl \(-[a-z-]*\).*/-\2/p
	    s/^\.It Fl \([[:alnum:]]\)$/-\1/p
	    s/^\.It Fl \(-[a-z-]*\).*/-\1/p' "$MAN")" "$(help_order)"
}

@test "the README's option table has every option of --help, and no other" {
	assert_equal "$(readme_long)" "$(help_long)"
	assert_equal "$(readme_short)" "$(help_short)"
}

@test "each completion file names every long option of --help, and no other" {
	want=$(help_long)
	assert_equal "$(grep -oE -- '--[a-z][a-z-]+' "$ROOT/completions/daemonize.bash" |
	    LC_ALL=C sort -u)" "$want"
	assert_equal "$(grep -oE -- '--[a-z][a-z-]+' "$ROOT/completions/_daemonize" |
	    LC_ALL=C sort -u)" "$want"
	assert_equal "$(grep '^complete ' "$ROOT/completions/daemonize.fish" |
	    grep -oE -- ' -l [a-z-]+' | sed 's/ -l /--/' | LC_ALL=C sort -u)" "$want"
}

@test "the manual's SYNOPSIS has the four forms of --help" {
	run sh -c 'mandoc -Tascii "$1" | col -b | sed -n "/^SYNOPSIS/,/^DESCRIPTION/p"' \
	    sh "$MAN"
	assert_line --regexp '^     daemonize \[-12afqrv\] .*'
	assert_line --regexp '^     daemonize --stop -p file \[-v\] \[--signal sig\] \[-t secs\]$'
	assert_line --regexp '^     daemonize --status -p file \[-v\]$'
	assert_line --regexp '^     daemonize --signal sig -p file \[-qv\]$'
	run "$DAEMONIZE" --help
	assert_line --index 1 "  or:  daemonize --stop -p PIDFILE [--signal SIG] [--timeout SECS]"
	assert_line --index 2 "  or:  daemonize --status -p PIDFILE"
	assert_line --index 3 "  or:  daemonize --signal SIG -p PIDFILE"
}

@test "the manual's EXIT STATUS has every exit code of src/exitcodes.h" {
	exits=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$MAN")
	for code in $(awk '$1 == "#define" && $2 ~ /^EXIT_/ { print $3 }' \
	    "$ROOT/src/exitcodes.h"); do
		grep -qx ".It $code" <<<"$exits" ||
		    fail "EXIT STATUS lacks exit code $code"
	done
	# And the README's table too.
	for code in 0 1 2 3 4 7 124 125 126 127; do
		grep -q "^| $code |" "$ROOT/README.md" ||
		    fail "the README's exit status table lacks $code"
	done
}

# Each usage error the manual quotes, with a command line that makes it.
@test "the usage errors the manual quotes are the ones daemonize prints" {
	while IFS='|' read -r args message; do
		grep -qxF -- "$message" "$MAN" ||
		    fail "the manual does not quote: $message"
		# shellcheck disable=SC2086
		run "$DAEMONIZE" $args
		assert_failure 2
		assert_line --index 0 "$message"
		assert_line --index 1 "Try 'daemonize --help'."
	done <<'EOF_CASES'
--stop -p x.pid -w notify|daemonize: option '--wait' cannot be used with --stop
--signal HUP -p x.pid -o x.log|daemonize: option '--stdout' cannot be used with --signal
--status -p x.pid --signal HUP|daemonize: option '--signal' cannot be used with --status
--stop --signal 0 -p x.pid|daemonize: signal 0 cannot be used with --stop: it only checks
--stop|daemonize: --stop needs --pidfile
--signal TERM true|daemonize: --signal needs --pidfile
-f -w notify true|daemonize: --wait cannot be used with --foreground
-w log:x true|daemonize: --wait 'log:x' needs --stdout or --stderr
--nice 20 true|daemonize: invalid --nice '20' (-20 to 19)
--rlimit nofile=10:5 true|daemonize: invalid --rlimit 'nofile=10:5': the soft limit is above the hard one
--restart-delay 1 true|daemonize: option '--restart-delay' needs --restart or -r
--restart never true|daemonize: invalid --restart 'never' (want on-failure or always)
-r --restart-delay 5:1 true|daemonize: invalid --restart-delay '5:1' (want MIN[:MAX] in seconds, MIN no more than MAX)
--timestamps true|daemonize: option '--timestamps' needs --stdout or --stderr
-o x.log --log-keep 3 true|daemonize: option '--log-keep' needs --log-size
-o x.log --log-size 4095 true|daemonize: invalid --log-size '4095' (bytes, with k, M or G, at least 4096)
EOF_CASES
}

@test "the README starts with the two quick-start commands" {
	run sed -n 3,4p "$ROOT/README.md"
	assert_line --index 0 --partial "apt-get install -y make && make deps demo"
	assert_line --index 1 --partial "apt-get install -y make && make deps check"
}

@test "the files the manual and the README point to exist" {
	for f in examples/webserver.init examples/webserver.bats; do
		assert_file_executable "$ROOT/$f"
		grep -qF "$f" "$ROOT/README.md" || fail "the README does not name $f"
	done
	grep -qF examples/webserver.init "$MAN"
}

@test "no recipe puts a pidfile or log where other users can write" {
	# A pidfile in /tmp can be planted by anyone first (and root then
	# refuses it, or signals what it names).
	run grep -nE -- '-[pleo] "?/(tmp|var/tmp|dev/shm)/' "$ROOT/README.md" "$MAN"
	assert_failure 1
	assert_output ""
}
