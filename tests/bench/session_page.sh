#!/usr/bin/env bash
# GET /accounts/profile/ with a live session cookie: the page every logged-in browser asks for
# (session lookup, CSRF cookie, template). Called by tests/bench.sh with BASE, VAR, DURATION.
set -euo pipefail
home=$(cd "$(dirname "$0")/../.." && pwd)
bin=${GATEHOUSE_BIN:-$home/build/gatehouse}
printf 'S3ssion-Password!\n' | GATEHOUSE_VAR=$VAR "$bin" createsuperuser --email session@example.org >/dev/null 2>&1 || true
jar=$(mktemp /tmp/gatehouse-bench-XXXXXX.jar)
lua=$(mktemp /tmp/gatehouse-bench-XXXXXX.lua)
trap 'rm -f "$jar" "$lua"' EXIT
# The login form's CSRF token and cookie, then the login itself (Origin: this site).
page=$(curl -sk -c "$jar" -b "$jar" "$BASE/accounts/login/")
token=$(printf '%s' "$page" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n1)
curl -sk -o /dev/null -c "$jar" -b "$jar" -H "Origin: $BASE" -H "Referer: $BASE/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "email=session@example.org" \
    --data-urlencode "password=S3ssion-Password!" "$BASE/accounts/login/"
session=$(awk '$6 == "sessionid" {print $7}' "$jar")
csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not log in for the session bench" >&2; exit 1; }
cat > "$lua" <<LUA
wrk.headers["Cookie"] = "sessionid=$session; csrftoken=$csrf"
LUA
echo "== GET /accounts/profile/ with a session (wrk -t2 -c32 -d$DURATION)"
wrk -t2 -c32 -d"$DURATION" -s "$lua" "$BASE/accounts/profile/"
