#!/usr/bin/env bash
# The whole stack in the foreground, supervised: memcached (unless GATEHOUSE_MEMCACHED names servers),
# the gatehouse master with its workers, and nginx. `make run` runs this.
#
# A server that dies is started again at once (logged with how it ended) while the others keep
# running: while memcached is away the workers answer 503 with Retry-After, and they reconnect by
# themselves. A server that dies a sixth time within 30 seconds of its fifth restart is a crash loop:
# the stack stops with a message and exit status 1, as systemd's start limit does.
#
# SIGINT/SIGTERM (once or many times, during start-up too) stop everything in order: nginx finishes
# its requests, the master drains its workers, then memcached goes; nothing is left behind. The
# traps only note the signal: the stopping is done once, by the main flow, so a second signal cannot
# cut the first stop short.
stop_requested=0 stopped=0
trap 'stop_requested=1' INT TERM  # first of all: from here on a stop signal is only noted
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
bin=${GATEHOUSE_BIN:-$home/build/gatehouse}

# A start-up step. A stop signal during it (a Ctrl-C reaches the step too) ends the script quietly,
# with status 0; a step that fails on its own ends it with the step's status.
step() {
    local rc=0
    "$@" || rc=$?
    [ $stop_requested = 1 ] && exit 0
    [ $rc = 0 ] || exit $rc
}
load_settings() {  # the effective settings; a bad one stops here (the message names it)
    local settings rc=0
    settings=$("$bin" config) || rc=$?
    [ $stop_requested = 1 ] && exit 0
    [ $rc = 0 ] || exit $rc
    eval "$settings"
}

load_settings
mkdir -p "$GATEHOUSE_VAR"
GATEHOUSE_VAR=$(cd "$GATEHOUSE_VAR" && pwd)
load_settings                    # again, now with the absolute var dir in every derived path
var=$GATEHOUSE_VAR
step "$bin" migrate >/dev/null   # makes the var layout, the secrets and the schema
step "$here/render.sh"

readonly restart_limit=5 restart_window=30
servers=(nginx master)                                   # in the order they stop
[ -z "${GATEHOUSE_MEMCACHED:-}" ] && servers+=(memcached)
declare -A pid=() restarts=()

say() { echo "gatehouse: $*" >&2; }

wait_for() {  # wait_for <seconds> <test…>: 0 when the test passed, 1 on timeout, 2 when asked to stop
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $stop_requested = 1 ] && return 2
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.05 || true
    done
}
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# Each server runs in a session of its own (setsid), so a Ctrl-C at the terminal reaches only this
# script, and whatever a server leaves behind when it dies (the workers of a killed master, the
# workers of a killed nginx) can be found by its session and ended.
end_session() {  # end_session <session id> <signal>
    pkill "-$2" -s "$1" 2>/dev/null || true
}
# A process of the session still runs (a zombie does not count: it holds no port, and reaping the
# orphans is init's, which may take its time).
session_runs() { ps -o stat= -s "$1" 2>/dev/null | grep -q '^[^Z]'; }

start_memcached() {
    local sock=$GATEHOUSE_MEMCACHED_SERVERS as_user=()
    rm -f "$sock"
    [ "$(id -u)" = 0 ] && as_user=(-u root)
    setsid memcached -s "$sock" -a 0700 -m 64 -c 1024 "${as_user[@]}" &
    pid[memcached]=$!
    echo "${pid[memcached]}" > "$var/run/memcached.pid"
}
ready_memcached() { test -S "$GATEHOUSE_MEMCACHED_SERVERS"; }

start_master() {
    rm -f "$GATEHOUSE_SOCKET"
    setsid "$bin" serve &
    pid[master]=$!
    echo "${pid[master]}" > "$var/run/gatehouse.pid"
}
ready_master() { test -S "$GATEHOUSE_SOCKET"; }

start_nginx() {
    setsid nginx -c "$var/nginx/nginx.conf" -p "$var/nginx" &
    pid[nginx]=$!
}
# It answers on its address: GATEHOUSE_LISTEN_ADDRESS, or 127.0.0.1 when it listens on every one.
ready_nginx() { (exec 3<>"/dev/tcp/${GATEHOUSE_LISTEN_ADDRESS:-127.0.0.1}/$GATEHOUSE_HTTPS_PORT") 2>/dev/null; }

# start <server>: 0 once it answers (or once it died again while starting: the supervision loop
# counts that death like any other), 1 when it neither answers nor dies within 10 s, 2 when asked to stop.
start() {
    "start_$1"
    local rc=0
    wait_for 10 answers_or_died "$1" || rc=$?
    [ $rc = 1 ] && say "$1 did not start (see $var/log/ and the lines above)"
    return $rc
}
answers_or_died() { "ready_$1" || ! alive "${pid[$1]}"; }

stop_server() {  # stop_server <server> <signal> <seconds>
    local p=${pid[$1]:-}
    [ -n "$p" ] || return 0
    if alive "$p"; then
        kill "-$2" "$p" 2>/dev/null || true
        local deadline=$((SECONDS + $3))
        until gone "$p" || [ $SECONDS -ge $deadline ]; do sleep 0.05 || true; done
        alive "$p" && kill -KILL "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
    end_session "$p" KILL  # anything of its session still there
}

shutdown() {
    [ $stopped = 1 ] && return
    stopped=1
    say "stopping"
    stop_server nginx QUIT 30
    stop_server master TERM $((GATEHOUSE_DRAIN_TIMEOUT + 5))
    stop_server memcached TERM 10
    rm -f "$var/run/gatehouse.pid" "$var/run/memcached.pid"
    say "stopped"
}
trap 'shutdown' EXIT

how_it_ended() {  # how_it_ended <wait status>
    if [ "$1" -gt 128 ]; then echo "killed by SIG$(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128)))"
    else echo "exited with status $1"; fi
}

# A dead server: started again, unless it is in a crash loop.
restart() {  # restart <server> <wait status>
    local name=$1 now=$SECONDS recent=() t
    for t in ${restarts[$name]:-}; do [ $((now - t)) -lt $restart_window ] && recent+=("$t"); done
    if [ ${#recent[@]} -ge $restart_limit ]; then
        say "$name (pid ${pid[$name]}) $(how_it_ended "$2") after $restart_limit restarts in ${restart_window}s: giving up"
        exit 1
    fi
    restarts[$name]="${recent[*]} $now"
    say "$name (pid ${pid[$name]}) $(how_it_ended "$2"); restarting it"
    # What it left: a killed master's workers drain and go; a killed nginx's workers still hold the ports.
    case $name in
        master) end_session "${pid[$name]}" TERM ;;
        nginx) end_session "${pid[$name]}" KILL; wait_for 5 eval "! session_runs ${pid[$name]}" || true ;;
    esac
    local rc=0
    start "$name" || rc=$?
    [ $rc = 1 ] && exit 1
    return 0
}

for name in memcached master nginx; do
    [[ " ${servers[*]} " == *" $name "* ]] || continue
    rc=0
    start "$name" || rc=$?
    [ $rc = 2 ] && exit 0   # asked to stop while starting: the EXIT trap stops what started
    [ $rc = 1 ] && exit 1
done
say "ready at https://localhost:$GATEHOUSE_HTTPS_PORT/ (Ctrl-C stops)"

# Supervision: a look at every server five times a second. (Not `wait -n`: it waits for the next
# child to end, and misses one that ended while this script was busy starting another.)
while [ $stop_requested = 0 ]; do
    for name in "${servers[@]}"; do
        alive "${pid[$name]}" && continue
        status=0
        wait "${pid[$name]}" 2>/dev/null || status=$?
        restart "$name" "$status"
        [ $stop_requested = 1 ] && break
    done
    sleep 0.2 || true  # a Ctrl-C reaches sleep too
done
exit 0
