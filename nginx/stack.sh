#!/usr/bin/env bash
# The whole stack in the foreground: memcached (unless GATEHOUSE_MEMCACHED names servers), the
# gatehouse master with its workers, and nginx. SIGINT/SIGTERM stops them in order: nginx finishes
# its requests, the master drains its workers, then memcached goes. `make run` runs this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
bin=${GATEHOUSE_BIN:-$home/build/gatehouse}

eval "$("$bin" config)"          # the effective settings; exits here on a bad one
mkdir -p "$GATEHOUSE_VAR"
GATEHOUSE_VAR=$(cd "$GATEHOUSE_VAR" && pwd)
eval "$("$bin" config)"          # again, now with the absolute var dir in every derived path
var=$GATEHOUSE_VAR
"$bin" migrate >/dev/null        # makes the var layout, the secrets and the schema
"$here/render.sh"

memcached_pid="" master_pid="" nginx_pid=""
stopping=0

wait_for() {  # wait_for <seconds> <test…>
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.05
    done
}
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
stop() {  # stop <pid> <signal> <seconds>
    local pid=$1
    alive "$pid" || return 0
    kill "-$2" "$pid" 2>/dev/null || true
    wait_for "$3" bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
shutdown() {
    [ $stopping = 1 ] && return
    stopping=1
    echo "gatehouse: stopping" >&2
    stop "$nginx_pid" QUIT 30
    stop "$master_pid" TERM 60
    stop "$memcached_pid" TERM 10
    rm -f "$var/run/gatehouse.pid" "$var/run/memcached.pid"
    echo "gatehouse: stopped" >&2
}
trap 'shutdown; exit 0' INT TERM
trap 'shutdown' EXIT

# Each server gets a session of its own, so a Ctrl-C at the terminal reaches only this script,
# which then stops them in order.
if [ -z "${GATEHOUSE_MEMCACHED:-}" ]; then
    sock=$GATEHOUSE_MEMCACHED_SERVERS
    rm -f "$sock"
    as_user=()
    [ "$(id -u)" = 0 ] && as_user=(-u root)
    setsid memcached -s "$sock" -a 0700 -m 64 -c 1024 "${as_user[@]}" &
    memcached_pid=$!
    echo "$memcached_pid" > "$var/run/memcached.pid"
    wait_for 10 test -S "$sock" || { echo "gatehouse: memcached did not start" >&2; exit 1; }
fi

setsid "$bin" serve &
master_pid=$!
echo "$master_pid" > "$var/run/gatehouse.pid"
wait_for 10 test -S "$GATEHOUSE_SOCKET" || { echo "gatehouse: the master did not start" >&2; exit 1; }

setsid nginx -c "$var/nginx/nginx.conf" -p "$var/nginx" &
nginx_pid=$!
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$GATEHOUSE_HTTPS_PORT") 2>/dev/null; }
wait_for 10 port_open || { echo "gatehouse: nginx did not start (see $var/log/nginx-error.log)" >&2; exit 1; }

echo "gatehouse: ready at https://localhost:$GATEHOUSE_HTTPS_PORT/ (Ctrl-C stops)" >&2

# When one of them dies on its own, the rest are stopped too.
while true; do
    wait -n $memcached_pid $master_pid $nginx_pid || true
    [ $stopping = 1 ] && break
    for pid in $memcached_pid $master_pid $nginx_pid; do
        if ! alive "$pid"; then
            echo "gatehouse: process $pid exited; stopping the rest" >&2
            shutdown
            exit 1
        fi
    done
done
