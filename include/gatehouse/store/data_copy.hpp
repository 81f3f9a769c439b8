#pragma once
// Every row of one database copied into another, as it is (gatehouse migrate-data): ids kept, values
// as the source holds them, PostgreSQL's identity sequences moved past the ids copied.
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::store {

// The tables that hold data (schema_migrations is not one), in an order their foreign keys accept:
// users, then logins, then the rest by name.
std::vector<std::string> data_tables(Database& db);

std::int64_t count_rows(Database& db, const std::string& table);

// Copies every row of `table` (a name from data_tables) from one database into the same table of the
// other; returns the rows written. The caller holds a snapshot on `from` and a transaction on `to`.
std::int64_t copy_table(Database& from, Database& to, const std::string& table);

// A consistent read of the whole database while the site goes on writing (SQLite in WAL mode: a
// deferred transaction; PostgreSQL: repeatable read, read only). Ends with a rollback.
class Snapshot {
public:
    explicit Snapshot(Database& db) : db_(db) { db_.connection().begin_snapshot(); }
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

private:
    Database& db_;
};

}  // namespace gatehouse::store
