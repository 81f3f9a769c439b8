#include "gatehouse/store/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gatehouse::store {

std::vector<Migration> read_migrations(const std::string& directory) {
    std::vector<Migration> out;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        const auto path = entry.path();
        if (path.extension() != ".sql") continue;
        const std::string name = path.stem().string();
        if (name.size() < 6 || !std::all_of(name.begin(), name.begin() + 4, ::isdigit) || name[4] != '_')
            throw std::runtime_error("migration file name must be NNNN_name.sql: " + path.string());
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        out.push_back({name, text.str()});
    }
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.name < b.name; });
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].name.substr(0, 4) == out[i - 1].name.substr(0, 4))
            throw std::runtime_error("two migrations share the number " + out[i].name.substr(0, 4));
    return out;
}

std::vector<std::string> pending_migrations(Database& db, const std::vector<Migration>& migrations) {
    bool recorded = false;
    {
        auto q = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
        recorded = q.step();
    }
    std::vector<std::string> pending;
    for (const auto& migration : migrations) {
        bool done = false;
        if (recorded) {
            auto q = db.query("SELECT 1 FROM schema_migrations WHERE name = ?");
            q.bind(1, migration.name);
            done = q.step();
        }
        if (!done) pending.push_back(migration.name);
    }
    return pending;
}

std::vector<std::string> apply_migrations(Database& db, const std::vector<Migration>& migrations) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))");
    std::vector<std::string> applied;
    for (const auto& migration : migrations) {
        Transaction tx(db);
        bool done = false;
        {
            auto q = db.query("SELECT 1 FROM schema_migrations WHERE name = ?");
            q.bind(1, migration.name);
            done = q.step();
        }
        if (done) continue;
        db.exec(migration.sql);
        db.query("INSERT INTO schema_migrations(name) VALUES (?)").bind(1, migration.name).run();
        tx.commit();
        applied.push_back(migration.name);
    }
    return applied;
}

}  // namespace gatehouse::store
