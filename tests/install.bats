#!/usr/bin/env bats
# make install and make uninstall, staged under DESTDIR.

load helper

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# Every file (and link) under DIR, with its mode, one a line, sorted.
tree() {
	(cd "$1" && find . ! -type d -printf '%m %p\n' | LC_ALL=C sort)
}

# make in the source tree, with none of the settings of a make that runs us:
# make check PREFIX=... hands them down in MAKEFLAGS and the environment.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR -u PREFIX -u BINDIR \
	    -u DATADIR -u MANDIR -u BASHCOMPDIR -u ZSHCOMPDIR -u FISHCOMPDIR \
	    make -s -C "$ROOT" "$@"
}

installed_from() {
	cmp "$ROOT/$1" "$2"
}

@test "make install puts the binary, the man page and the completions" {
	dest=$BATS_TEST_TMPDIR/root
	run mk install DESTDIR="$dest"
	assert_success
	run tree "$dest"
	assert_output "\
644 ./usr/local/share/bash-completion/completions/daemonize
644 ./usr/local/share/fish/vendor_completions.d/daemonize.fish
644 ./usr/local/share/man/man1/daemonize.1
644 ./usr/local/share/zsh/site-functions/_daemonize
755 ./usr/local/bin/daemonize"
	installed_from daemonize "$dest/usr/local/bin/daemonize"
	installed_from man/daemonize.1 "$dest/usr/local/share/man/man1/daemonize.1"
	installed_from completions/daemonize.bash \
	    "$dest/usr/local/share/bash-completion/completions/daemonize"
	installed_from completions/_daemonize \
	    "$dest/usr/local/share/zsh/site-functions/_daemonize"
	installed_from completions/daemonize.fish \
	    "$dest/usr/local/share/fish/vendor_completions.d/daemonize.fish"
}

@test "the modes do not depend on the umask" {
	dest=$BATS_TEST_TMPDIR/root
	# run's subshell keeps the umask to itself.
	run eval 'umask 077 && mk install DESTDIR="$dest"'
	assert_success
	run tree "$dest"
	assert_line "755 ./usr/local/bin/daemonize"
	assert_line "644 ./usr/local/share/man/man1/daemonize.1"
}

@test "PREFIX=/usr puts zsh's completion in Debian's vendor-completions" {
	dest=$BATS_TEST_TMPDIR/root
	run mk install DESTDIR="$dest" PREFIX=/usr
	assert_success
	run tree "$dest"
	assert_output "\
644 ./usr/share/bash-completion/completions/daemonize
644 ./usr/share/fish/vendor_completions.d/daemonize.fish
644 ./usr/share/man/man1/daemonize.1
644 ./usr/share/zsh/vendor-completions/_daemonize
755 ./usr/bin/daemonize"
}

@test "each directory can be chosen" {
	dest=$BATS_TEST_TMPDIR/root
	run mk install DESTDIR="$dest" BINDIR=/opt/dz/sbin \
	    MANDIR=/opt/dz/man BASHCOMPDIR=/opt/dz/bash ZSHCOMPDIR=/opt/dz/zsh \
	    FISHCOMPDIR=/opt/dz/fish
	assert_success
	run tree "$dest"
	assert_output "\
644 ./opt/dz/bash/daemonize
644 ./opt/dz/fish/daemonize.fish
644 ./opt/dz/man/man1/daemonize.1
644 ./opt/dz/zsh/_daemonize
755 ./opt/dz/sbin/daemonize"
}

@test "the installed files are where man and the shells look" {
	dest=$BATS_TEST_TMPDIR/root
	mk install DESTDIR="$dest"
	share=$dest/usr/local/share

	run man -M "$share/man" -w daemonize
	assert_output "$share/man/man1/daemonize.1"

	# bash-completion looks in $XDG_DATA_DIRS (default /usr/local/share:/usr/share).
	run env XDG_DATA_DIRS="$share" bash -c '
	    . /usr/share/bash-completion/bash_completion
	    __load_completion daemonize && complete -p daemonize'
	assert_output "complete -F _daemonize daemonize"

	# zsh on Debian looks in /usr/local/share/zsh/site-functions.
	run zsh -f -c 'print -l $fpath'
	assert_line /usr/local/share/zsh/site-functions
	run zsh -f -c 'fpath=($1 $fpath); autoload -U compinit; compinit -u -D
	    print -r -- $_comps[daemonize]' zsh "$share/zsh/site-functions"
	assert_output _daemonize

	# fish looks in vendor_completions.d under each of $XDG_DATA_DIRS,
	# for a command it finds in PATH: the staged one, not whatever
	# daemonize this machine may have (a fresh one has none).
	run env HOME="$BATS_TEST_TMPDIR" XDG_DATA_DIRS="$share" \
	    PATH="$dest/usr/local/bin:$PATH" \
	    fish -c 'complete -C "daemonize --sig"'
	assert_output --regexp $'^--signal\t'
}

@test "make uninstall removes exactly what make install put" {
	dest=$BATS_TEST_TMPDIR/root
	mk install DESTDIR="$dest"
	# Another program's files stay.
	touch "$dest/usr/local/bin/other" "$dest/usr/local/share/man/man1/other.1"
	chmod 644 "$dest/usr/local/bin/other" "$dest/usr/local/share/man/man1/other.1"
	run mk uninstall DESTDIR="$dest"
	assert_success
	run tree "$dest"
	assert_output "\
644 ./usr/local/bin/other
644 ./usr/local/share/man/man1/other.1"
	# Uninstalling again is no error.
	run mk uninstall DESTDIR="$dest"
	assert_success
}
