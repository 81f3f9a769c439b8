#!/usr/bin/env bash
# Where a session page's instructions go (README: Benchmarks): the stack with one worker under
# callgrind, only worker_answer collected, counters zeroed after the login, then N requests of W2
# (GET /accounts/profile/ with a session). callgrind counts instructions, so the figures repeat
# whatever else the machine does. Prints the output file and the instructions per request; read it
# with `callgrind_annotate --inclusive=yes <file>`. With `verify` as the second argument the loop is
# W3 instead (POST /api/auth/token/verify/ with a real access token), with `anonymous` W1 (GET
# /accounts/login/ without cookies).
#     tests/bench/profile_w2.sh [requests] [verify|anonymous]   (default 300; needs valgrind, build/gatehouse)
set -euo pipefail
home=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-300}
port_https=${PROFILE_HTTPS_PORT:-29443} port_http=${PROFILE_HTTP_PORT:-29080}
base=https://127.0.0.1:$port_https
tmp=$(mktemp -d /tmp/gatehouse-profile.XXXXXX)
chmod 755 "$tmp"
cat > "$tmp/gatehouse" <<W
#!/bin/bash
if [ "\$1" = serve ]; then
  exec valgrind --tool=callgrind --trace-children=yes --collect-atstart=no \\
       --toggle-collect='*worker_answer*' --callgrind-out-file=$tmp/callgrind.%p $home/build/gatehouse "\$@"
fi
exec $home/build/gatehouse "\$@"
W
chmod +x "$tmp/gatehouse"
export GATEHOUSE_BIN=$tmp/gatehouse GATEHOUSE_HOME=$home GATEHOUSE_VAR=$tmp/var GATEHOUSE_WORKERS=1 \
       GATEHOUSE_THROTTLE=0 GATEHOUSE_HTTPS_PORT=$port_https GATEHOUSE_HTTP_PORT=$port_http
setsid "$home/nginx/stack.sh" > "$tmp/stack.log" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -skf "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
printf 'Pr0file-Password!\n' | "$home/build/gatehouse" createsuperuser --email profile@example.org >/dev/null 2>&1
jar=$tmp/cookies
page=$(curl -sk -c "$jar" -b "$jar" "$base/accounts/login/")
token=$(printf '%s' "$page" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n1)
curl -sk -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode email=profile@example.org --data-urlencode 'password=Pr0file-Password!' "$base/accounts/login/"
cookie="sessionid=$(awk '$6 == "sessionid" {print $7}' "$jar"); csrftoken=$(awk '$6 == "csrftoken" {print $7}' "$jar")"
curl -sk -H "Cookie: $cookie" "$base/accounts/profile/" | grep -q profile@example.org \
    || { echo "profile_w2: the session does not open the profile page" >&2; exit 1; }
if [ "${2:-}" = verify ]; then
    access=$(curl -sk -H 'Content-Type: application/json' \
        -d '{"email": "profile@example.org", "password": "Pr0file-Password!"}' "$base/api/auth/token/" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])')
fi
callgrind_control -z >/dev/null 2>&1 || true  # forget the start and the login's password hash
for _ in $(seq "$n"); do
    if [ "${2:-}" = verify ]; then
        curl -sk -o /dev/null -H 'Content-Type: application/json' -d "{\"token\": \"$access\"}" "$base/api/auth/token/verify/"
    elif [ "${2:-}" = anonymous ]; then
        curl -sk -o /dev/null "$base/accounts/login/"
    else
        curl -sk -o /dev/null -H "Cookie: $cookie" "$base/accounts/profile/"
    fi
done
kill -TERM $stack
wait $stack || true
trap - EXIT
out=$(ls -S "$tmp"/callgrind.* | head -1)
total=$(sed -n 's/^totals: //p' "$out")
echo "$out: $total instructions, $((total / n)) per request"
