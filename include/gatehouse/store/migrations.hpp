#pragma once
// Schema migrations: db/migrations/NNNN_name.sql, applied in order, each once, recorded in
// schema_migrations.
#include "gatehouse/store/database.hpp"

#include <string>
#include <vector>

namespace gatehouse::store {

struct Migration {
    std::string name;  // file name without ".sql", e.g. "0001_users"
    std::string sql;
};

// Reads the NNNN_*.sql files of a directory, sorted by name; throws when a name is malformed.
std::vector<Migration> read_migrations(const std::string& directory);

// The names of those not yet recorded (all of them in a database never migrated); changes nothing.
std::vector<std::string> pending_migrations(Database& db, const std::vector<Migration>& migrations);

// Applies the ones not yet recorded; returns the names applied now. Safe to run concurrently.
std::vector<std::string> apply_migrations(Database& db, const std::vector<Migration>& migrations);

}  // namespace gatehouse::store
