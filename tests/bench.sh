#!/usr/bin/env bash
# `make bench`: the whole stack on spare ports in a temp dir, then wrk through nginx (HTTPS).
# Throttles are off so the limiter does not answer instead of the workers.
set -euo pipefail
home=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/gatehouse-bench.XXXXXX)
https_port=${BENCH_HTTPS_PORT:-28443}
http_port=${BENCH_HTTP_PORT:-28080}
duration=${BENCH_DURATION:-10s}

GATEHOUSE_VAR=$tmp/var GATEHOUSE_HTTPS_PORT=$https_port GATEHOUSE_HTTP_PORT=$http_port GATEHOUSE_THROTTLE=0 \
    setsid "$home/nginx/stack.sh" > "$tmp/stack.log" 2>&1 &
stack=$!
cleanup() {
    kill -TERM "$stack" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$stack" 2>/dev/null || break; sleep 0.1; done
    rm -rf "$tmp"
}
trap cleanup EXIT

for _ in $(seq 200); do
    curl -skf "https://127.0.0.1:$https_port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

echo "== GET / (wrk -t2 -c32 -d$duration)"
wrk -t2 -c32 -d"$duration" "https://127.0.0.1:$https_port/"
echo "== GET /healthz (wrk -t2 -c32 -d$duration)"
wrk -t2 -c32 -d"$duration" "https://127.0.0.1:$https_port/healthz"
for script in "$home"/tests/bench/*.sh; do
    [ -e "$script" ] || continue
    BASE="https://127.0.0.1:$https_port" DURATION=$duration VAR=$tmp/var "$script"
done
