#!/usr/bin/env bats
# Log files of -o and -e: append or truncate, one shared file for one path,
# their mode, relative paths, and failures to open them.

load helper

O_APPEND=02000

# Start a short command with pidfile PIDFILE and wait until it has exited,
# so its output is complete.
run_to_end() {
	local pidfile=$1 pid
	shift
	dz -p "$pidfile" "$@"
	pid=$(pid_in "$pidfile")
	wait_dead "$pid"
}

# The file offset of descriptor N of PID: shared by one open file's users.
fd_pos() {
	awk '$1 == "pos:" { print $2 }' "/proc/$1/fdinfo/$2"
}

appends() {
	local f
	f=$(fd_flags "$1" "$2") || return 1
	(((8#$f & O_APPEND) != 0))
}

@test "-o and -e append to existing files" {
	printf 'old out\n' >out.log
	printf 'old err\n' >err.log
	run_to_end a.pid -o out.log -e err.log sh -c 'echo new out; echo new err >&2'
	assert_equal "$(<out.log)" $'old out\nnew out'
	assert_equal "$(<err.log)" $'old err\nnew err'
	# A second start appends again.
	run_to_end b.pid -o out.log -e err.log sh -c 'echo more out; echo more err >&2'
	assert_equal "$(<out.log)" $'old out\nnew out\nmore out'
	assert_equal "$(<err.log)" $'old err\nnew err\nmore err'
}

@test "-a is accepted and appends" {
	printf 'old out\n' >out.log
	printf 'old err\n' >err.log
	run_to_end a.pid -a -o out.log -e err.log sh -c 'echo new out; echo new err >&2'
	assert_equal "$(<out.log)" $'old out\nnew out'
	assert_equal "$(<err.log)" $'old err\nnew err'
	run_to_end b.pid --append -o out.log sh -c 'echo more'
	assert_equal "$(<out.log)" $'old out\nnew out\nmore'
}

@test "--truncate truncates the log files" {
	printf 'old out line that is long\n' >out.log
	printf 'old err line that is long\n' >err.log
	run_to_end a.pid --truncate -o out.log -e err.log sh -c 'echo new; echo bad >&2'
	assert_equal "$(<out.log)" "new"
	assert_equal "$(<err.log)" "bad"
}

@test "stdout and stderr go to /dev/null only where no log is given" {
	dz -p a.pid -o out.log sleep 3021
	pid=$(pid_in a.pid)
	assert_equal "$(fd_target "$pid" 1)" "$BATS_TEST_TMPDIR/out.log"
	assert_equal "$(fd_target "$pid" 2)" /dev/null
	dz -p b.pid -e err.log sleep 3022
	pid=$(pid_in b.pid)
	assert_equal "$(fd_target "$pid" 1)" /dev/null
	assert_equal "$(fd_target "$pid" 2)" "$BATS_TEST_TMPDIR/err.log"
}

@test "the same path for -o and -e shares one open file" {
	# One open file has one offset: a write to stdout moves stderr's too,
	# which two separate opens of the file would not do.
	printf 'previous content, longer than the new\n' >both.log
	dz --truncate -p a.pid -o both.log -e both.log \
	    sh -c 'echo aaaa; echo bb >&2; echo c; exec sleep 3023'
	pid=$(pid_in a.pid)
	poll has_line both.log c
	assert_equal "$(<both.log)" $'aaaa\nbb\nc'
	assert_equal "$(fd_target "$pid" 1)" "$BATS_TEST_TMPDIR/both.log"
	assert_equal "$(fd_target "$pid" 2)" "$BATS_TEST_TMPDIR/both.log"
	dz -p b.pid -o one.log -e one.log sh -c 'echo aaaa; exec sleep 3028'
	pid=$(pid_in b.pid)
	poll has_line one.log aaaa
	assert_equal "$(fd_pos "$pid" 1)" 5
	assert_equal "$(fd_pos "$pid" 2)" 5
}

@test "the same file under two spellings for -o and -e is shared too" {
	mkdir sub
	dz -p a.pid -o both.log -e sub/../both.log \
	    sh -c 'echo aaaa; exec sleep 3024'
	pid=$(pid_in a.pid)
	poll has_line both.log aaaa
	assert_equal "$(fd_pos "$pid" 1)" 5
	assert_equal "$(fd_pos "$pid" 2)" 5
}

@test "separate files for -o and -e are separate open files" {
	dz -p a.pid -o out.log -e err.log sh -c 'echo aaaa; exec sleep 3029'
	pid=$(pid_in a.pid)
	poll has_line out.log aaaa
	assert_equal "$(fd_pos "$pid" 1)" 5
	assert_equal "$(fd_pos "$pid" 2)" 0
}

@test "a log file is created with mode 0666 minus the umask" {
	run_to_end a.pid -o def.log -e deferr.log true
	assert_equal "$(stat -c %a def.log)" 644
	assert_equal "$(stat -c %a deferr.log)" 644
	run_to_end b.pid -m 027 -o m027.log -e m027err.log true
	assert_equal "$(stat -c %a m027.log)" 640
	assert_equal "$(stat -c %a m027err.log)" 640
	run_to_end c.pid -m 0 -o m0.log true
	assert_equal "$(stat -c %a m0.log)" 666
	run_to_end d.pid -m 0777 -o m777.log true
	assert_equal "$(stat -c %a m777.log)" 0
}

@test "the caller's umask does not change the log file mode" {
	umask 077
	run_to_end a.pid -o def.log true
	assert_equal "$(stat -c %a def.log)" 644
	umask 0
	run_to_end b.pid -m 027 -o m027.log true
	assert_equal "$(stat -c %a m027.log)" 640
}

@test "an existing log file keeps its mode" {
	printf 'x\n' >keep.log
	chmod 600 keep.log
	run_to_end a.pid -m 0 -o keep.log true
	assert_equal "$(stat -c %a keep.log)" 600
}

@test "-o in a missing directory exits 125 and leaves nothing" {
	t=$(tag)
	before=$(ls -A)
	run dz -p x.pid -l x.lock -o nodir/out.log sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot open log file 'nodir/out.log': No such file or directory"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "-e in a missing directory exits 125 and removes the -o file it created" {
	t=$(tag)
	before=$(ls -A)
	run dz -p x.pid -o out.log -e nodir/err.log sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot open log file 'nodir/err.log': No such file or directory"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "a failed start keeps an existing log file and its content" {
	t=$(tag)
	printf 'old\n' >out.log
	run -127 dz -p x.pid -o out.log -e err.log ./nosuch "$t"
	assert_output "daemonize: cannot execute './nosuch': No such file or directory"
	assert_equal "$(<out.log)" old
	assert_file_not_exists err.log
	assert_file_not_exists x.pid
	printf '#!/no/such/interp\n' >script
	chmod 755 script
	run -127 dz --truncate -p x.pid -o out.log -e err.log ./script "$t"
	assert_output "daemonize: cannot run interpreter '/no/such/interp' of './script': No such file or directory"
	assert_file_exists out.log
	assert_file_not_exists err.log
	assert_file_not_exists x.pid
	poll no_process "$t"
}

@test "relative log paths are resolved against the caller's directory" {
	mkdir wd sub
	(cd sub && run_to_end ../a.pid -c ../wd -o out.log -e ../err.log \
	    sh -c 'echo to out; echo to err >&2')
	assert_equal "$(<sub/out.log)" "to out"
	assert_equal "$(<err.log)" "to err"
	assert_equal "$(ls -A wd)" ""
}

@test "log descriptors are O_APPEND, with --truncate too" {
	dz -p a.pid -o out.log -e err.log sleep 3025
	pid=$(pid_in a.pid)
	appends "$pid" 1
	appends "$pid" 2
	assert_equal "$(fd_access "$pid" 1)" wronly
	assert_equal "$(fd_access "$pid" 2)" wronly
	dz -p b.pid -a -o both.log -e both.log sleep 3026
	pid=$(pid_in b.pid)
	appends "$pid" 1
	appends "$pid" 2
	# So other writers and copytruncate rotation leave no holes.
	dz -p c.pid --truncate -o tout.log -e terr.log sleep 3027
	pid=$(pid_in c.pid)
	appends "$pid" 1
	appends "$pid" 2
	assert_equal "$(fd_access "$pid" 1)" wronly
}

@test "--truncate leaves an old log alone when set-up fails before the exec" {
	printf 'old\n' >out.log
	run -125 dz --truncate -p x.pid -o out.log -c nodir true
	assert_output "daemonize: cannot change directory to 'nodir': No such file or directory"
	assert_equal "$(<out.log)" old
	assert_file_not_exists x.pid
}

@test "--truncate leaves what is not a regular file alone" {
	dz --truncate -p a.pid -o /dev/null sleep 3030
	pid=$(pid_in a.pid)
	assert_equal "$(fd_target "$pid" 1)" /dev/null
}

@test "a dangling symbolic link as a log is followed and its target created" {
	ln -s target.log link.log
	run timeout 10 "$DAEMONIZE" -p a.pid -o link.log sh -c 'echo hi; exec sleep 3031'
	assert_success
	poll has_line target.log hi
}

@test "--truncate keeps the old log when the exec will fail" {
	printf 'old\n' >old.log
	printf '#!/no/such/interp\n' >script
	chmod 755 script
	run -127 dz --truncate -p x.pid -o old.log ./script
	assert_output "daemonize: cannot run interpreter '/no/such/interp' of './script': No such file or directory"
	assert_equal "$(<old.log)" old
	assert_file_not_exists x.pid
}

@test "a FIFO log with no reader fails at once instead of hanging" {
	mkfifo ff
	# No pipe of bats' for a hanging daemon's side to hold open.
	rc=0
	leaves left.pid timeout 10 "$DAEMONIZE" -p f.pid -o ff sleep 3032 \
	    >/dev/null 2>err.txt || rc=$?
	assert_equal "$rc" 125
	assert_equal "$(<err.txt)" "daemonize: cannot open log file 'ff': No such device or address"
	assert_file_not_exists f.pid
	all_end left.pid
}

@test "a FIFO log with a reader works" {
	mkfifo ff
	# The reader must have it open before the start: opened here, read
	# and write so the open does not wait for a writer, handed to cat.
	local r
	exec {r}<>ff
	cat <&"$r" >got.txt &
	track $!
	exec {r}<&-
	dz -p f.pid -o ff sh -c 'echo through the fifo'
	poll has_line got.txt 'through the fifo'
}

@test "a failed start removes the target a dangling log link led to, not the link" {
	t=$(tag)
	ln -s target.log link.log
	ln -s target.err link.err
	run -125 dz -p a.pid -o link.log -e link.err -c nodir sh -c 'sleep 300; :' "$t"
	assert_output "daemonize: cannot change directory to 'nodir': No such file or directory"
	assert_equal "$(ls | tr '\n' ' ')" "link.err link.log "
	poll no_process "$t"
}

@test "-o or -e that is the pidfile, however spelled, is a set-up error" {
	t=$(tag)
	mkdir d
	ln -s x.pid sym.pid
	for log in x.pid ./x.pid d/../x.pid "$PWD/x.pid" sym.pid; do
		run -125 dz -p x.pid -o "$log" sh -c 'sleep 300; :' "$t"
		assert_output "daemonize: cannot use log file '$log': it is the pidfile"
		run -125 dz -p x.pid -e "$log" sh -c 'sleep 300; :' "$t"
		assert_output "daemonize: cannot use log file '$log': it is the pidfile"
		assert_file_not_exists x.pid
	done
	poll no_process "$t"
}

@test "-o or -e that is the lockfile is a set-up error; the lockfile is left as it was" {
	t=$(tag)
	printf 'mine\n' >x.lock
	run -125 dz -p x.pid -l x.lock -e ./x.lock sh -c 'sleep 300; :' "$t"
	assert_output "daemonize: cannot use log file './x.lock': it is the lockfile"
	holds x.lock $'mine\n'
	# A hard link is the same file too.
	ln x.lock hard.log
	run -125 dz -l x.lock -o hard.log sh -c 'sleep 300; :' "$t"
	assert_output "daemonize: cannot use log file 'hard.log': it is the lockfile"
	holds x.lock $'mine\n'
	run -125 dz -l new.lock -o new.lock sh -c 'sleep 300; :' "$t"
	assert_output "daemonize: cannot use log file 'new.lock': it is the lockfile"
	assert_equal "$(ls | tr '\n' ' ')" "hard.log x.lock "
	poll no_process "$t"
}
