#!/usr/bin/env bash
# Runs each Boost.Test binary given, then prints what failed (so a log's tail names it) and one closing
# line "N passed, N failed" (test cases).
set -uo pipefail
passed=0 failed=0 status=0
failures=$(mktemp)
for suite in "$@"; do
    echo "== $suite"
    report=$(mktemp) log=$(mktemp)
    "$suite" --log_level=test_suite --report_level=detailed --report_sink="$report" --color_output=no \
        2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    cat "$report"
    # The module's own totals: the first "N test case(s) out of M passed|failed|aborted" lines.
    p=$(grep -oE '[0-9]+ test cases? out of [0-9]+ passed' "$report" | head -1 | grep -oE '^[0-9]+')
    f=$(grep -oE '[0-9]+ test cases? out of [0-9]+ failed' "$report" | head -1 | grep -oE '^[0-9]+')
    a=$(grep -oE '[0-9]+ test cases? out of [0-9]+ aborted' "$report" | head -1 | grep -oE '^[0-9]+')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${a:-0}))
    grep -E 'error: in "|fatal error|Test is aborted|memory access violation|terminate called' "$log" \
        | sed "s|^|$(basename "$suite"): |" >> "$failures"
    rm -f "$report" "$log"
    if [ $rc -ne 0 ]; then
        status=1
        [ -z "$f$a" ] && failed=$((failed + 1))  # crashed before reporting
    fi
done
if [ -s "$failures" ]; then
    echo "== what failed"
    cat "$failures"
fi
rm -f "$failures"
echo "$passed passed, $failed failed"
exit $status
