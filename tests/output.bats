#!/usr/bin/env bats
# Output that cannot be written counts: --help and --version into a full
# device or a pipe nobody reads exit 1; --status, --stop and --signal keep
# their own exit code, and none dies of SIGPIPE.

load helper

# Run CMD... with descriptor FD (1 or 2) the write end of a pipe whose
# read end is closed, and SIGPIPE at its default (python ignores it).
no_reader() {
	local fd=$1
	shift
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
r, w = os.pipe()
os.close(r)
os.dup2(w, int(sys.argv[1]))
os.close(w)
os.execv(sys.argv[2], sys.argv[2:])' "$fd" "$@"
}

# Run CMD... with stdout on /dev/full.
to_full() {
	"$@" >/dev/full
}

@test "--help and --version into a full device exit 1, saying why" {
	for opt in --help -h --version -V; do
		run --separate-stderr to_full dz "$opt"
		assert_failure 1
		assert_equal "$stderr" "daemonize: cannot write to standard output: No space left on device"
	done
}

@test "--help and --version into a pipe nobody reads exit 1, not 141" {
	for opt in --help --version; do
		run --separate-stderr no_reader 1 "$DAEMONIZE" "$opt"
		assert_failure 1
		assert_equal "$stderr" "daemonize: cannot write to standard output: Broken pipe"
	done
	# The same pipe with a reader: 0.
	run --separate-stderr dz --version
	assert_success
	assert_output --regexp '^daemonize [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "--status keeps its LSB code when its line cannot be written" {
	dz -p s.pid sleep 3301
	pid=$(pid_in s.pid)
	run --separate-stderr no_reader 1 "$DAEMONIZE" --status -p s.pid
	assert_success
	assert_equal "$stderr" "daemonize: cannot write to standard output: Broken pipe"
	run --separate-stderr to_full dz --status -p s.pid
	assert_success
	assert_equal "$stderr" "daemonize: cannot write to standard output: No space left on device"
	run --separate-stderr no_reader 1 "$DAEMONIZE" --status -p none.pid
	assert_failure 3
	run --separate-stderr to_full dz --status -p none.pid
	assert_failure 3
	assert_equal "$stderr" "daemonize: cannot write to standard output: No space left on device"
	alive "$pid"
}

@test "--stop and --signal keep their exit codes when stderr cannot be written" {
	dz -p s.pid sleep 3302
	pid=$(pid_in s.pid)
	run no_reader 2 "$DAEMONIZE" -v --signal 0 -p s.pid
	assert_success
	run no_reader 2 "$DAEMONIZE" --signal HUP -p none.pid
	assert_failure 7
	run no_reader 2 "$DAEMONIZE" --stop -v -p s.pid
	assert_success
	dead "$pid"
	assert_file_not_exists s.pid
	run no_reader 2 "$DAEMONIZE" --stop -v -p s.pid
	assert_success
	echo abc >bad.pid
	run no_reader 2 "$DAEMONIZE" --stop -p bad.pid
	assert_failure 125
	run no_reader 2 "$DAEMONIZE" --status -p bad.pid
	assert_failure 4
}
