# Helpers the relay's tests share: tests/relay.bats (through its driver)
# and tests/logging.bats (through daemonize). Load after helper.bash.

# The logs app.log.3 ... app.log after copytruncate rotations of a numbered
# flood ("line N ..."): no zeros from an old offset (the file is appended
# to), and in order; lines written between logrotate's copy and its
# truncation are lost by logrotate itself, so any gap is at the start of a
# file.
copytruncate_kept_order() {
	local f
	assert_equal "$(cat app.log* | tr -d '\n[:print:]' | wc -c)" 0
	for f in app.log.3 app.log.2 app.log.1 app.log; do
		grep -v '^daemonize: ' "$f" | awk -v f="$f" '
		    { n = $2 + 0 }
		    NR > 1 && n != last + 1 { print f ": " $0; exit 1 }
		    { last = n }'
	done
	cat app.log.3 app.log.2 app.log.1 app.log | grep -v '^daemonize: ' |
	    awk '{ n = $2 + 0 } NR > 1 && n <= last { exit 1 } { last = n }'
}

# A tmpfs of SIZE at ./disk, private to the suite's mount namespace
# (tests/run runs the suite in one of its own, as root).
small_disk() {
	need_root
	in_pid_namespace || skip "needs the suite's own mount namespace (tests/run)"
	mkdir disk
	mount -t tmpfs -o "size=$1" tmpfs disk
}

disk_full() {
	[ "$(df --output=avail disk | tail -n 1 | tr -d ' ')" = 0 ]
}

# The process blocks writing into a full pipe.
pipe_blocked() {
	[[ $(cat "/proc/$1/wchan" 2>/dev/null) == *pipe_write* ]]
}
