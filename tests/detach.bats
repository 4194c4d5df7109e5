#!/usr/bin/env bats
# What the daemon gets from detaching: session, terminal, parent, directory,
# umask, standard streams, pidfile; and what -f keeps of the caller.

load helper

# The daemon of pidfile $1, checked to be running its command already.
daemon_of() {
	local pid
	pid=$(pid_in "$1") || return 1
	alive "$pid" || return 1
	echo "$pid"
}

@test "double fork: a new session the daemon does not lead, no terminal" {
	dz -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	sid=$(stat_field "$pid" 6)
	assert_not_equal "$sid" "$pid"
	assert_not_equal "$sid" "$(stat_field "$BASHPID" 6)"	# not ours
	assert_equal "$(stat_field "$pid" 5)" "$sid"	# pgid: the first child's
	assert_equal "$(stat_field "$pid" 7)" 0
	# The session leader (the first child) is gone.
	run dead "$sid"
	assert_success
}

@test "a caller with a controlling terminal does not pass it on" {
	# script(1) runs the caller on a pty that is its controlling terminal.
	run env SHELL=/bin/sh script -qec "cut -d' ' -f7 /proc/self/stat" /dev/null
	assert_success
	assert_output --regexp '^[1-9][0-9]*'	# the control: a real tty
	run env SHELL=/bin/sh script -qec "'$DAEMONIZE' -p '$PWD/two.pid' sleep 300" /dev/null
	assert_success
	run env SHELL=/bin/sh script -qec "'$DAEMONIZE' -1 -p '$PWD/one.pid' sleep 300" /dev/null
	assert_success
	pid=$(daemon_of two.pid)
	assert_equal "$(stat_field "$pid" 7)" 0
	pid=$(daemon_of one.pid)
	assert_equal "$(stat_field "$pid" 7)" 0
	assert_equal "$(readlink /proc/"$pid"/fd/0)" /dev/null
}

@test "the daemon is a child of init, not of daemonize" {
	"$DAEMONIZE" -p d.pid sleep 300 &
	dzpid=$!	# daemonize itself, not a subshell
	wait "$dzpid"
	pid=$(daemon_of d.pid)
	ppid=$(stat_field "$pid" 4)
	assert_not_equal "$ppid" "$dzpid"
	assert_not_equal "$ppid" "$BASHPID"
	if in_pid_namespace; then
		assert_equal "$ppid" 1
	fi
}

@test "-1: the daemon leads its own session" {
	dz -1 -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	assert_equal "$(stat_field "$pid" 6)" "$pid"
	assert_equal "$(stat_field "$pid" 5)" "$pid"
	assert_equal "$(stat_field "$pid" 7)" 0
	if in_pid_namespace; then
		assert_equal "$(stat_field "$pid" 4)" 1
	fi
}

@test "the working directory is / by default" {
	dz -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	assert_equal "$(readlink /proc/"$pid"/cwd)" /
}

@test "-c sets the working directory, relative to the caller's" {
	mkdir -p sub/dir
	dz -c sub/dir -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	assert_equal "$(readlink /proc/"$pid"/cwd)" "$(cd sub/dir && pwd -P)"
	dz --chdir "$PWD/sub" -p abs.pid sleep 300
	pid=$(daemon_of abs.pid)
	assert_equal "$(readlink /proc/"$pid"/cwd)" "$(cd sub && pwd -P)"
}

@test "the umask is 022 by default, whatever the caller's" {
	dz -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	assert_equal "$(status_field "$pid" Umask)" 0022
	(umask 077 && dz -p strict.pid sleep 300)
	pid=$(daemon_of strict.pid)
	assert_equal "$(status_field "$pid" Umask)" 0022
}

@test "-m sets the umask" {
	dz -m 077 -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	assert_equal "$(status_field "$pid" Umask)" 0077
	(umask 0 && dz --umask 0027 -p b.pid sleep 300)
	pid=$(daemon_of b.pid)
	assert_equal "$(status_field "$pid" Umask)" 0027
}

@test "stdin is /dev/null read-only, stdout and stderr /dev/null write-only" {
	echo data >in.txt
	dz -p d.pid sleep 300 <in.txt >out.txt 2>err.txt
	pid=$(daemon_of d.pid)
	assert_null_stdio "$pid"
}

@test "-o and -e replace stdout and stderr; stdin stays /dev/null" {
	dz -o out.log -p d.pid sleep 300
	pid=$(daemon_of d.pid)
	assert_equal "$(fd_target "$pid" 0)" /dev/null
	assert_equal "$(fd_access "$pid" 0)" rdonly
	assert_equal "$(fd_target "$pid" 1)" "$PWD/out.log"
	assert_equal "$(fd_target "$pid" 2)" /dev/null
	assert_equal "$(fd_access "$pid" 2)" wronly
	dz -e err.log -p e.pid sleep 300
	pid=$(daemon_of e.pid)
	assert_equal "$(fd_target "$pid" 1)" /dev/null
	assert_equal "$(fd_access "$pid" 1)" wronly
	assert_equal "$(fd_target "$pid" 2)" "$PWD/err.log"
}

@test "the pidfile holds the daemon's pid on the very next line" {
	dz -p d.pid sleep 300
	content=$(cat d.pid; echo x)
	pid=${content%$'\n'x}
	assert_regex "$pid" '^[1-9][0-9]*$'	# one pid, then a newline
	# It is the daemon, already running the command.
	assert_equal "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "sleep 300 "
	assert_not_equal "$(stat_field "$pid" 6)" "$pid"
	alive "$pid"
}

@test "-f: the command runs in daemonize's own process" {
	run bash -c 'echo $$; exec "$DAEMONIZE" -f -p f.pid sh -c "echo \$\$"'
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_regex "${lines[0]}" '^[1-9][0-9]*$'
	assert_equal "${lines[1]}" "${lines[0]}"
	assert_equal "$(pid_in f.pid)" "${lines[0]}"
	run dz -f -p g.pid sh -c 'echo $$'
	assert_success
	assert_output "$(pid_in g.pid)"
}

@test "-f: no new session, the caller's process group" {
	mine=$(stat_field "$BASHPID" 6)
	group=$(stat_field "$BASHPID" 5)
	run dz -f sh -c 'cut -d" " -f5,6 /proc/$$/stat; echo $$'
	assert_success
	assert_equal "${#lines[@]}" 2
	read -r pgid sid <<<"${lines[0]}"
	assert_equal "$sid" "$mine"
	assert_equal "$pgid" "$group"
	assert_not_equal "$sid" "${lines[1]}"
	assert_not_equal "$pgid" "${lines[1]}"
}

@test "-f: stdin, stdout and stderr stay the caller's" {
	echo data >in.txt
	dz -f sh -c 'readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2; cat' \
	    <in.txt >out.txt 2>err.txt
	run cat out.txt
	assert_line --index 0 "$PWD/in.txt"
	assert_line --index 1 "$PWD/out.txt"
	assert_line --index 2 "$PWD/err.txt"
	assert_line --index 3 data
	assert_equal "${#lines[@]}" 4
}

@test "-f: -o and -e still redirect" {
	echo data >in.txt
	run --separate-stderr dz -f -o f.out -e f.err \
	    sh -c 'echo to-out; echo to-err >&2; readlink /proc/$$/fd/0' <in.txt
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	run cat f.out
	assert_line --index 0 to-out
	# stdin is not replaced in the foreground.
	assert_line --index 1 "$PWD/in.txt"
	run cat f.err
	assert_output to-err
}

@test "-f: the directory and umask are still applied" {
	mkdir sub
	(umask 077 && dz -f sh -c 'pwd -P; umask' >res.txt)
	run cat res.txt
	assert_line --index 0 /
	assert_line --index 1 0022
	(umask 0 && dz -f -c sub -m 027 sh -c 'pwd -P; umask' >res2.txt)
	run cat res2.txt
	assert_line --index 0 "$(cd sub && pwd -P)"
	assert_line --index 1 0027
}

@test "-f: a set-up error goes to the caller's stderr, not to -e's log" {
	: >f.log
	run --separate-stderr dz -f -e f.log -c missing true
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" \
	    "daemonize: cannot change directory to 'missing': No such file or directory"
	assert_file_empty f.log
	# An exec failure, after the redirection too.
	printf '#!/nonexistent/interp\n' >script
	chmod +x script
	run -127 --separate-stderr dz -f -e f.log -o f.log ./script
	assert_failure 127
	assert_equal "$stderr" \
	    "daemonize: cannot run interpreter '/nonexistent/interp' of './script': No such file or directory"
	assert_file_empty f.log
}

@test "-f: the long-running command is the process daemonize was" {
	"$DAEMONIZE" -f -p f.pid sleep 300 >f.out 2>&1 &
	dzpid=$!
	track "$dzpid"
	poll is_sleeping "$dzpid"
	assert_equal "$(pid_in f.pid)" "$dzpid"
	assert_equal "$(stat_field "$dzpid" 4)" "$BASHPID"
	assert_equal "$(readlink /proc/"$dzpid"/cwd)" /
}
