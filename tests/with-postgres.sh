#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server of its own (the tests' second engine): initdb
# into a temporary directory as an unprivileged user (PostgreSQL refuses to run as root), listening
# on a Unix socket in that directory only (no TCP port), trust authentication for its own user. The
# command gets GATEHOUSE_TEST_POSTGRES, the URI of the server's maintenance database; the test
# fixtures make a fresh database per stack or per test from it. The server and its files go when the
# command ends.
#   tests/with-postgres.sh tests/run-suite.sh build/unit_tests build/e2e_tests
# Durability is turned off (fsync, synchronous_commit): the data is thrown away at the end.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 command [args…]" >&2; exit 2; }

bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "$0: PostgreSQL's initdb not found (make deps installs postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/gatehouse-pg.XXXXXX)
chmod 755 "$dir"
as_owner=()
if [ "$(id -u)" = 0 ]; then
    owner=nobody
    id postgres >/dev/null 2>&1 && owner=postgres
    chown "$owner" "$dir"
    as_owner=(runuser -u "$owner" --)
fi

stop() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U gatehouse --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
options="-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start -o "$options" >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }

export GATEHOUSE_TEST_POSTGRES="postgresql://gatehouse@/postgres?host=$dir"
# For the test of a database restart (tests/e2e/test_postgresql.cpp): shell commands that stop the
# server (fast: clients are disconnected, as by a restart) and start it again.
owner_prefix=""
[ ${#as_owner[@]} -gt 0 ] && owner_prefix="${as_owner[*]} "
export GATEHOUSE_TEST_POSTGRES_STOP="$owner_prefix'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop"
export GATEHOUSE_TEST_POSTGRES_START="$owner_prefix'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 30 start -o \"$options\""
echo "== PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $dir (GATEHOUSE_TEST_POSTGRES)"
set +e
"$@"
status=$?
set -e
exit $status
