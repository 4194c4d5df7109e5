#!/usr/bin/env bats
# -u USER[:GROUP]: ids, groups, environment, log ownership, and the ways a
# switch can fail. All need root.

load helper

# "ID ID ID ID", as the Uid and Gid lines of /proc/PID/status have it.
four() {
	echo "$1 $1 $1 $1"
}

# Numbers, one line, sorted and unique.
set_of() {
	printf '%s\n' "$@" | sort -nu | tr '\n' ' ' | sed 's/ $//'
}

# The groups that list USER as a member in the group database.
member_of() {
	getent group | awk -F: -v u="$1" '{
		n = split($4, m, ",")
		for (i = 1; i <= n; i++) if (m[i] == u) print $3
	}'
}

status_ids() {
	# shellcheck disable=SC2046
	set_of $(status_field "$1" "$2")
}

environ_var() {
	tr '\0' '\n' <"/proc/$1/environ" | sed -n "s/^$2=//p"
}

@test "-u nobody runs with nobody's ids, groups and environment" {
	need_root
	uid=$(id -u nobody)
	gid=$(id -g nobody)
	IFS=: read -r name _ _ _ _ home shell < <(getent passwd nobody)
	dz -p u.pid -u nobody sleep 3041
	pid=$(pid_in u.pid)
	assert_equal "$(status_field "$pid" Uid)" "$(four "$uid")"
	assert_equal "$(status_field "$pid" Gid)" "$(four "$gid")"
	# shellcheck disable=SC2046
	assert_equal "$(status_ids "$pid" Groups)" "$(set_of $(id -G nobody))"
	assert_equal "$(environ_var "$pid" HOME)" "$home"
	assert_equal "$(environ_var "$pid" USER)" "$name"
	assert_equal "$(environ_var "$pid" LOGNAME)" "$name"
	assert_equal "$(environ_var "$pid" SHELL)" "$shell"
}

@test "-u nobody:GROUP sets the group" {
	need_root
	uid=$(id -u nobody)
	for group in daemon users; do
		gid=$(getent group "$group" | cut -d: -f3)
		[ -n "$gid" ] || skip "no group $group"
		dz -p "$group.pid" -u "nobody:$group" sleep 3042
		pid=$(pid_in "$group.pid")
		assert_equal "$(status_field "$pid" Uid)" "$(four "$uid")"
		assert_equal "$(status_field "$pid" Gid)" "$(four "$gid")"
		# shellcheck disable=SC2046
		assert_equal "$(status_ids "$pid" Groups)" \
		    "$(set_of $(member_of nobody) "$gid")"
	done
	# A number names a group too.
	dz -p num.pid -u nobody:1 sleep 3043
	pid=$(pid_in num.pid)
	assert_equal "$(status_field "$pid" Gid)" "$(four 1)"
}

@test "-u takes a numeric user id" {
	need_root
	uid=$(id -u nobody)
	gid=$(id -g nobody)
	dz -p u.pid -u "$uid" sleep 3044
	pid=$(pid_in u.pid)
	assert_equal "$(status_field "$pid" Uid)" "$(four "$uid")"
	assert_equal "$(status_field "$pid" Gid)" "$(four "$gid")"
	# shellcheck disable=SC2046
	assert_equal "$(status_ids "$pid" Groups)" "$(set_of $(id -G nobody))"
	assert_equal "$(environ_var "$pid" USER)" "$(id -un nobody)"
}

@test "an unknown user exits 125 and leaves nothing" {
	need_root
	t=$(tag)
	before=$(ls -A)
	run dz -p x.pid -l x.lock -o x.log -u nosuchuser sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: unknown user 'nosuchuser'"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "an unknown group exits 125 and leaves nothing" {
	need_root
	t=$(tag)
	before=$(ls -A)
	run dz -p x.pid -l x.lock -o x.log -u nobody:nosuchgroup sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: unknown group 'nosuchgroup'"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "log files the start creates are given to the user, existing ones are not" {
	need_root
	printf 'old\n' >pre.log
	dz -p u.pid -u nobody -o new.log -e pre.log sleep 3045
	pid_in u.pid >/dev/null
	assert_equal "$(stat -c %U:%G new.log)" "$(id -un nobody):$(id -gn nobody)"
	assert_equal "$(stat -c %U:%G pre.log)" root:root
	dz -p g.pid -u nobody:daemon -o newg.log sleep 3046
	pid_in g.pid >/dev/null
	assert_equal "$(stat -c %U:%G newg.log)" "$(id -un nobody):daemon"
	# The pidfile is not the user's.
	assert_equal "$(stat -c %U u.pid)" root
}

@test "a caller that is not root cannot switch users" {
	need_root
	t=$(tag)
	mkdir -m 777 open
	reachable_by_nobody open
	install -m 755 "$DAEMONIZE" open/daemonize
	cd open
	before=$(ls -A)
	run as_nobody ./daemonize -u root -p x.pid -o x.log sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot switch to user 'root': Operation not permitted (needs root)"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "-c is entered as the user" {
	need_root
	mkdir -m 755 home
	reachable_by_nobody home
	dz -p u.pid -u nobody -c home sleep 3047
	pid=$(pid_in u.pid)
	assert_equal "$(readlink "/proc/$pid/cwd")" "$BATS_TEST_TMPDIR/home"
}

@test "-c to a directory the user cannot enter exits 125 and leaves nothing" {
	need_root
	t=$(tag)
	reachable_by_nobody .
	mkdir -m 700 private
	before=$(ls -A)
	run dz -p x.pid -l x.lock -o x.log -e x.err -u nobody -c private \
	    sh -c 'sleep 300; :' "$t"
	assert_failure 125
	assert_output "daemonize: cannot change directory to 'private': Permission denied"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "a command the user cannot execute exits 126 and leaves nothing" {
	need_root
	t=$(tag)
	reachable_by_nobody .
	printf '#!/bin/sh\nsleep 300\n' >rootonly
	chmod 700 rootonly
	before=$(ls -A)
	run dz -p x.pid -o x.log -u nobody ./rootonly "$t"
	assert_failure 126
	assert_output "daemonize: cannot execute './rootonly': Permission denied"
	assert_equal "$(ls -A)" "$before"
	poll no_process "$t"
}

@test "the command keeps no way back to root: no saved root id, no capabilities" {
	need_root
	uid=$(id -u nobody)
	dz -p u.pid -u nobody sleep 3049
	pid=$(pid_in u.pid)
	# Uid: real, effective, saved, filesystem.
	assert_equal "$(status_field "$pid" Uid)" "$(four "$uid")"
	assert_equal "$(status_field "$pid" CapPrm)" 0000000000000000
	assert_equal "$(status_field "$pid" CapEff)" 0000000000000000
	assert_equal "$(status_field "$pid" CapAmb)" 0000000000000000
}

@test "with -u a symbolic link as log or lockfile is refused" {
	need_root
	t=$(tag)
	echo secret >secret
	chmod 600 secret
	ln -s "$PWD/secret" out.log
	run -125 dz -u nobody -p a.pid -o out.log sh -c "echo $t"
	assert_output "daemonize: cannot open log file 'out.log': it is, or passes through, a symbolic link the user could have made"
	assert_equal "$(<secret)" secret
	assert_file_not_exists a.pid
	ln -s "$PWD/secret" lk
	run -125 dz -u nobody -p a.pid -l lk sleep 3050
	assert_output "daemonize: cannot open lockfile 'lk': it is, or passes through, a symbolic link the user could have made"
	assert_file_not_exists a.pid
	poll no_process "$t"
}

@test "ambient and inheritable capabilities of the caller do not reach the command" {
	need_root
	# The control: capsh really gives its command the ambient capability.
	run capsh --inh=cap_dac_override --addamb=cap_dac_override -- -c \
	    'grep CapAmb: /proc/self/status'
	assert_success
	assert_output --regexp 'CapAmb:[[:space:]]+0*2$'
	capsh --inh=cap_dac_override --addamb=cap_dac_override -- -c \
	    "'$DAEMONIZE' -u nobody -p c.pid sleep 3051"
	pid=$(pid_in c.pid)
	assert_equal "$(status_field "$pid" Uid)" "$(four "$(id -u nobody)")"
	for cap in CapInh CapPrm CapEff CapAmb; do
		assert_equal "$(status_field "$pid" "$cap")" 0000000000000000
	done
}

@test "--truncate keeps the old log when the user cannot execute the command" {
	need_root
	t=$(tag)
	reachable_by_nobody .
	printf 'old\n' >old.log
	printf '#!/bin/sh\nsleep 300\n' >rootonly.sh
	chmod 700 rootonly.sh
	run -126 dz -u nobody --truncate -o old.log ./rootonly.sh "$t"
	assert_output "daemonize: cannot execute './rootonly.sh': Permission denied"
	assert_equal "$(<old.log)" old
	poll no_process "$t"
}

@test "with -u a link the user planted on the way is refused, root's files untouched" {
	need_root
	reachable_by_nobody .
	mkdir -m 700 rootonly
	echo secret >rootonly/app.log
	echo 4242 >rootonly/app.pid
	mkdir u
	chown nobody u
	# The user's own directory, where it replaced "logs" with a link.
	as_nobody ln -s "$PWD/rootonly" u/logs
	run -125 dz -u nobody --truncate -o u/logs/app.log sh -c 'echo owned'
	assert_output "daemonize: cannot open log file 'u/logs/app.log': it is, or passes through, a symbolic link the user could have made"
	run -125 dz -u nobody -p u/logs/app.pid sleep 3052
	assert_output "daemonize: cannot open pidfile 'u/logs/app.pid': it is, or passes through, a symbolic link the user could have made"
	assert_equal "$(<rootonly/app.log)" secret
	assert_equal "$(<rootonly/app.pid)" 4242
	assert_equal "$(stat -c %a rootonly/app.pid)" 644
	assert_equal "$(ls rootonly | tr '\n' ' ')" "app.log app.pid "
}

@test "with -u links the user could not have made are followed" {
	need_root
	reachable_by_nobody .
	mkdir real
	ln -s real via		# root's link in a directory closed to nobody
	mkdir u
	chown nobody u
	dz -u nobody -p via/a.pid -o via/a.log -e u/a.err sh -c 'echo out; echo err >&2; exec sleep 3053'
	pid=$(pid_in real/a.pid)
	assert_equal "$(fd_target "$pid" 1)" "$PWD/real/a.log"
	assert_equal "$(fd_target "$pid" 2)" "$PWD/u/a.err"
	poll has_line real/a.log out
	assert_equal "$(stat -c %U u/a.err)" nobody
}
