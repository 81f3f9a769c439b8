#!/usr/bin/env bash
# `make bench` (README: Benchmarks): Gatehouse and its ceiling side by side, through nginx over HTTPS.
# Everything is in tests/bench/bench.py; this only gives it the checkout's python3.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/bench/bench.py" "$@"
