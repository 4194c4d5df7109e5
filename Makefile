# daemonize: run a command as a Unix daemon, truthfully.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
PKG_CONFIG ?= pkg-config
BATS       ?= bats
MANDOC     ?= mandoc

# Completions go where each shell looks for this PREFIX: bash-completion's
# and fish's directories as their pkg-config files name them (for our
# DATADIR); zsh's is Debian's vendor-completions under /usr, else the
# site-functions directory zsh searches under /usr/local.
completionsdir = $(or $(shell $(PKG_CONFIG) --define-variable=prefix=$(PREFIX) \
	--define-variable=datadir=$(DATADIR) --variable=completionsdir $(1) \
	2>/dev/null),$(2))
BASHCOMPDIR ?= $(call completionsdir,bash-completion,$(DATADIR)/bash-completion/completions)
FISHCOMPDIR ?= $(call completionsdir,fish,$(DATADIR)/fish/vendor_completions.d)
ZSHCOMPDIR  ?= $(DATADIR)/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)

CFLAGS     ?= -O2 -g
# pkg-config asked once, not at every use.
BSD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbsd)
BSD_LIBS   := $(shell $(PKG_CONFIG) --libs --static libbsd)
# Kept when CFLAGS is given on the command line (CI adds -Werror that way).
override CFLAGS   += -std=c11 -Wall -Wextra
override CPPFLAGS += -D_GNU_SOURCE -MMD -MP $(BSD_CFLAGS)
# libbsd (and libmd, which it needs) linked in statically: loading two more
# shared libraries cost about 0.15 ms of a 1.3 ms start, 0.3 ms of 1.6 with
# -p -o (make bench).
override LDLIBS   += -Wl,-Bstatic $(BSD_LIBS) -Wl,-Bdynamic
# Symbols bound once at start-up, not at first call in each forked child:
# a fifth fewer page faults per start, a few hundredths of a ms.
override LDFLAGS  += -Wl,-z,now

SRCS = $(sort $(wildcard src/*.c))
OBJS = $(SRCS:.c=.o)

# Debian 12 packages the build and the tests need.
DEPS = build-essential pkg-config libbsd-dev bats bats-support bats-assert \
       bats-file bash-completion bsdutils fish libcap2-bin logrotate make \
       man-db mandoc mount procps python3 strace systemd util-linux zsh

all: daemonize

daemonize: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# C unit tests of the parsers (tests/unit): each a program of TAP lines,
# linked with the objects it tests.
UNIT_TESTS = tests/unit/arena_test tests/unit/logfile_test \
	     tests/unit/loop_test tests/unit/msg_test \
	     tests/unit/notify_test tests/unit/num_test tests/unit/options_test \
	     tests/unit/pidfile_test tests/unit/proc_test tests/unit/relay_test \
	     tests/unit/report_test tests/unit/resource_test \
	     tests/unit/restart_test \
	     tests/unit/signame_test tests/unit/stamp_test tests/unit/tail_test \
	     tests/unit/tcp_test
UNIT_OBJS_arena_test = src/arena.o
UNIT_OBJS_logfile_test = src/logfile.o
UNIT_OBJS_loop_test = src/arena.o src/loop.o
UNIT_OBJS_msg_test = src/msg.o
UNIT_OBJS_notify_test = src/notify.o src/num.o src/proc.o
UNIT_OBJS_num_test = src/num.o
UNIT_OBJS_options_test = src/arena.o src/msg.o src/num.o src/options.o \
			 src/resource.o src/restart.o src/signame.o src/usage.o \
			 src/waitspec.o
UNIT_OBJS_pidfile_test = src/arena.o src/pidfile.o src/lock.o src/num.o \
			 src/path.o src/proc.o src/trust.o
UNIT_OBJS_proc_test = src/proc.o
UNIT_OBJS_relay_test = $(RELAY_OBJS)
UNIT_OBJS_report_test = src/arena.o src/report.o src/command.o src/lock.o \
			src/msg.o src/num.o src/path.o src/pidfile.o \
			src/proc.o src/trust.o
UNIT_OBJS_resource_test = src/resource.o src/num.o
UNIT_OBJS_restart_test = src/num.o src/restart.o
UNIT_OBJS_signame_test = src/signame.o src/num.o
UNIT_OBJS_stamp_test = src/stamp.o
UNIT_OBJS_tail_test = src/tail.o src/msg.o
UNIT_OBJS_tcp_test = src/tcp.o src/proc.o

.SECONDEXPANSION:
$(UNIT_TESTS): %: %.o $$(UNIT_OBJS_$$(notdir $$@))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_TESTS)

# The output relay alone, driven by a poll loop of its own, for
# tests/relay.bats and bench/relay; not installed.
RELAY_OBJS = src/logfile.o src/msg.o src/relay.o src/stamp.o src/stream.o
RELAY_DRV = tests/relay-drv
$(RELAY_DRV): tests/relay-drv.o $(RELAY_OBJS) src/num.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Header dependencies, written by the compiler as it builds.
-include $(OBJS:.o=.d) $(UNIT_TESTS:=.d) $(RELAY_DRV).d

# Install what the build and the tests need: as root with apt-get, else
# print the command to run.
deps:
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get install -y --no-install-recommends $(DEPS); \
	else \
		missing=$$(for p in $(DEPS); do \
			dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then \
			echo "run: sudo apt-get install -y" $$missing; exit 1; \
		fi; \
	fi

# The suite runs in its own PID namespace where it can, so no daemon it
# starts outlives it. The man page must lint clean first.
check: lint daemonize unit $(RELAY_DRV)
	BATS="$(BATS)" UNIT_TESTS="$(UNIT_TESTS)" tests/run

lint:
	@out=$$($(MANDOC) -Tlint -Wwarning man/daemonize.1 2>&1); rc=$$?; \
	if [ -n "$$out" ] || [ $$rc -ne 0 ]; then \
		echo "$$out"; echo "mandoc -Tlint: man/daemonize.1 has warnings"; \
		exit 1; \
	fi

install: daemonize
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	    $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 daemonize $(DESTDIR)$(BINDIR)/daemonize
	install -m 0644 man/daemonize.1 $(DESTDIR)$(MANDIR)/man1/daemonize.1
	install -m 0644 completions/daemonize.bash \
	    $(DESTDIR)$(BASHCOMPDIR)/daemonize
	install -m 0644 completions/_daemonize $(DESTDIR)$(ZSHCOMPDIR)/_daemonize
	install -m 0644 completions/daemonize.fish \
	    $(DESTDIR)$(FISHCOMPDIR)/daemonize.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/daemonize \
	    $(DESTDIR)$(MANDIR)/man1/daemonize.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/daemonize \
	    $(DESTDIR)$(ZSHCOMPDIR)/_daemonize \
	    $(DESTDIR)$(FISHCOMPDIR)/daemonize.fish

demo: daemonize
	examples/demo

# Benchmarks, run by hand (not by check or CI): N starts per launcher in
# each of ROUNDS rounds. The programs are built here only.
N      ?= 500
ROUNDS ?= 5
BENCH_PROGS = bench/floor bench/killat bench/notifier bench/pause \
	      bench/respawn bench/spawn bench/stamp bench/stoplat

$(BENCH_PROGS): %: %.c
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $<

# Static: the restart latency it stamps should hold as little of its own
# start-up (the dynamic loader's) as it can.
bench/stamp: override LDFLAGS += -static

bench: daemonize $(BENCH_PROGS) $(RELAY_DRV)
	N="$(N)" ROUNDS="$(ROUNDS)" bench/run
	ROUNDS="$(ROUNDS)" bench/relay
	bench/supervisors

# The resident supervisor's memory and restart latency against runit,
# s6, daemontools and libslack (also the last part of bench).
bench-supervisors: daemonize bench/pause bench/respawn bench/stamp
	bench/supervisors

# The output relay's throughput, daemonize -f --timestamps/--log-size
# against cat and the loggers people use (also the last part of bench).
bench-relay: daemonize $(RELAY_DRV)
	ROUNDS="$(ROUNDS)" bench/relay

# The soak, run by hand as root (not by check or CI): what starts, races
# and killed callers leave behind; it exits 1 if anything.
CYCLES ?= 1000
RACERS ?= 100
RACES  ?= 20
KILLS  ?= 500

soak: daemonize $(BENCH_PROGS)
	CYCLES="$(CYCLES)" RACERS="$(RACERS)" RACES="$(RACES)" \
	    KILLS="$(KILLS)" bench/soak

# Fuzzing, run by hand (not by check or CI): libFuzzer harnesses of the
# option, pidfile and sd_notify parsers and of the notify socket (fuzz/),
# built with clang under ASan and UBSan, each run for FUZZ_SECONDS from
# its seed corpus in fuzz/corpus/. The packages it needs besides DEPS:
FUZZ_DEPS    = clang libclang-rt-dev
FUZZ_CC     ?= clang
FUZZ_SECONDS ?= 1800
FUZZ_TARGETS = fuzz/options_fuzz fuzz/pidfile_fuzz fuzz/notify_fuzz \
	       fuzz/notify_socket_fuzz
FUZZ_CFLAGS  = -O1 -g -fno-omit-frame-pointer -std=c11 -Wall -Wextra \
	       -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS    = $(patsubst src/%.c,fuzz/build/%.o,$(filter-out src/main.c,$(SRCS)))

fuzz/build/%.o: src/%.c
	@mkdir -p fuzz/build
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c -o $@ $<

fuzz/build/%_fuzz.o: fuzz/%_fuzz.c
	@mkdir -p fuzz/build
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CPPFLAGS) -Isrc -c -o $@ $<

$(FUZZ_TARGETS): fuzz/%: fuzz/build/%.o $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || \
	    { echo "make fuzz needs $(FUZZ_CC): apt-get install $(FUZZ_DEPS)"; \
	    exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)

fuzz: fuzz-build
	FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz/run

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_TARGETS:fuzz/%=fuzz/build/%.d)

clean:
	rm -f daemonize $(OBJS) $(OBJS:.o=.d) $(BENCH_PROGS) bench/*.d \
	    $(UNIT_TESTS) $(UNIT_TESTS:=.o) $(UNIT_TESTS:=.d) $(FUZZ_TARGETS) \
	    $(RELAY_DRV) $(RELAY_DRV).o $(RELAY_DRV).d
	rm -rf fuzz/build

.PHONY: all bench bench-relay bench-supervisors check clean demo deps fuzz fuzz-build install \
	lint soak uninstall unit
