#pragma once
// Schema migrations: db/migrations/NNNN_name.sql, applied in order, each once, recorded in
// schema_migrations. One set of files for both engines: PostgreSQL reads them with SQLite's few
// spellings of its own changed (postgresql_dialect), or a file of db/migrations/postgresql/ of the
// same name where the SQL really differs.
#include "gatehouse/store/database.hpp"

#include <string>
#include <vector>

namespace gatehouse::store {

struct Migration {
    std::string name;  // file name without ".sql", e.g. "0001_users"
    std::string sql;
};

// Reads the NNNN_*.sql files of a directory, sorted by name, as the engine runs them; throws when a
// name is malformed.
std::vector<Migration> read_migrations(const std::string& directory, Engine engine = Engine::Sqlite);

// A migration's SQL as PostgreSQL runs it: "id INTEGER PRIMARY KEY" (SQLite's rowid) becomes an identity
// column, INTEGER becomes BIGINT (SQLite's integers have 64 bits: unix times), WITHOUT ROWID goes.
std::string postgresql_dialect(std::string sql);

// The names of those not yet recorded (all of them in a database never migrated); changes nothing.
std::vector<std::string> pending_migrations(Database& db, const std::vector<Migration>& migrations);

// Applies the ones not yet recorded; returns the names applied now. Safe to run concurrently.
std::vector<std::string> apply_migrations(Database& db, const std::vector<Migration>& migrations);

}  // namespace gatehouse::store
