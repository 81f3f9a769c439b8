#include "gatehouse/accounts/data_migration.hpp"

#include "gatehouse/store/data_copy.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"

#include <algorithm>

namespace gatehouse::accounts {

std::vector<TableCount> migrate_data(const std::string& migrations, const std::string& from, const std::string& to) {
    store::Database source(from);
    store::Database target(to);
    if (const auto pending = store::pending_migrations(source, store::read_migrations(migrations, source.engine()));
        !pending.empty())
        throw DataMigrationRefused("the source lacks migration " + pending.front() +
                                   ": run gatehouse migrate on it first (with its GATEHOUSE_DATABASE)");
    store::apply_migrations(target, store::read_migrations(migrations, target.engine()));
    const auto tables = store::data_tables(target);
    for (const auto& table : tables)
        if (const auto rows = store::count_rows(target, table); rows > 0)
            throw DataMigrationRefused("the target is not empty: " + table + " has " + std::to_string(rows) +
                                       " rows (migrate-data copies into an empty database only)");
    for (const auto& table : store::data_tables(source))
        if (std::find(tables.begin(), tables.end(), table) == tables.end())
            throw DataMigrationRefused("the source has a table the schema does not: " + table);

    std::vector<TableCount> counts;
    {
        store::Snapshot snapshot(source);
        store::Transaction tx(target);
        for (const auto& table : tables) {
            TableCount count{table, store::count_rows(source, table), 0};
            const auto copied = store::copy_table(source, target, table);
            count.target = store::count_rows(target, table);
            if (copied != count.source || count.target != count.source)
                throw DataMigrationRefused(table + ": " + std::to_string(count.source) + " rows in the source, " +
                                           std::to_string(count.target) + " in the target; nothing was copied");
            counts.push_back(count);
        }
        tx.commit();
    }
    // Counted again once committed, by a new connection: what the site will see.
    store::Database check(to);
    for (auto& count : counts) count.target = store::count_rows(check, count.table);
    return counts;
}

}  // namespace gatehouse::accounts
