#!/usr/bin/env bats
# Shell completion: bash, zsh and fish, asked for real, against --help.

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

setup() {
	scratch_setup
	# A command of our own, with a completion of its own in each shell.
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n' >"$BATS_TEST_TMPDIR/bin/dz-fake-cmd"
	chmod +x "$BATS_TEST_TMPDIR/bin/dz-fake-cmd"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	# Files to complete.
	mkdir "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return
	touch file1 file2
	mkdir subdir
}

# What compopt was asked for goes to $BATS_TEST_TMPDIR/compopt.
complete_bash() {
	COMPLETE_FIRST="complete -W '-x alpha beta' dz-fake-cmd" \
	    "$ROOT/tests/complete-bash" "$1" 2>"$BATS_TEST_TMPDIR/compopt" |
	    LC_ALL=C sort
}

complete_zsh() {
	COMPLETE_FIRST='_dz_fake() { compadd -- -x alpha beta }; compdef _dz_fake dz-fake-cmd' \
	    timeout 30 "$ROOT/tests/complete-zsh" "$1" | LC_ALL=C sort
}

complete_fish() {
	timeout 30 fish --no-config -c '
	    source $argv[1]; or exit 2
	    complete -c dz-fake-cmd -x -a "-x alpha beta"
	    complete -C $argv[2]' "$ROOT/completions/daemonize.fish" "$1" |
	    cut -f1 | LC_ALL=C sort
}

# Lines of the output: exactly the words given, in any order.
assert_words() {
	local want
	want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$want"
}

@test "bash: every long option of --help, and no other" {
	want=$(help_long)
	[ -n "$want" ]
	run complete_bash 'daemonize --'
	assert_success
	assert_equal "$output" "$want"
}

@test "bash: every short option of --help after a dash" {
	want=$(help_short)
	run complete_bash 'daemonize -'
	assert_success
	assert_equal "$(grep -v -- '^--' <<<"$output" | LC_ALL=C sort)" "$want"
}

@test "bash: an abbreviated long option" {
	run complete_bash 'daemonize --pid'
	assert_output --pidfile
	run complete_bash 'daemonize --cl'
	assert_output --clear-env
}

@test "bash: --stop and --status offer only their own options" {
	run complete_bash 'daemonize --stop -'
	assert_words -p -t -v --pidfile --signal --timeout --verbose
	run complete_bash 'daemonize --status -p x.pid --'
	assert_words --pidfile --verbose
}

@test "bash: --signal without --stop offers only its own options, and no command" {
	run complete_bash 'daemonize --signal HUP -'
	assert_words -p -q -v --pidfile --quiet --stop --verbose
	run complete_bash 'daemonize --signal=HUP -p x.pid --'
	assert_words --pidfile --quiet --stop --verbose
	run complete_bash 'daemonize --signal HUP -p x.pid dz-fake-c'
	assert_output ""
	# With --stop, it is the signal that stops.
	run complete_bash 'daemonize --signal HUP --stop -'
	assert_words -p -t -v --pidfile --signal --timeout --verbose
}

@test "bash: files for -p -l -o -e, directories for -c" {
	for opt in -p -l -o -e --pidfile --lockfile --stdout --stderr -vp; do
		run complete_bash "daemonize $opt fi"
		assert_words file1 file2
	done
	run complete_bash 'daemonize --stdout=fi'
	assert_words file1 file2
	run complete_bash 'daemonize -c '
	assert_words subdir
	run complete_bash 'daemonize --chdir=s'
	assert_words subdir
}

@test "bash: users for -u, and groups after USER:" {
	run complete_bash 'daemonize -u roo'
	assert_output root
	run complete_bash 'daemonize --user=roo'
	assert_output root
	# Readline replaces only what follows the colon.
	run complete_bash 'daemonize -u nobody:roo'
	assert_output root
}

@test "bash: signal names for --signal" {
	run complete_bash 'daemonize --stop -p x.pid --signal TE'
	assert_output TERM
	run complete_bash 'daemonize --stop -p x.pid --signal USR'
	assert_words USR1 USR2
	run complete_bash 'daemonize --signal '
	assert_success
	assert_line HUP
	assert_line RTMIN
	refute_line --partial JUNK
	refute_line ''
}

@test "bash: the --wait forms, and files after path:" {
	run complete_bash 'daemonize -w '
	assert_words fd: log: notify path: tcp:
	run complete_bash 'daemonize --wait=pa'
	assert_output path:
	assert_equal "$(<"$BATS_TEST_TMPDIR/compopt")" "compopt -o nospace"
	run complete_bash 'daemonize -w path:su'
	assert_output subdir
	run complete_bash 'daemonize -w tcp:80'
	assert_output ""
}

@test "bash: resource names for --rlimit, then nothing for the values" {
	run complete_bash 'daemonize --rlimit no'
	assert_output nofile=
	assert_equal "$(<"$BATS_TEST_TMPDIR/compopt")" "compopt -o nospace"
	run complete_bash 'daemonize --rlimit=s'
	assert_words sigpending= stack=
	run complete_bash 'daemonize --rlimit nofile=1'
	assert_output ""
	run complete_bash 'daemonize --nice '
	assert_output ""
}

@test "bash: the values of --restart, nothing for its numbers" {
	run complete_bash 'daemonize --restart '
	assert_words always on-failure
	run complete_bash 'daemonize -p x.pid --restart=on'
	assert_output on-failure
	run complete_bash 'daemonize --restart-d'
	assert_output --restart-delay
	run complete_bash 'daemonize -r --restart-delay '
	assert_output ""
	run complete_bash 'daemonize -r --restart-limit=1'
	assert_output ""
	# Each takes its word: the command comes after.
	run complete_bash 'daemonize --restart always --restart-limit 3 dz-fake-c'
	assert_output dz-fake-cmd
	run complete_bash 'daemonize -rp x.pid dz-fake-c'
	assert_output dz-fake-cmd
	# Start options: not offered with --stop.
	run complete_bash 'daemonize --stop --res'
	assert_output ""
}

@test "bash: the logging options: nothing for their numbers; --timestamps takes no word" {
	run complete_bash 'daemonize --log-s'
	assert_output --log-size
	run complete_bash 'daemonize --tim'
	assert_words --timeout --timestamps
	run complete_bash 'daemonize --log-size '
	assert_output ""
	run complete_bash 'daemonize --log-size 1M --log-keep='
	assert_output ""
	# Each takes its word, --timestamps none: the command comes after.
	run complete_bash 'daemonize --log-size 1M --log-keep 3 -o x.log dz-fake-c'
	assert_output dz-fake-cmd
	run complete_bash 'daemonize --timestamps dz-fake-c'
	assert_output dz-fake-cmd
	run complete_bash 'daemonize --timestamps -o fi'
	assert_words file1 file2
	# Start options: not offered with --stop.
	run complete_bash 'daemonize --stop --log'
	assert_output ""
	run complete_bash 'daemonize --stop --times'
	assert_output ""
}

@test "bash: the command, then its own completion" {
	run complete_bash 'daemonize -p x.pid dz-fake-c'
	assert_output dz-fake-cmd
	run complete_bash 'daemonize -p x.pid dz-fake-cmd al'
	assert_output alpha
	# The words readline splits at ':' and '=' do not shift the command.
	run complete_bash 'daemonize -w tcp:8080 --pidfile=x.pid dz-fake-cmd b'
	assert_output beta
	run complete_bash 'daemonize -vp x.pid -E A=b -- dz-fake-cmd -'
	assert_output -x
	# bash-completion's own completion for cat: files.
	run complete_bash 'daemonize -p x.pid cat fi'
	assert_words file1 file2
}

@test "bash: no options of daemonize after the command" {
	run complete_bash 'daemonize dz-fake-cmd --pid'
	assert_output ""
	# After --, even a word with dashes is the command.
	run complete_bash 'daemonize -p x.pid -- --pid'
	assert_output ""
	run complete_bash 'daemonize -p x.pid -- dz-fake-c'
	assert_output dz-fake-cmd
}

@test "zsh: the completion file parses" {
	run zsh -n "$ROOT/completions/_daemonize"
	assert_success
	assert_output ""
}

@test "zsh: every long option of --help, and no other" {
	want=$(help_long)
	run complete_zsh 'daemonize -'
	assert_success
	assert_equal "$(grep -- '^--' <<<"$output")" "$want"
	assert_equal "$(grep -E -- '^-[^-]' <<<"$output" | LC_ALL=C sort)" "$(help_short)"
}

@test "zsh: the options of --stop, --status and --signal" {
	run complete_zsh 'daemonize --stop -'
	assert_equal "$(grep -- '^--' <<<"$output" | tr '\n' ' ')" "--help --pidfile --signal --timeout --verbose --version "
	run complete_zsh 'daemonize --status -'
	assert_equal "$(grep -- '^--' <<<"$output" | tr '\n' ' ')" "--help --pidfile --verbose --version "
	run complete_zsh 'daemonize --signal HUP -'
	assert_equal "$(grep -- '^--' <<<"$output" | tr '\n' ' ')" "--help --pidfile --quiet --stop --verbose --version "
}

@test "zsh: option arguments" {
	run complete_zsh 'daemonize --stop -p x.pid --signal TE'
	assert_output TERM
	run complete_zsh 'daemonize -u roo'
	assert_output root
	run complete_zsh 'daemonize -u nobody:roo'
	assert_output root
	run complete_zsh 'daemonize -w '
	assert_words fd: log: notify path: tcp:
	run complete_zsh 'daemonize -w path:su'
	assert_output subdir
	run complete_zsh 'daemonize -c '
	assert_output subdir
	run complete_zsh 'daemonize -o fi'
	assert_words file1 file2
	run complete_zsh 'daemonize --rlimit s'
	assert_words sigpending stack
	run complete_zsh 'daemonize --restart '
	assert_words always on-failure
	run complete_zsh 'daemonize -p x.pid --restart=al'
	assert_output always
	run complete_zsh 'daemonize -r --restart-limit 3 dz-fake-c'
	assert_output dz-fake-cmd
	run complete_zsh 'daemonize --log-size 1M --log-keep 3 -o x.log dz-fake-c'
	assert_output dz-fake-cmd
	run complete_zsh 'daemonize --timestamps dz-fake-c'
	assert_output dz-fake-cmd
	run complete_zsh 'daemonize --stop --log'
	assert_output ""
}

@test "zsh: the command, then its own completion" {
	run complete_zsh 'daemonize -p x.pid dz-fake-c'
	assert_output dz-fake-cmd
	run complete_zsh 'daemonize -w tcp:8080 --pidfile=x.pid dz-fake-cmd al'
	assert_output alpha
	run complete_zsh 'daemonize -vp x.pid dz-fake-cmd -'
	assert_output -x
	run complete_zsh 'daemonize dz-fake-cmd --pid'
	assert_output ""
}

@test "fish: the completion file parses" {
	run fish --no-config --no-execute "$ROOT/completions/daemonize.fish"
	assert_success
	assert_output ""
}

@test "fish: every long option of --help, and no other" {
	want=$(help_long)
	run complete_fish 'daemonize --'
	assert_success
	assert_equal "$output" "$want"
}

@test "fish: --stop, --status and --signal offer only their own options" {
	run complete_fish 'daemonize --stop --'
	assert_words --pidfile --signal --timeout --verbose
	run complete_fish 'daemonize --status -p x.pid --'
	assert_words --pidfile --verbose
	run complete_fish 'daemonize --signal HUP --'
	assert_words --pidfile --quiet --stop --verbose
	run complete_fish 'daemonize --signal HUP --stop --'
	assert_words --pidfile --signal --timeout --verbose
	run complete_fish 'daemonize --signal HUP -p x.pid dz-fake-c'
	assert_output ""
	run complete_fish 'daemonize --stop -p x.pid dz-fake-c'
	assert_output ""
}

@test "fish: option arguments" {
	run complete_fish 'daemonize --sig'
	assert_output --signal
	run complete_fish 'daemonize --stop -p x.pid --signal TE'
	assert_output TERM
	run complete_fish 'daemonize -u roo'
	assert_output root
	run complete_fish 'daemonize -u nobody:roo'
	assert_output nobody:root
	run complete_fish 'daemonize -w '
	assert_words fd: log: notify path: tcp:
	run complete_fish 'daemonize -w path:su'
	assert_output path:subdir/
	run complete_fish 'daemonize -c '
	assert_output subdir/
	run complete_fish 'daemonize -o fi'
	assert_words file1 file2
	run complete_fish 'daemonize --rlimit s'
	assert_words sigpending= stack=
	run complete_fish 'daemonize --restart '
	assert_words always on-failure
	run complete_fish 'daemonize -p x.pid --restart=al'
	assert_output --restart=always
	run complete_fish 'daemonize -r --restart-limit 3 dz-fake-c'
	assert_output dz-fake-cmd
	run complete_fish 'daemonize --stop --res'
	assert_output ""
	run complete_fish 'daemonize --log-size 1M --log-keep 3 -o x.log dz-fake-c'
	assert_output dz-fake-cmd
	run complete_fish 'daemonize --timestamps dz-fake-c'
	assert_output dz-fake-cmd
	run complete_fish 'daemonize --stop --log'
	assert_output ""
	run complete_fish 'daemonize --stop --times'
	assert_output ""
}

@test "fish: the command, then its own completion" {
	run complete_fish 'daemonize -p x.pid dz-fake-c'
	assert_output dz-fake-cmd
	run complete_fish 'daemonize -w tcp:8080 --pidfile=x.pid dz-fake-cmd al'
	assert_output alpha
	run complete_fish 'daemonize -vp x.pid -- dz-fake-cmd -'
	assert_output -x
	run complete_fish 'daemonize dz-fake-cmd --pid'
	assert_output ""
}
