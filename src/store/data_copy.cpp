#include "gatehouse/store/data_copy.hpp"

#include <algorithm>

namespace gatehouse::store {
namespace {

int parent_rank(const std::string& table) {
    if (table == "users") return 0;
    if (table == "logins") return 1;  // refresh_blacklist points at it
    return 2;
}

// Table names come from the schema (data_tables), never from input; quoted all the same.
std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

std::vector<std::string> data_tables(Database& db) {
    auto tables = db.table_names();
    std::erase(tables, std::string("schema_migrations"));
    std::stable_sort(tables.begin(), tables.end(),
                     [](const std::string& a, const std::string& b) { return parent_rank(a) < parent_rank(b); });
    return tables;
}

std::int64_t count_rows(Database& db, const std::string& table) {
    auto q = db.query("SELECT count(*) FROM " + quoted(table));
    q.step();
    return q.row().column_int(0);
}

std::int64_t copy_table(Database& from, Database& to, const std::string& table) {
    auto rows = from.query("SELECT * FROM " + quoted(table));
    std::string insert;
    bool has_id = false;
    std::int64_t copied = 0;
    while (rows.step()) {
        const Statement& row = rows.row();
        if (insert.empty()) {
            std::string columns, marks;
            for (int i = 0; i < row.column_count(); ++i) {
                columns += (i ? ", " : "") + quoted(row.column_name(i));
                marks += i ? ", ?" : "?";
                has_id = has_id || row.column_name(i) == "id";
            }
            insert = "INSERT INTO " + quoted(table) + " (" + columns + ") VALUES (" + marks + ")";
        }
        auto write = to.query(insert);
        // As text: each engine reads the value into the column's own type (SQLite's integers are
        // written as digits and PostgreSQL's bigint reads them back).
        for (int i = 0; i < row.column_count(); ++i) {
            if (row.column_is_null(i)) write.bind_null(i + 1);
            else write.bind(i + 1, row.column_text(i));
        }
        write.run();
        ++copied;
    }
    if (has_id && to.engine() == Engine::Postgresql) {
        // The identity column's sequence would hand out id 1 again: it goes on after the largest copied.
        auto q = to.query("SELECT setval(pg_get_serial_sequence(?, 'id'), max(id)) FROM " + quoted(table) + " HAVING count(*) > 0");
        q.bind(1, quoted(table));
        q.run();
    }
    return copied;
}

Snapshot::~Snapshot() {
    try {
        db_.connection().rollback();
    } catch (...) {
        // Only reads happened; the connection ends them itself if it cannot.
    }
}

}  // namespace gatehouse::store
