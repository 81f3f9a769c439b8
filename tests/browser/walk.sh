#!/usr/bin/env bash
# `make walk`: signup → verify → logout → login → change password → reset → profile picture → two-factor
# set-up and login → email change, then the Persian pages (fa-login.png, fa-profile.png, fa-devices.png, fa-2fa.png), in headless Chromium
# (Debian's chromium, driven by playwright-core from npm) against the real stack on spare ports.
# Prints the page titles and flash messages it saw; screenshots land in build/walk/.
set -euo pipefail
home=$(cd "$(dirname "$0")/../.." && pwd)
out=$home/build/walk
mkdir -p "$out"
command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
[ -d "$out/node_modules/playwright-core" ] || (cd "$out" && npm install --no-save --silent playwright-core@1 >/dev/null)
tmp=$(mktemp -d /tmp/gatehouse-walk.XXXXXX)
GATEHOUSE_VAR=$tmp/var GATEHOUSE_HTTPS_PORT=${WALK_HTTPS_PORT:-29443} GATEHOUSE_HTTP_PORT=${WALK_HTTP_PORT:-29080} \
    setsid "$home/nginx/stack.sh" > "$tmp/stack.log" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null; wait $stack 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do curl -skf "https://127.0.0.1:${WALK_HTTPS_PORT:-29443}/healthz" >/dev/null && break; sleep 0.1; done
BASE=https://localhost:${WALK_HTTPS_PORT:-29443} MAILDIR=$tmp/var/mail OUT=$out NODE_PATH=$out/node_modules \
    node "$home/tests/browser/walk.js"
