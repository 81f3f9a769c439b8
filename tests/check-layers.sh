#!/usr/bin/env bash
# The layering of the README ("Architecture"): arrows point down only. Fails, naming the file and the
# line, when a source or header includes a layer its own layer may not reach, or when a web file
# switches on an account outcome outside the answers table. Run by `make test`.
#
#   cli      → server, accounts, core          (src/cli/, src/main.cpp: the command line)
#   server   → web, http, accounts, store, core (the processes: master, workers, mailer)
#   web      → http, accounts, core            (never store: storage only through accounts)
#   http     → core
#   accounts → store, core
#   store    → core
#   core     → (nothing of ours)
set -euo pipefail
cd "$(dirname "$0")/.."

allowed_for() {
    case $1 in
        cli) echo "cli server accounts core" ;;
        server) echo "server web http accounts store core" ;;
        web) echo "web http accounts core" ;;
        http) echo "http core" ;;
        accounts) echo "accounts store core" ;;
        store) echo "store core" ;;
        core) echo "core" ;;
    esac
}

layer_of() {
    case $1 in
        src/main.cpp) echo cli ;;
        src/*/*|include/gatehouse/*/*) echo "$1" | cut -d/ -f"$([ "${1%%/*}" = src ] && echo 2 || echo 3)" ;;
    esac
}

failures=0
while IFS= read -r file; do
    layer=$(layer_of "$file")
    [ -n "$layer" ] || continue
    allowed=$(allowed_for "$layer")
    [ -n "$allowed" ] || { echo "check-layers: $file: unknown layer '$layer'" >&2; failures=$((failures + 1)); continue; }
    while IFS=: read -r line target; do
        [[ " $allowed " == *" $target "* ]] && continue
        echo "check-layers: $file:$line: $layer may not include gatehouse/$target/ (allowed: $allowed)" >&2
        failures=$((failures + 1))
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"gatehouse/' "$file" |
             sed -E 's#^([0-9]+):.*"gatehouse/([a-z_]+)/.*#\1:\2#')
done < <(find src include -name '*.cpp' -o -name '*.hpp' | sort)

# One table turns an account outcome into an answer (src/web/answers.cpp): no other web file switches on one.
while IFS= read -r hit; do
    echo "check-layers: $hit: a switch on an outcome outside the answers table" >&2
    failures=$((failures + 1))
done < <(grep -n -E 'case[[:space:]]+(accounts::)?Outcome::' src/web/*.cpp include/gatehouse/web/*.hpp | grep -v '^src/web/answers.cpp:' || true)

if [ "$failures" -gt 0 ]; then
    echo "check-layers: $failures include(s) against the layering" >&2
    exit 1
fi
echo "check-layers: every include points down"
