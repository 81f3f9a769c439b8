// The SQLite engine: the default, one file on one machine.
#include "gatehouse/core/errors.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/store/database.hpp"

#include <sqlite3.h>

namespace gatehouse::store {
namespace {

// casefold(text) in SQL: core::casefold, so that searches ignore case in every script, as the
// email and name keys do (SQLite's own lower() and LIKE fold ASCII only). NULL stays NULL.
void sql_casefold(sqlite3_context* context, int, sqlite3_value** args) {
    if (sqlite3_value_type(args[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto* text = sqlite3_value_text(args[0]);
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(args[0]));
    try {
        const std::string folded =
            core::casefold(std::string_view(text ? reinterpret_cast<const char*>(text) : "", text ? size : 0));
        sqlite3_result_text64(context, folded.data(), folded.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(context);
    }
}

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
    const std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) throw ConstraintError(message);
    // Busy, locked, I/O, full disk, unopenable file: the database is unavailable right now.
    throw core::Unavailable(core::Backend::Sqlite, "database: " + message);
}

class SqliteStatement final : public Statement {
public:
    SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
        int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt_, nullptr);
        if (rc != SQLITE_OK) fail(db, rc, "prepare");
    }
    ~SqliteStatement() override { sqlite3_finalize(stmt_); }

    Statement& bind_int(int index, std::int64_t value) override {
        check(sqlite3_bind_int64(stmt_, index, value));
        return *this;
    }
    Statement& bind_text(int index, std::string_view value) override {
        check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
        return *this;
    }
    Statement& bind_null(int index) override {
        check(sqlite3_bind_null(stmt_, index));
        return *this;
    }

    bool step() override {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, rc, "step");
    }
    void reset() override {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    std::int64_t column_int(int index) const override { return sqlite3_column_int64(stmt_, index); }
    std::string column_text(int index) const override {
        const auto* text = sqlite3_column_text(stmt_, index);
        if (!text) return {};
        return std::string(reinterpret_cast<const char*>(text),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
    }
    bool column_is_null(int index) const override { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }
    int column_count() const override { return sqlite3_column_count(stmt_); }
    std::string column_name(int index) const override {
        const char* name = sqlite3_column_name(stmt_, index);
        return name ? name : "";
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, rc, "bind");
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class SqliteConnection final : public Connection {
public:
    SqliteConnection(const std::string& path, Access access) {
        const bool read_only = access == Access::ReadOnly;
        const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                                     SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            throw core::Unavailable(core::Backend::Sqlite, "database: cannot open " + path + ": " + message);
        }
        try {
            configure(read_only);
        } catch (...) {
            close();  // a file that is no database fails its first PRAGMA: the handle is not leaked
            throw;
        }
    }
    ~SqliteConnection() override { close(); }

    std::unique_ptr<Statement> prepare(std::string_view sql) override {
        return std::make_unique<SqliteStatement>(db_, sql);
    }

    void exec(const std::string& sql) override {
        char* error = nullptr;
        int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
        if (rc != SQLITE_OK) {
            std::string message = error ? error : sqlite3_errstr(rc);
            sqlite3_free(error);
            if ((rc & 0xFF) == SQLITE_CONSTRAINT) throw ConstraintError(message);
            if ((rc & 0xFF) == SQLITE_ERROR) throw std::runtime_error("database: " + message);  // bad SQL: a bug
            throw core::Unavailable(core::Backend::Sqlite, "database: " + message);
        }
    }

    int changes() const override { return sqlite3_changes(db_); }
    void begin() override { once(*begin_); }
    void commit() override { once(*commit_); }
    void rollback() override { once(*rollback_); }
    // WAL: a deferred transaction reads one snapshot from its first read on, and writers go on.
    void begin_snapshot() override { exec("BEGIN DEFERRED"); }

    bool has_table(std::string_view name) override {
        if (!table_) table_ = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
        Query q(*table_);
        q.bind(1, name);
        return q.step();
    }

    std::vector<std::string> table_names() override {
        auto statement = prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                                 " ORDER BY name");
        Query q(*statement);
        std::vector<std::string> names;
        while (q.step()) names.push_back(q.row().column_text(0));
        return names;
    }

    std::vector<std::string> column_names(std::string_view table) override {
        auto statement = prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
        Query q(*statement);
        q.bind(1, table);
        std::vector<std::string> names;
        while (q.step()) names.push_back(q.row().column_text(0));
        return names;
    }

    std::vector<std::string> integrity_problems() override {
        std::vector<std::string> problems;
        auto statement = prepare("PRAGMA integrity_check");
        Query q(*statement);
        while (q.step())
            if (const auto line = q.row().column_text(0); line != "ok") problems.push_back(line);
        return problems;
    }

private:
    void configure(bool read_only) {
        sqlite3_busy_timeout(db_, 5000);
        sqlite3_extended_result_codes(db_, 1);
        // synchronous=FULL: a commit is on disk when it returns; WAL with NORMAL may lose the last
        // commits to a power cut (a new password, a blacklisted token), which we promise not to.
        // Read-only: the file's journal mode is its owner's business (switching to WAL writes it).
        if (read_only) exec("PRAGMA query_only=ON;");
        else exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        const int rc = sqlite3_create_function_v2(db_, "casefold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        nullptr, sql_casefold, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail(db_, rc, "casefold function");
        begin_ = prepare("BEGIN IMMEDIATE");
        commit_ = prepare("COMMIT");
        rollback_ = prepare("ROLLBACK");
    }
    void close() {
        begin_.reset();
        commit_.reset();
        rollback_.reset();
        table_.reset();
        sqlite3_close(db_);
        db_ = nullptr;
    }
    static void once(Statement& statement) { Query(statement).run(); }

    sqlite3* db_ = nullptr;
    std::unique_ptr<Statement> begin_, commit_, rollback_, table_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, Access access) {
    return std::make_unique<SqliteConnection>(path, access);
}

}  // namespace gatehouse::store
