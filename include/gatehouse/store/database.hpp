#pragma once
// SQLite with RAII: one connection per worker, statements prepared once and reused.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace gatehouse::store {

// A UNIQUE/CHECK/FOREIGN KEY constraint refused a write (e.g. email taken).
struct ConstraintError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind_null(int index);

    bool step();            // true while there is a row; throws on error
    void run();             // step to completion (for writes)
    void reset();           // ready for reuse, bindings cleared

    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    std::optional<std::string> column_optional_text(int index) const;
    bool column_is_null(int index) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Resets its statement when it goes out of scope, so a cached statement is always clean.
class Query {
public:
    explicit Query(Statement& statement) : statement_(statement) {}
    ~Query() { statement_.reset(); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    template <typename T>
    Query& bind(int index, const T& value) {
        statement_.bind(index, value);
        return *this;
    }
    Query& bind_null(int index) {
        statement_.bind_null(index);
        return *this;
    }
    bool step() { return statement_.step(); }
    void run() { statement_.run(); }
    const Statement& row() const { return statement_; }

private:
    Statement& statement_;
};

class Database {
public:
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // A prepared statement for this SQL text, compiled on first use and kept for the connection.
    Query query(std::string_view sql);
    void exec(const std::string& sql);   // one or more statements, no results
    std::int64_t last_insert_id() const;
    int changes() const;
    // PRAGMA integrity_check's findings; empty when the file is sound.
    std::vector<std::string> integrity_problems();
    sqlite3* handle() { return db_; }

private:
    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

// BEGIN IMMEDIATE … COMMIT; rolls back when it is destroyed without commit().
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace gatehouse::store
