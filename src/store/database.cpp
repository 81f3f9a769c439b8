#include "gatehouse/store/database.hpp"

#include "gatehouse/core/errors.hpp"
#include "gatehouse/core/text.hpp"

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

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "step");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
    if (column_is_null(index)) return std::nullopt;
    return column_text(index);
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

Database::Database(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw core::Unavailable(core::Backend::Sqlite, "database: cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_extended_result_codes(db_, 1);
    // synchronous=FULL: a commit is on disk when it returns; WAL with NORMAL may lose the last
    // commits to a power cut (a new password, a blacklisted token), which we promise not to.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    rc = sqlite3_create_function_v2(db_, "casefold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                    sql_casefold, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "casefold function");
}

Database::~Database() {
    statements_.clear();  // finalize before close
    sqlite3_close(db_);
}

Query Database::query(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end())
        it = statements_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
    return Query(*it->second);
}

void Database::exec(const std::string& sql) {
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

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

std::vector<std::string> Database::integrity_problems() {
    std::vector<std::string> problems;
    auto q = query("PRAGMA integrity_check");
    while (q.step())
        if (const auto line = q.row().column_text(0); line != "ok") problems.push_back(line);
    return problems;
}

Transaction::Transaction(Database& db) : db_(db) { db_.query("BEGIN IMMEDIATE").run(); }

Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.query("ROLLBACK").run();
        } catch (...) {
            // The connection rolls back by itself when it cannot; nothing more to do here.
        }
    }
}

void Transaction::commit() {
    db_.query("COMMIT").run();
    done_ = true;
}

}  // namespace gatehouse::store
