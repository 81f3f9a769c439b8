#pragma once
// The tests' second engine: when tests/with-postgres.sh runs a suite, GATEHOUSE_TEST_POSTGRES holds the
// URI of its throwaway server's maintenance database, and each test (unit fixture) or stack (e2e) gets
// a fresh database of its own there.
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace gatehouse::testing {

// The server's URI, or "" when the suite runs on SQLite alone.
inline std::string test_postgres() {
    const char* uri = std::getenv("GATEHOUSE_TEST_POSTGRES");
    return uri ? uri : "";
}

// Runs one statement on the maintenance database; throws with the server's message.
inline void postgres_admin(const std::string& sql) {
    PGconn* conn = PQconnectdb(test_postgres().c_str());
    PGresult* result = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    const std::string message = ok ? "" : std::string(PQerrorMessage(conn));
    PQclear(result);
    PQfinish(conn);
    if (!ok) throw std::runtime_error("test PostgreSQL: " + sql + ": " + message);
}

// A new empty database on the test server and its URI ("postgresql://gatehouse@/<name>?host=…").
inline std::string fresh_postgres_database(const std::string& prefix) {
    static int counter = 0;
    const std::string name = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    postgres_admin("CREATE DATABASE " + name);
    std::string uri = test_postgres();
    const auto at = uri.find("/postgres");
    if (at == std::string::npos) throw std::runtime_error("GATEHOUSE_TEST_POSTGRES names no /postgres database");
    return uri.replace(at + 1, 8, name);
}

}  // namespace gatehouse::testing
