#pragma once
// gatehouse migrate-data: a whole install moved from one database to another (SQLite to PostgreSQL)
// while it runs, every table copied and its rows counted on both sides.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::accounts {

struct TableCount {
    std::string table;
    std::int64_t source = 0;  // rows in the source's snapshot
    std::int64_t target = 0;  // rows in the target once committed
};

// Why nothing was copied: the target holds data, the source is not migrated to the end, …
struct DataMigrationRefused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Migrates the target to the current schema, refuses unless every table of it is empty and the source
// has every migration applied, then copies every table in one transaction on the target from one
// consistent snapshot of the source, and compares the counts (a difference rolls it all back).
// `migrations` is the db/migrations directory; locations as GATEHOUSE_DATABASE takes them.
std::vector<TableCount> migrate_data(const std::string& migrations, const std::string& from, const std::string& to);

}  // namespace gatehouse::accounts
