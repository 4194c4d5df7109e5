#!/usr/bin/env bats
# Command line: usage errors, --help, --version, where options stop.

load helper

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr dz --help
	assert_success
	assert_line --index 0 "Usage: daemonize [OPTION]... [--] COMMAND [ARG]..."
	assert_equal "$stderr" ""
	run --separate-stderr dz -h
	assert_success
	assert_line --index 0 "Usage: daemonize [OPTION]... [--] COMMAND [ARG]..."
}

@test "--version prints the version on stdout and exits 0" {
	run --separate-stderr dz --version
	assert_success
	assert_output --regexp '^daemonize [0-9]+\.[0-9]+\.[0-9]+$'
	assert_equal "$stderr" ""
	run dz -V
	assert_success
}

@test "no command is a usage error" {
	run dz
	usage_fails "no command given"
	run dz -p x.pid --
	usage_fails "no command given"
	assert_file_not_exists x.pid
}

@test "an unknown short option is a usage error" {
	run dz -x true
	usage_fails "invalid option -- 'x'"
	run dz -vx true
	usage_fails "invalid option -- 'x'"
}

@test "an unknown long option is a usage error" {
	run dz --bogus true
	usage_fails "unrecognized option '--bogus'"
	run dz --verbose=yes true
	usage_fails "unrecognized option '--verbose=yes'"
}

@test "a missing option argument is a usage error" {
	run dz -p
	usage_fails "option requires an argument -- 'p'"
	run dz --pidfile
	usage_fails "option '--pidfile' requires an argument"
}

@test "an empty option argument is a usage error" {
	run dz -p '' true
	usage_fails "option '--pidfile' needs a non-empty argument"
	run dz --chdir= true
	usage_fails "option '--chdir' needs a non-empty argument"
}

@test "umask must be octal from 0 to 0777" {
	run dz -m 8 true
	usage_fails "invalid umask '8' (octal, 0 to 0777)"
	run dz -m 1000 true
	usage_fails "invalid umask '1000' (octal, 0 to 0777)"
	run dz -m -1 true
	usage_fails "invalid umask '-1' (octal, 0 to 0777)"
	run dz -m 0x1 true
	usage_fails "invalid umask '0x1' (octal, 0 to 0777)"
	run dz -m 0777 -p ok.pid true
	assert_success
}

@test "--keep-fd takes a descriptor of 3 or more" {
	run dz --keep-fd 2 true
	usage_fails "invalid descriptor '2' for --keep-fd: too small (3 or more)"
	run dz --keep-fd 5x true
	usage_fails "invalid descriptor '5x' for --keep-fd: invalid (3 or more)"
	run dz --keep-fd -3 true
	usage_fails "invalid descriptor '-3' for --keep-fd: too small (3 or more)"
}

@test "--timeout takes plain decimal seconds" {
	for bad in -1 1e3 inf nan 1. .5 5s 1000001; do
		run dz -t "$bad" true
		usage_fails "invalid timeout '$bad' (seconds, 0 to 1000000)"
	done
	run dz -t 0.25 true
	assert_success
	run dz --timeout 10 true
	assert_success
}

@test "-E takes NAME=VALUE" {
	run dz -E FOO true
	usage_fails "invalid environment assignment 'FOO' (want NAME=VALUE)"
	run dz -E =x true
	usage_fails "invalid environment assignment '=x' (want NAME=VALUE)"
}

@test "-u takes USER or USER:GROUP" {
	run dz -u root: true
	usage_fails "invalid user 'root:' (want USER or USER:GROUP)"
	run dz -u :root true
	usage_fails "invalid user ':root' (want USER or USER:GROUP)"
}

@test "options stop at the first non-option" {
	run dz -f -- sh -c 'echo "$@"' sh -p x.pid -v
	assert_success
	assert_output "-p x.pid -v"
	assert_file_not_exists x.pid
	# Without --, too: -l goes to ls, not to daemonize.
	run dz -f ls -l /dev/null
	assert_success
	assert_output --partial "/dev/null"
	assert_output --regexp '^crw'
}

@test "a usage error leaves nothing behind" {
	# The control: a start that works leaves its daemon, and leaves sees it.
	run leaves ok.pid "$DAEMONIZE" -p d.pid sleep 300
	assert_success
	pid=$(pid_in d.pid)
	holds ok.pid "$pid"$'\n'
	run leaves left.pid "$DAEMONIZE" -p u.pid -o u.log -m 9 sleep 300
	assert_failure 2
	holds left.pid ""
	assert_file_not_exists u.pid
	assert_file_not_exists u.log
}

@test "of -1 and -2 the last given wins" {
	dz -2 -1 -p one.pid sleep 300
	pid=$(pid_in one.pid)
	assert_equal "$(stat_field "$pid" 6)" "$pid"	# session leader
	dz -1 -2 -p two.pid sleep 300
	pid=$(pid_in two.pid)
	assert_not_equal "$(stat_field "$pid" 6)" "$pid"
}
