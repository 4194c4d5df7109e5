# fish completion for daemonize(1).
# Options as in src/options.c; tests/completion.bats checks them.

# The options, for argparse.
set -g __fish_daemonize_spec 1/single-fork 2/double-fork a/append c/chdir= \
    e/stderr= E/env=+ f/foreground h/help l/lockfile= m/umask= o/stdout= \
    p/pidfile= q/quiet t/timeout= u/user= v/verbose V/version w/wait=+ \
    r clear-env keep-fd=+ log-keep= log-size= nice= oom-score-adj= restart= \
    restart-delay= restart-limit= rlimit=+ signal= status stop timestamps \
    truncate

# The words typed so far, from the command on, when there is one: options
# stop at the first non-option, as argparse -s does.
function __fish_daemonize_command
    set -l tokens (commandline -opc) (commandline -ct)
    set -e tokens[1]
    argparse -s $__fish_daemonize_spec -- $tokens 2>/dev/null
    or return 1
    set -q argv[1]
    and not string match -q -- '-*' $argv[1]
    or return 1
    string join0 -- $argv
end

function __fish_daemonize_no_command
    not __fish_daemonize_command >/dev/null
end

# No command yet, and the options before the cursor ask for one of the
# modes given: start, stop, status, or signal (--signal without --stop).
function __fish_daemonize_mode
    __fish_daemonize_no_command; or return 1
    set -l modes $argv    # argparse takes $argv over
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l mode start
    if argparse -s $__fish_daemonize_spec -- $tokens 2>/dev/null
        if set -q _flag_stop
            set mode stop
        else if set -q _flag_status
            set mode status
        else if set -q _flag_signal
            set mode signal
        end
    end
    contains -- $mode $modes
end

function __fish_daemonize_complete_command
    __fish_complete_subcommand --commandline (__fish_daemonize_command | string split0)
end

# -w SPEC: the kinds, then what path: takes.
function __fish_daemonize_wait
    set -l cur (commandline -ct | string replace -r -- '^(-w|--wait=)' '')
    switch $cur
        case 'path:*'
            __fish_complete_path (string replace -- path: '' $cur) | string replace -r -- '^' path:
        case '*:*'
        case '*'
            printf '%s\t%s\n' notify 'sd_notify READY=1' 'fd:' 'a newline on descriptor N' \
                'tcp:' 'a TCP connection to [HOST:]PORT' 'path:' 'PATH exists' \
                'log:' 'a line matching REGEX in the -o or -e file'
    end
end

# -u USER[:GROUP]
function __fish_daemonize_user
    set -l cur (commandline -ct | string replace -r -- '^(-u|--user=)' '')
    if string match -q -- '*:*' $cur
        set -l user (string split -m1 -- : $cur)[1]
        __fish_complete_groups | string replace -r -- '^' "$user:"
    else
        __fish_complete_users
    end
end

# --rlimit NAME=SOFT[:HARD]: the names prlimit(1) has.
function __fish_daemonize_rlimit
    set -l cur (commandline -ct | string replace -r -- '^--rlimit=' '')
    string match -q -- '*=*' $cur
    and return
    printf '%s=\n' as core cpu data fsize locks memlock msgqueue nice nofile \
        nproc rss rtprio rttime sigpending stack
end

function __fish_daemonize_signals
    __fish_make_completion_signals
    for s in $__kill_signals
        string split -f2 -- ' ' $s
    end
end

set -l start -n '__fish_daemonize_mode start'
set -l any -n '__fish_daemonize_mode start stop status signal'
complete -c daemonize -f
complete -c daemonize $start -s 1 -l single-fork -d 'Fork once: the daemon leads its session'
complete -c daemonize $start -s 2 -l double-fork -d 'Fork twice (default)'
complete -c daemonize $start -s a -l append -d 'Append to log files (default)'
complete -c daemonize $start -s c -l chdir -x -a '(__fish_complete_directories)' -d 'Working directory of COMMAND'
complete -c daemonize $start -s e -l stderr -r -F -d "Append COMMAND's stderr to FILE"
complete -c daemonize $start -s E -l env -x -a '(set -nx | string replace -r -- \'$\' =)' -d 'Set NAME=VALUE in the environment'
complete -c daemonize $start -s f -l foreground -d 'Do not fork or detach'
complete -c daemonize $start -s h -l help -d 'Show the usage'
complete -c daemonize $start -s l -l lockfile -r -F -d "Hold a lock on FILE for the daemon's lifetime"
complete -c daemonize $start -s m -l umask -x -d 'Octal umask of COMMAND (default 022)'
complete -c daemonize $start -s o -l stdout -r -F -d "Append COMMAND's stdout to FILE"
complete -c daemonize $any -s p -l pidfile -r -F -d "Lock FILE and write the daemon's pid to it"
complete -c daemonize -n '__fish_daemonize_mode start signal' -s q -l quiet -d 'Say nothing when already running (or not running, --signal)'
complete -c daemonize $start -s r -d 'Supervise: restart COMMAND when it fails'
complete -c daemonize -n '__fish_daemonize_mode start stop' -s t -l timeout -x -d 'Time limit of a start (60 with --wait) or of --stop (10)'
complete -c daemonize $start -s u -l user -x -a '(__fish_daemonize_user)' -d 'Run COMMAND as USER[:GROUP]'
complete -c daemonize $any -s v -l verbose -d 'Say what is being done'
complete -c daemonize $start -s V -l version -d 'Show the version'
complete -c daemonize $start -s w -l wait -x -a '(__fish_daemonize_wait)' -d 'Return once COMMAND is ready'
complete -c daemonize $start -l clear-env -d 'Start COMMAND with an empty environment'
complete -c daemonize $start -l keep-fd -x -d 'Leave descriptor N open in COMMAND'
complete -c daemonize $start -l log-keep -x -d 'Rotated log files kept (default 5)'
complete -c daemonize $start -l log-size -x -d 'Supervise, and rotate a log file before it exceeds SIZE bytes (k, M, G)'
complete -c daemonize $start -l nice -x -d "Add N (-20 to 19) to COMMAND's niceness"
complete -c daemonize $start -l oom-score-adj -x -d "Set COMMAND's oom_score_adj (-1000 to 1000)"
complete -c daemonize $start -l restart -x -a 'on-failure\t"After a non-zero status or an unclean signal" always\t"After any end"' -d 'Supervise: restart COMMAND when it ends'
complete -c daemonize $start -l restart-delay -x -d 'Back-off MIN[:MAX] in seconds (default 1:60)'
complete -c daemonize $start -l restart-limit -x -d 'Give up after N quick restarts in a row'
complete -c daemonize $start -l rlimit -x -a '(__fish_daemonize_rlimit)' -d 'Set a resource limit NAME=SOFT[:HARD] of COMMAND'
complete -c daemonize -n '__fish_daemonize_mode start stop' -l signal -x -a '(__fish_daemonize_signals)' -d 'Send SIG (0 checks only); with --stop, stop with it'
complete -c daemonize $start -l status -d 'Tell whether the daemon in PIDFILE runs'
complete -c daemonize -n '__fish_daemonize_mode start signal' -l stop -d 'Stop the daemon in PIDFILE'
complete -c daemonize $start -l timestamps -d 'Supervise, and prefix each log line with the local time'
complete -c daemonize $start -l truncate -d 'Truncate log files instead of appending'

# The command, then its own arguments as fish completes them; none after
# --stop, --status or --signal.
complete -c daemonize -n 'not __fish_daemonize_mode stop status signal' -x -a '(__fish_daemonize_complete_command)'
