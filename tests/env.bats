#!/usr/bin/env bats
# The daemon's environment: the caller's, exactly, unless -E, --clear-env or
# -u change it.

load helper

# daemonize with exactly the environment given as NAME=VALUE arguments
# before --, none added by the shell.
dz_env() {
	local vars=()
	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	env -i "${vars[@]}" "$DAEMONIZE" "$@"
}

# The environment of PID, one variable a line, sorted (values here hold no
# newline).
environ_of() {
	tr '\0' '\n' <"/proc/$1/environ" | LC_ALL=C sort
}

lines() {
	printf '%s\n' "$@" | LC_ALL=C sort
}

@test "without env options the daemon gets the caller's environment exactly" {
	vars=(A=1 'B=x y' $'C=two\nlines' 'D=a=b' 'E=' PATH="$PATH")
	env -i "${vars[@]}" env -0 >want
	dz_env "${vars[@]}" -- -p e.pid sleep 3031
	pid=$(pid_in e.pid)
	cat "/proc/$pid/environ" >got
	# Byte for byte, order included: nothing added, nothing removed.
	run cmp want got
	assert_success
	assert_equal "$(tr -cd '\0' <got | wc -c)" 6
}

@test "an empty caller environment stays empty" {
	# No PATH either: the command is given by its path.
	env -i "$DAEMONIZE" -p e.pid "$(command -v sleep)" 3032
	pid=$(pid_in e.pid)
	assert_equal "$(stat -c %s "/proc/$pid/environ")" 0
	run cat "/proc/$pid/environ"
	assert_output ""
}

@test "-E adds and overrides variables, in order, the last one winning" {
	dz_env A=1 B=2 PATH="$PATH" -- -p e.pid -E B=20 -E C=3 -E C=30 \
	    -E 'D=with space' -E E= -E F=a=b sleep 3033
	pid=$(pid_in e.pid)
	assert_equal "$(environ_of "$pid")" \
	    "$(lines A=1 B=20 C=30 'D=with space' E= F=a=b PATH="$PATH")"
}

@test "-E may change PATH without changing where the command was found" {
	mkdir bin
	ln -s "$(command -v sleep)" bin/dz-sleep
	dz_env PATH="$BATS_TEST_TMPDIR/bin:$PATH" -- -p e.pid -E PATH=/nowhere \
	    dz-sleep 3034
	pid=$(pid_in e.pid)
	assert_equal "$(environ_of "$pid")" "PATH=/nowhere"
}

@test "--clear-env starts the command with an empty environment" {
	mkdir bin
	# Only in the caller's PATH: found through it, not through a default.
	ln -s "$(command -v sleep)" bin/dz-sleep
	dz_env A=1 HOME=/root PATH="$BATS_TEST_TMPDIR/bin:$PATH" -- \
	    -p e.pid --clear-env dz-sleep 3035
	pid=$(pid_in e.pid)
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "dz-sleep 3035 "
	assert_equal "$(stat -c %s "/proc/$pid/environ")" 0
	run cat "/proc/$pid/environ"
	assert_output ""
}

@test "--clear-env keeps the -E variables, whatever their order" {
	mkdir bin
	ln -s "$(command -v sleep)" bin/dz-sleep
	dz_env A=1 PATH="$BATS_TEST_TMPDIR/bin:$PATH" -- \
	    -p e.pid -E X=1 --clear-env -E Y=2 -E X=3 dz-sleep 3036
	pid=$(pid_in e.pid)
	assert_equal "$(environ_of "$pid")" "$(lines X=3 Y=2)"
}

@test "-u sets HOME, USER, LOGNAME and SHELL from the password database" {
	need_root
	IFS=: read -r name _ _ _ _ home shell < <(getent passwd nobody)
	dz_env A=1 HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
	    PATH="$PATH" -- -p e.pid -u nobody sleep 3037
	pid=$(pid_in e.pid)
	assert_equal "$(environ_of "$pid")" "$(lines A=1 "HOME=$home" \
	    "USER=$name" "LOGNAME=$name" "SHELL=$shell" PATH="$PATH")"
}

@test "--clear-env with -u gives only HOME, USER, LOGNAME, SHELL and -E" {
	need_root
	IFS=: read -r name _ _ _ _ home shell < <(getent passwd nobody)
	dz_env A=1 PATH="$PATH" -- -p e.pid --clear-env -u nobody -E B=2 \
	    sleep 3038
	pid=$(pid_in e.pid)
	assert_equal "$(environ_of "$pid")" "$(lines "HOME=$home" \
	    "USER=$name" "LOGNAME=$name" "SHELL=$shell" B=2)"
}
