# bash completion for daemonize(1); needs bash-completion 2.
# Options as in src/options.c; tests/completion.bats checks them.

# The option WORD leaves its argument to the next word: set _dz_opt to the
# option's name (the last letter of a cluster of short options, or the whole
# name of an abbreviated long option) and succeed.
_daemonize_takes_next()
{
    local word=$1 c name
    local -a long=(--chdir --stderr --env --lockfile --umask --stdout
        --pidfile --timeout --user --wait --keep-fd --log-keep --log-size
        --nice --oom-score-adj --restart --restart-delay --restart-limit
        --rlimit --signal)

    case $word in
    --*=*)
        return 1
        ;;
    --?*)
        _dz_opt=
        for name in "${long[@]}" --single-fork --double-fork --append \
            --foreground --help --quiet --verbose --version --clear-env \
            --status --stop --timestamps --truncate; do
            [[ $name == "$word" ]] && { _dz_opt=$name; break; }
            [[ $name == "$word"* ]] || continue
            [[ $_dz_opt ]] && return 1      # ambiguous
            _dz_opt=$name
        done
        [[ $_dz_opt ]] || return 1
        for name in "${long[@]}"; do
            [[ $name == "$_dz_opt" ]] && return 0
        done
        return 1
        ;;
    -?*)
        word=${word#-}
        while [[ $word ]]; do
            c=${word:0:1}
            word=${word:1}
            if [[ $c == [ceElmoptuw] ]]; then
                _dz_opt=-$c
                [[ -z $word ]]
                return
            fi
        done
        ;;
    esac
    return 1
}

# --rlimit NAME=SOFT[:HARD]: the names prlimit(1) has, then nothing to offer
# for the numbers.
_daemonize_rlimit()
{
    [[ $cur == *=* ]] && return
    COMPREPLY=($(compgen -S = -W 'as core cpu data fsize locks memlock
        msgqueue nice nofile nproc rss rtprio rttime sigpending stack' \
        -- "$cur"))
    compopt -o nospace
}

# Complete COMMAND and its arguments as bash would: words from index $1 of
# the reassembled words[] on. _command_offset counts in COMP_WORDS, where
# "tcp:8080" or "--pidfile=x" are several words, so find where that is.
_daemonize_command()
{
    local k r=0 joined
    for ((k = 0; k < $1; k++)); do
        joined=
        while ((r < ${#COMP_WORDS[@]})) && [[ $joined != "${words[k]}" ]]; do
            joined+=${COMP_WORDS[r++]}
        done
    done
    _command_offset "$r"
}

# --signal SIG: kill -l's names, but for glibc's own 32 and 33, which it
# lists as JUNK(32) and JUNK(33).
_daemonize_signals()
{
    local s
    local -a sigs=()
    _signals
    for s in "${COMPREPLY[@]}"; do
        [[ $s == JUNK* ]] || sigs+=("$s")
    done
    COMPREPLY=("${sigs[@]}")
}

# -w SPEC: the kinds, then what each takes.
_daemonize_wait()
{
    case $cur in
    path:*)
        cur=${cur#path:}
        _filedir
        ;;
    *:*)
        ;;
    *)
        COMPREPLY=($(compgen -W 'notify fd: tcp: path: log:' -- "$cur"))
        [[ ${COMPREPLY-} == *: ]] && compopt -o nospace
        ;;
    esac
}

_daemonize()
{
    local cur prev words cword split
    _init_completion -s -n : || return

    # The mode: start; stop or status; or signal, --signal without --stop.
    local i w _dz_opt='' mode=start signal=
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        --)
            _daemonize_command $((i + 1))
            return
            ;;
        -?*)
            # "--signal=SIG", or an abbreviation long enough to be unique.
            w=${words[i]%%=*}
            [[ $w != "${words[i]}" && ${#w} -ge 5 && --signal == "$w"* ]] &&
                signal=1
            if _daemonize_takes_next "${words[i]}"; then
                ((i + 1 == cword)) && break
                ((i++))
            fi
            case $_dz_opt in
            --status | --stop) mode=${_dz_opt#--} ;;
            --signal) signal=1 ;;
            esac
            _dz_opt=
            ;;
        *)
            _daemonize_command $i
            return
            ;;
        esac
    done
    [[ $mode == start && $signal ]] && mode=signal
    if ((i == cword)); then
        _dz_opt=
        # "--pidfile=x": complete x as the argument of --pidfile.
        if $split; then
            _daemonize_takes_next "$prev" || return
        fi
    fi

    case $_dz_opt in
    -c | --chdir)
        _filedir -d
        ;;
    -e | --stderr | -l | --lockfile | -o | --stdout | -p | --pidfile)
        _filedir
        ;;
    -E | --env)
        if [[ $cur != *=* ]]; then
            COMPREPLY=($(compgen -e -S = -- "$cur"))
            compopt -o nospace
        fi
        ;;
    -u | --user)
        _usergroup
        ;;
    -w | --wait)
        _daemonize_wait
        ;;
    --signal)
        _daemonize_signals
        ;;
    --rlimit)
        _daemonize_rlimit
        ;;
    --restart)
        COMPREPLY=($(compgen -W 'on-failure always' -- "$cur"))
        ;;
    -m | --umask | -t | --timeout | --keep-fd | --log-keep | --log-size | \
        --nice | --oom-score-adj | --restart-delay | --restart-limit)
        ;;  # numbers: nothing to offer
    *)
        if [[ $cur == -* ]]; then
            local opts
            case $mode in
            stop) opts='-p -t -v --pidfile --signal --timeout --verbose' ;;
            status) opts='-p -v --pidfile --verbose' ;;
            signal) opts='-p -q -v --pidfile --quiet --stop --verbose' ;;
            *) opts='-1 -2 -a -c -e -E -f -h -l -m -o -p -q -r -t -u -v -V -w
                --single-fork --double-fork --append --chdir --stderr --env
                --foreground --help --lockfile --umask --stdout --pidfile
                --quiet --timeout --user --verbose --version --wait
                --clear-env --keep-fd --log-keep --log-size --nice
                --oom-score-adj --restart --restart-delay --restart-limit
                --rlimit --signal --status --stop --timestamps
                --truncate' ;;
            esac
            COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        elif [[ $mode == start ]]; then
            _daemonize_command "$cword"
        fi
        ;;
    esac
    __ltrim_colon_completions "$cur"
}
complete -F _daemonize daemonize
