# Shared by every tests/*.bats file: load it with `load helper`.
#
# Scratch files live under $BATS_TEST_TMPDIR; every process a test starts is
# killed by pid in teardown (track it, or leave its pid in a *.pid file
# there); waits are bounded polls, never fixed sleeps.

bats_require_minimum_version 1.5.0

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

: "${DAEMONIZE:=$BATS_TEST_DIRNAME/../daemonize}"
DAEMONIZE=$(cd "$(dirname "$DAEMONIZE")" && pwd)/$(basename "$DAEMONIZE")
export DAEMONIZE

# Poll budget: POLL_TRIES times POLL_NAP seconds (5 s by default).
: "${POLL_TRIES:=500}"
: "${POLL_NAP:=0.01}"

# Each test starts in its own scratch directory with nothing tracked. A file
# that needs more defines its own setup() and calls this first.
scratch_setup() {
	cd "$BATS_TEST_TMPDIR" || return
	: >"$BATS_TEST_TMPDIR/.tracked"
}

setup() {
	scratch_setup
}

teardown() {
	local pid f
	# Every daemon a test may have left: tracked pids and pidfile contents.
	for f in "$BATS_TEST_TMPDIR"/.tracked "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$f" ] || continue
		while read -r pid; do
			[[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null
		done <"$f"
	done
	return 0
}

# daemonize, run as the tests run it.
dz() {
	"$DAEMONIZE" "$@"
}

# Remember pid so teardown kills it.
track() {
	echo "$1" >>"$BATS_TEST_TMPDIR/.tracked"
}

# poll CMD...: run CMD until it succeeds, at most POLL_TRIES times.
poll() {
	local i
	for ((i = 0; i < POLL_TRIES; i++)); do
		"$@" && return 0
		sleep "$POLL_NAP"
	done
	echo "poll: gave up waiting for: $*" >&2
	return 1
}

# Field N of /proc/PID/stat, numbered as in proc(5) (1 is the pid).
stat_field() {
	local pid=$1 n=$2 line rest
	line=$(<"/proc/$pid/stat") || return 1
	rest=${line##*) }	# comm may hold spaces: cut after its last ')'
	# shellcheck disable=SC2086
	set -- $rest
	shift $((n - 3))
	echo "$1"
}

# The value of "Name:" in /proc/PID/status.
status_field() {
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' \
	    "/proc/$1/status"
}

# The process exists and is not a zombie.
alive() {
	local state
	state=$(stat_field "$1" 3 2>/dev/null) || return 1
	[ "$state" != Z ] && [ "$state" != X ]
}

# The process is gone (or a zombie). What is not a pid (an empty
# $(pid_in ...), say) is a slip of the test, not a dead process.
dead() {
	[[ $1 =~ ^[0-9]+$ ]] || { echo "dead: not a pid: '$1'" >&2; return 1; }
	! alive "$1"
}

# Wait until pid is gone (or a zombie).
wait_dead() {
	poll dead "$1"
}

# The pid in FILE, once FILE holds one.
pid_in() {
	local pid
	[ -s "$1" ] || return 1	# $(<missing) would fail the test at once
	pid=$(<"$1") || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	echo "$pid"
}

# What descriptor N of PID points at.
fd_target() {
	readlink "/proc/$1/fd/$2"
}

# The open flags (octal, as fdinfo shows them) of descriptor N of PID.
fd_flags() {
	awk '$1 == "flags:" { print $2 }' "/proc/$1/fdinfo/$2"
}

# The access mode of descriptor N of PID: rdonly, wronly or rdwr.
fd_access() {
	local f
	f=$(fd_flags "$1" "$2") || return 1
	case $((8#$f & 3)) in
	0) echo rdonly ;;
	1) echo wronly ;;
	2) echo rdwr ;;
	esac
}

# The descriptors PID has open, sorted, one line.
fd_list() {
	ls "/proc/$1/fd" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# True when the suite runs in its own PID namespace (tests/run does that when
# it can), where orphans are reparented to pid 1, the namespace's init.
in_pid_namespace() {
	[ "${DAEMONIZE_TEST_PIDNS:-}" = 1 ]
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (CI runs the suite as root)"
}

# Shared by several feature files.

# PID has stdin from /dev/null read-only, stdout and stderr to it write-only.
assert_null_stdio() {
	assert_equal "$(fd_target "$1" 0)" /dev/null
	assert_equal "$(fd_access "$1" 0)" rdonly
	assert_equal "$(fd_target "$1" 1)" /dev/null
	assert_equal "$(fd_access "$1" 1)" wronly
	assert_equal "$(fd_target "$1" 2)" /dev/null
	assert_equal "$(fd_access "$1" 2)" wronly
}

# A word unique to this test, to put in a command line and look for.
tag() {
	echo "dz-$(basename "$BATS_TEST_FILENAME" .bats)-$BATS_TEST_NUMBER-$$"
}

# No process has WORD in its command line.
no_process() {
	! pgrep -f -- "$1" >/dev/null
}

# FILE holds a pid.
has_pid() {
	pid_in "$1" >/dev/null
}

# PID runs sleep(1).
is_sleeping() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]
}

# Pids of live processes whose command line is exactly the words given.
procs() {
	local want="$*" f pid cmd
	for f in /proc/[0-9]*/cmdline; do
		{ cmd=$(tr '\0' ' ' <"$f"); } 2>/dev/null || continue
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$cmd" = "$want " ] && alive "$pid" && echo "$pid"
	done
	return 0
}

nprocs() {
	procs "$@" | wc -l
}

# A child of PID, once it has one.
child_of() {
	local s
	for s in /proc/[0-9]*/stat; do
		s=${s#/proc/}
		s=${s%/stat}
		[ "$(stat_field "$s" 4 2>/dev/null)" = "$1" ] && echo "$s" &&
		    return 0
	done
	return 1
}

# FILE holds exactly TEXT (trailing newlines count).
holds() {
	local c=
	[ -f "$1" ] || { echo "holds: no file '$1'" >&2; return 1; }
	IFS= read -r -d '' c <"$1" || true
	[ "$c" = "$2" ] && return 0
	printf 'holds: %s has %q, not %q\n' "$1" "$c" "$2" >&2
	return 1
}

# The descriptors of PID that point at FILE, space-separated.
fds_on() {
	local want fd out=()
	want=$(realpath "$2") || return 1
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd")" = "$want" ] && out+=("${fd##*/}")
	done
	echo "${out[*]}"
}

# "MAJ:MIN:INODE" of FILE as /proc/locks shows it (major and minor in hex).
lock_key() {
	local maj min ino
	read -r maj min ino < <(stat -c '%Hd %Ld %i' "$1") || return 1
	printf '%02x:%02x:%s\n' "$maj" "$min" "$ino"
}

# The pids /proc/locks shows holding an FLOCK WRITE lock on FILE, one a line
# (waiters, "N: -> FLOCK ...", are not holders).
flock_pids() {
	local key
	key=$(lock_key "$1") || return 1
	awk -v k="$key" '$2 == "FLOCK" && $3 == "ADVISORY" && $4 == "WRITE" &&
	    $6 == k && $7 == "0" && $8 == "EOF" { print $5 }' /proc/locks
}

# Whether anyone holds a lock on FILE, asked of flock(2) itself: /proc/locks
# hides a lock whose taker is dead or outside our PID namespace.
locked() {
	[ -e "$1" ] && ! flock -n "$1" true
}

unlocked() {
	[ ! -e "$1" ] || flock -n "$1" true
}

# FILE has a line that is exactly TEXT.
has_line() {
	grep -qxF -- "$2" "$1"
}

# Shared by the feature files.

usage_fails() {
	assert_failure 2
	assert_line --index 0 "daemonize: $1"
	assert_line --index 1 "Try 'daemonize --help'."
	assert_equal "${#lines[@]}" 2
}

# A pid whose process has exited and been reaped.
dead_pid() {
	local p
	sh -c ':' &
	p=$!
	wait "$p"
	echo "$p"
}

is_zombie() {
	[ "$(stat_field "$1" 3 2>/dev/null)" = Z ]
}

# The bit of signal N in a /proc/PID/status mask (hex) is set.
has_sig() {
	(((16#$1 >> ($2 - 1)) & 1))
}

# A TCP port on HOST (default 127.0.0.1) that nobody listens on just now:
# the kernel's pick for a bind to port 0.
free_port() {
	/usr/bin/python3 -c '
import socket, sys
h = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in h else socket.AF_INET)
s.bind((h, 0))
print(s.getsockname()[1])
' "${1:-127.0.0.1}"
}

# The long options --help lists, one a line, sorted.
help_long() {
	"$DAEMONIZE" --help |
	    sed -nE 's/^  (-[[:alnum:]], |    )(--[a-z-]+).*/\2/p' | LC_ALL=C sort
}

# The short options --help lists, with or without a long one ("-r" has
# none), one a line, sorted.
help_short() {
	"$DAEMONIZE" --help | sed -nE 's/^  (-[[:alnum:]])[, ].*/\1/p' |
	    LC_ALL=C sort
}

# leaves FILE COMMAND...: run COMMAND as the only child of a subreaper and
# pass on its exit status; then write to FILE the pid of every process it
# left running when it exited, one a line. Any descendant, however
# detached, is reparented to the subreaper, so none escapes and none is
# missed by timing (one still in its fork is our child's child, and ours
# once that ends). Zombies are reaped, not named. A *.pid FILE is killed
# by teardown.
leaves() {
	local file=$1
	shift
	/usr/bin/python3 -c '
import ctypes, os, sys
PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1) != 0:
    sys.exit("leaves: prctl: " + os.strerror(ctypes.get_errno()))
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status = os.waitpid(pid, 0)
left = []
for t in os.listdir("/proc/self/task"):
    with open("/proc/self/task/%s/children" % t) as f:
        kids = f.read().split()
    for p in kids:
        try:
            with open("/proc/%s/stat" % p) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            continue
        if state not in ("Z", "X"):
            left.append(int(p))
while True:
    try:
        if os.waitpid(-1, os.WNOHANG)[0] == 0:
            break
    except ChildProcessError:
        break
with open(sys.argv[1], "w") as f:
    f.writelines("%d\n" % p for p in sorted(left))
sys.exit(os.waitstatus_to_exitcode(status))
' "$file" "$@"
}

# Every process named in FILE (as leaves writes it) ends within the poll
# budget.
all_end() {
	local pid
	while read -r pid; do
		poll dead "$pid" || return 1
	done <"$1"
}

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# Let nobody reach DIR: bats makes its run directory 0700, so give search
# permission (o+x, no more) to DIR and its ancestors up to that directory,
# then check that nobody really can enter DIR.
reachable_by_nobody() {
	local dir
	dir=$(cd "$1" && pwd -P)
	local d=$dir run
	run=$(cd "$BATS_RUN_TMPDIR" && pwd -P)
	while :; do
		chmod o+x "$d"
		[ "$d" = "$run" ] || [ "$d" = / ] && break
		d=$(dirname "$d")
	done
	as_nobody sh -c 'cd "$1"' sh "$dir" ||
	    skip "nobody cannot reach $dir (see namei -m)"
}
