#!/usr/bin/env bats
# Finding and executing COMMAND: exit codes and messages of every start
# failure, with nothing left behind; PATH lookup, relative paths, arguments.

load helper

# The scratch directory's entries, hidden ones included.
listing() {
	ls -A "${1:-.}"
}

# A failed start left nothing: the directory holds what it held before, and
# no process carries the tag.
left_nothing() {
	local before=$1 tag=$2
	assert_equal "$(listing)" "$before"
	poll no_process "$tag"
}

# fails CODE MESSAGE: the start failed with exactly that one line.
fails() {
	assert_failure "$1"
	assert_output "daemonize: $2"
}

script() {
	local path=$1
	shift
	mkdir -p "$(dirname "$path")"
	printf '%s\n' "$@" >"$path"
	chmod 755 "$path"
}

@test "a command not in PATH exits 127" {
	t=$(tag)
	before=$(listing)
	run -127 dz -p x.pid -l x.lock -o x.log nosuchcmd "$t"
	fails 127 "cannot execute 'nosuchcmd': No such file or directory"
	left_nothing "$before" "$t"
}

@test "a command path that does not exist exits 127" {
	t=$(tag)
	before=$(listing)
	run -127 dz -p x.pid -o x.log ./nosuch/cmd "$t"
	fails 127 "cannot execute './nosuch/cmd': No such file or directory"
	left_nothing "$before" "$t"
	run -127 dz -p x.pid -o x.log /no/such/cmd "$t"
	fails 127 "cannot execute '/no/such/cmd': No such file or directory"
	left_nothing "$before" "$t"
}

@test "a file without execute permission exits 126" {
	t=$(tag)
	printf '#!/bin/sh\nsleep 300\n' >noexec
	chmod 644 noexec
	before=$(listing)
	run dz -p x.pid -o x.log ./noexec "$t"
	fails 126 "cannot execute './noexec': Permission denied"
	left_nothing "$before" "$t"
}

@test "a directory as the command exits 126" {
	t=$(tag)
	mkdir adir
	before=$(listing)
	run dz -p x.pid -o x.log ./adir "$t"
	fails 126 "cannot execute './adir': Is a directory"
	left_nothing "$before" "$t"
}

@test "a script whose interpreter is missing exits 127 naming the interpreter" {
	t=$(tag)
	script script '#!/no/such/interp' 'sleep 300'
	before=$(listing)
	run -127 dz -p x.pid -l x.lock -o x.log -e x.err ./script "$t"
	fails 127 "cannot run interpreter '/no/such/interp' of './script': No such file or directory"
	left_nothing "$before" "$t"
}

@test "a script without a #! line runs under /bin/sh" {
	# $0 of the script is /bin/sh's operand, the script itself.
	script plain 'echo "ran $# $1" >"$DZ_OUT"'
	DZ_OUT=$BATS_TEST_TMPDIR/ran dz -p p.pid ./plain one
	poll test -s ran
	assert_equal "$(<ran)" "ran 1 one"
}

# An ELF header for a machine no kernel runs (e_machine 0xbeef), then shell
# text that would leave the file ran behind if /bin/sh ever ran it.
foreign_elf() {
	{
		printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
		printf '\002\000\357\276\001\000\000\000'
		head -c 40 /dev/zero
		printf '\ntouch "%s"\n' "$PWD/ran"
	} >"$1"
	chmod 755 "$1"
}

@test "an ELF file for another machine exits 126, never run under /bin/sh" {
	t=$(tag)
	foreign_elf ./foreign
	before=$(listing)
	run dz -p x.pid -l x.lock -o x.log ./foreign "$t"
	fails 126 "cannot execute './foreign': Exec format error"
	left_nothing "$before" "$t"
	assert_file_not_exists ran
	# The file is shell text to /bin/sh: the test could see it run.
	sh ./foreign 2>/dev/null || true
	assert_file_exists ran
}

@test "a truncated ELF file exits 126" {
	t=$(tag)
	head -c 100 "$(command -v sleep)" >cut
	chmod 755 cut
	before=$(listing)
	run dz -p x.pid -o x.log ./cut 300 "$t"
	fails 126 "cannot execute './cut': Exec format error"
	left_nothing "$before" "$t"
}

@test "a file with a NUL in its first line is a binary, not shell text: 126" {
	t=$(tag)
	printf 'junk\000junk\ntouch "%s"\n' "$PWD/ran" >data
	chmod 755 data
	before=$(listing)
	run dz -p x.pid ./data "$t"
	fails 126 "cannot execute './data': Exec format error"
	left_nothing "$before" "$t"
	assert_file_not_exists ran
}

@test "-c to a missing directory exits 125 naming the path as given" {
	t=$(tag)
	before=$(listing)
	run dz -p x.pid -l x.lock -o x.log -c nodir sh -c 'sleep 300; :' "$t"
	fails 125 "cannot change directory to 'nodir': No such file or directory"
	left_nothing "$before" "$t"
	run dz -p x.pid -c ../nodir/sub sh -c 'sleep 300; :' "$t"
	fails 125 "cannot change directory to '../nodir/sub': No such file or directory"
	left_nothing "$before" "$t"
}

@test "a failing start without -o or -e creates no file" {
	t=$(tag)
	mkdir wd
	script script '#!/no/such/interp'
	before=$(listing)
	run -127 dz -c wd ./script "$t"
	assert_failure 127
	left_nothing "$before" "$t"
	assert_equal "$(listing wd)" ""
	run dz -c nodir sh -c 'sleep 300; :' "$t"
	assert_failure 125
	left_nothing "$before" "$t"
}

@test "the command is looked up in the caller's PATH" {
	script bin/dz-probe '#!/bin/sh' 'echo "probe $*" >"$DZ_OUT"'
	# Not found without the directory in PATH.
	run -127 dz dz-probe x
	fails 127 "cannot execute 'dz-probe': No such file or directory"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH DZ_OUT=$BATS_TEST_TMPDIR/out \
	    dz -p p.pid dz-probe x
	poll test -s out
	assert_equal "$(<out)" "probe x"
}

@test "the caller's PATH is searched in order" {
	script first/dz-which '#!/bin/sh' 'echo first >"$DZ_OUT"'
	script second/dz-which '#!/bin/sh' 'echo second >"$DZ_OUT"'
	PATH=$BATS_TEST_TMPDIR/second:$BATS_TEST_TMPDIR/first:$PATH \
	    DZ_OUT=$BATS_TEST_TMPDIR/out dz -p p.pid dz-which
	poll test -s out
	assert_equal "$(<out)" "second"
}

@test "a relative command path is resolved against the caller's directory" {
	script bin/x '#!/bin/sh' 'echo caller >"$DZ_OUT"'
	# The daemon's own directory has a bin/x too; it must not be the one.
	script wd/bin/x '#!/bin/sh' 'echo daemon >"$DZ_OUT"'
	DZ_OUT=$BATS_TEST_TMPDIR/out dz -p p.pid ./bin/x
	poll test -s out
	assert_equal "$(<out)" "caller"
	rm out
	DZ_OUT=$BATS_TEST_TMPDIR/out dz -p q.pid -c wd ./bin/x
	poll test -s out
	assert_equal "$(<out)" "caller"
	rm out
	mkdir sub
	(cd sub && DZ_OUT=$BATS_TEST_TMPDIR/out dz -p ../r.pid -c ../wd ../bin/x)
	poll test -s out
	assert_equal "$(<out)" "caller"
}

@test "arguments are passed exactly" {
	# Globs would match in the daemon's directory, /.
	dz -p a.pid -o args.log sh -c 'printf "%s\n" "$@"' sh \
	    'a b' '' '*' '/*' '?' '[a-z]*' '$HOME' '  lead' 'trail  ' \
	    "x'y\"z" 'back\slash' '-n' '--' 'tab	in'
	pid=$(pid_in a.pid)
	wait_dead "$pid"
	expected=$(printf '%s\n' 'a b' '' '*' '/*' '?' '[a-z]*' '$HOME' \
	    '  lead' 'trail  ' "x'y\"z" 'back\slash' '-n' '--' 'tab	in')
	assert_equal "$(<args.log)" "$expected"
	assert_equal "$(wc -l <args.log)" 14
}

@test "the command is exec'd in the daemon's own process" {
	dz -p s.pid sleep 3017
	pid=$(pid_in s.pid)
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 3017 "
	assert_equal "$(readlink "/proc/$pid/exe")" "$(readlink -f "$(command -v sleep)")"
	# The only process of this start: no daemonize left waiting around it.
	assert_equal "$(pgrep -f -- 'sleep 3017')" "$pid"
	ppid=$(stat_field "$pid" 4)
	assert_not_equal "$(readlink "/proc/$ppid/exe")" "$DAEMONIZE"
}

@test "a relative path with no known current directory exits 125" {
	mkdir gone
	cd gone
	rmdir ../gone
	run -125 dz -p rel.pid sleep 3060
	assert_output "daemonize: cannot find the current directory: No such file or directory"
	assert_file_not_exists "$BATS_TEST_TMPDIR/rel.pid"
	# Absolute paths need no current directory.
	run dz -p "$BATS_TEST_TMPDIR/abs.pid" sleep 3061
	assert_success
	pid=$(pid_in "$BATS_TEST_TMPDIR/abs.pid")
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 3061 "
}

@test "a name with a newline stays on one line, the newline shown as \\n" {
	run --separate-stderr -127 dz -p x.pid $'./no\nsuch'
	assert_equal "$stderr" "daemonize: cannot execute './no\\nsuch': No such file or directory"
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr -125 dz -p x.pid -c $'no\ndir' true
	assert_equal "$stderr" "daemonize: cannot change directory to 'no\\ndir': No such file or directory"
	run --separate-stderr -125 dz -p x.pid -o $'no\tdir/out\r.log' true
	assert_equal "$stderr" "daemonize: cannot open log file 'no\\tdir/out\\r.log': No such file or directory"
	assert_file_not_exists x.pid
}

@test "escape sequences and C1 controls in a name are shown in octal" {
	# ESC [2J would clear a terminal; U+009B (C2 9B in UTF-8) is the
	# one-byte CSI of a terminal that reads C1 controls.
	run --separate-stderr -127 dz -p x.pid $'./x\033[2Jy\302\233z\177'
	assert_equal "$stderr" "daemonize: cannot execute './x\\033[2Jy\\302\\233z\\177': No such file or directory"
	# Other UTF-8 stays as it is: é, and the no-break space C2 A0.
	run --separate-stderr -127 dz -p x.pid $'./caf\303\251\302\240'
	assert_equal "$stderr" $'daemonize: cannot execute \'./caf\303\251\302\240\': No such file or directory'
}
