#!/usr/bin/env bash
# POST /api/auth/token/verify/ with a real access token (called by tests/bench.sh with BASE, VAR, DURATION).
set -euo pipefail
home=$(cd "$(dirname "$0")/../.." && pwd)
bin=${GATEHOUSE_BIN:-$home/build/gatehouse}
printf 'B3nch-Password!\n' | GATEHOUSE_VAR=$VAR "$bin" createsuperuser --email bench@example.org >/dev/null 2>&1 || true
access=$(curl -sk -H 'Content-Type: application/json' -d '{"email":"bench@example.org","password":"B3nch-Password!"}' \
    "$BASE/api/auth/token/" | sed -n 's/.*"access":"\([^"]*\)".*/\1/p')
[ -n "$access" ] || { echo "could not obtain a token" >&2; exit 1; }
lua=$(mktemp /tmp/gatehouse-bench-XXXXXX.lua)
trap 'rm -f "$lua"' EXIT
cat > "$lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"token":"$access"}'
LUA
echo "== POST /api/auth/token/verify/ (wrk -t2 -c32 -d$DURATION)"
wrk -t2 -c32 -d"$DURATION" -s "$lua" "$BASE/api/auth/token/verify/"
