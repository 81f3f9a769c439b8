#!/usr/bin/env bash
# Where a session page's CPU goes, user space and kernel alike (README: Benchmarks): the stack as make
# run starts it (4 workers, throttles off), a real session, wrk on W2 (GET /accounts/profile/) for
# 10 s, and `perf record -e cpu-clock -a -g` over its middle 6 s. Prints the workers' time by
# symbol, kernel symbols included ([k]); the data file stays for `perf report -i`. With `login`,
# the workload is W4 instead (logins through the login form, tests/bench/login.lua).
#     tests/bench/perf_w2.sh [login]    (needs perf, wrk and build/gatehouse)
set -euo pipefail
home=$(cd "$(dirname "$0")/../.." && pwd)
port_https=${PROFILE_HTTPS_PORT:-29443} port_http=${PROFILE_HTTP_PORT:-29080}
base=https://127.0.0.1:$port_https
tmp=$(mktemp -d /tmp/gatehouse-perf.XXXXXX)
chmod 755 "$tmp"
export GATEHOUSE_BIN=$home/build/gatehouse GATEHOUSE_HOME=$home GATEHOUSE_VAR=$tmp/var GATEHOUSE_WORKERS=4 \
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
    || { echo "perf_w2: the session does not open the profile page" >&2; exit 1; }
if [ "${1:-}" = login ]; then
    { printf 'CSRF_SECRET = "%s"\nEMAIL = "profile@example.org"\nPASSWORD = "Pr0file-Password!"\nORIGIN = "%s"\n' \
          "$(awk '$6 == "csrftoken" {print $7}' "$jar")" "$base"; cat "$home/tests/bench/login.lua"; } > "$tmp/login.lua"
    wrk -t2 -c32 -d10s -s "$tmp/login.lua" "$base/accounts/login/" > "$tmp/wrk.txt" &
else
    wrk -t2 -c32 -d10s -H "Cookie: $cookie" "$base/accounts/profile/" > "$tmp/wrk.txt" &
fi
wrk_pid=$!
sleep 2
perf record -q -e cpu-clock -a -g -o "$tmp/perf.data" sleep 6 2>/dev/null
wait $wrk_pid
grep -E "Requests/sec|logins" "$tmp/wrk.txt"
kill -TERM $stack
wait $stack || true
trap - EXIT
echo "$tmp/perf.data: the workers' samples by symbol (self time):"
perf report -i "$tmp/perf.data" --comm gatehouse --no-children --sort dso,sym --stdio 2>/dev/null \
    | grep -E '^ +[0-9]' | head -${PERF_TOP:-40}
