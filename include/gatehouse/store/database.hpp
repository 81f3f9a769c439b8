#pragma once
// The database: SQLite (one file, the default) or PostgreSQL (libpq), behind one interface. One
// connection per worker; statements prepared once and kept for the connection's life.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

// A UNIQUE/CHECK/FOREIGN KEY constraint refused a write (e.g. email taken).
struct ConstraintError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Engine : std::uint8_t { Sqlite, Postgresql };

// Where a database is (README: GATEHOUSE_DATABASE): "postgresql://…" (or "postgres://…", libpq's
// URI), "sqlite:///relative/path" or "sqlite:////absolute/path" (SQLAlchemy's spelling), or a bare
// file path for SQLite. Throws std::invalid_argument for another scheme or an empty path.
struct Location {
    Engine engine;
    std::string target;  // the SQLite file path, or the PostgreSQL URI as given
};
Location parse_location(std::string_view location);
// The location without a password, for messages and logs.
std::string redacted(std::string_view location);

// One prepared statement of a connection. SQL is written with ? placeholders for both engines.
class Statement {
public:
    virtual ~Statement() = default;

    Statement& bind(int index, std::int64_t value) { return bind_int(index, value); }
    Statement& bind(int index, int value) { return bind_int(index, value); }
    Statement& bind(int index, bool value) { return bind_int(index, value ? 1 : 0); }
    Statement& bind(int index, std::string_view value) { return bind_text(index, value); }
    Statement& bind(int index, const char* value) { return bind_text(index, value); }
    Statement& bind(int index, const std::string& value) { return bind_text(index, value); }
    Statement& bind(int index, const std::optional<std::string>& value) {
        return value ? bind_text(index, *value) : bind_null(index);
    }
    virtual Statement& bind_int(int index, std::int64_t value) = 0;
    virtual Statement& bind_text(int index, std::string_view value) = 0;
    virtual Statement& bind_null(int index) = 0;

    virtual bool step() = 0;  // true while there is a row; throws on error
    void run() {              // step to completion (for writes)
        while (step()) {
        }
    }
    virtual void reset() = 0;  // ready for reuse, bindings cleared

    virtual std::int64_t column_int(int index) const = 0;
    virtual std::string column_text(int index) const = 0;
    std::optional<std::string> column_optional_text(int index) const {
        if (column_is_null(index)) return std::nullopt;
        return column_text(index);
    }
    virtual bool column_is_null(int index) const = 0;
    virtual int column_count() const = 0;
    virtual std::string column_name(int index) const = 0;
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
    // The id of the row an "INSERT … RETURNING id" wrote (both engines; there is no last_insert_id).
    std::int64_t returned_id() {
        if (!statement_.step()) throw std::logic_error("database: INSERT … RETURNING id returned no row");
        const std::int64_t id = statement_.column_int(0);
        statement_.run();
        return id;
    }
    const Statement& row() const { return statement_; }

private:
    Statement& statement_;
};

// One engine's connection (store/sqlite.cpp, store/postgresql.cpp).
class Connection {
public:
    virtual ~Connection() = default;
    virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
    virtual void exec(const std::string& sql) = 0;  // one or more statements, no results, no placeholders
    virtual int changes() const = 0;                // rows the latest write changed
    virtual void begin() = 0;                       // a transaction that writes
    virtual void commit() = 0;
    virtual void rollback() = 0;
    virtual void begin_snapshot() = 0;              // a consistent read while others write; ends with rollback()
    virtual bool has_table(std::string_view name) = 0;
    virtual std::vector<std::string> table_names() = 0;  // the schema's tables, the engine's own excluded
    virtual std::vector<std::string> column_names(std::string_view table) = 0;  // in the table's order; none: no table
    virtual std::vector<std::string> integrity_problems() = 0;
};

// ReadOnly: another application's database we only read (gatehouse import-django): SQLite opened
// read-only, its journal mode left as it is and no file created; PostgreSQL sessions read-only.
enum class Access : std::uint8_t { ReadWrite, ReadOnly };

class Database {
public:
    explicit Database(std::string_view location, Access access = Access::ReadWrite);  // see Location
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Engine engine() const { return engine_; }
    // A prepared statement for this SQL text, compiled on first use and kept for the connection.
    Query query(std::string_view sql);
    void exec(const std::string& sql);
    int changes() const { return connection_->changes(); }
    bool has_table(std::string_view name) { return connection_->has_table(name); }
    std::vector<std::string> table_names() { return connection_->table_names(); }
    std::vector<std::string> column_names(std::string_view table) { return connection_->column_names(table); }
    // What the engine's own check finds wrong (SQLite's integrity_check); empty when sound.
    std::vector<std::string> integrity_problems() { return connection_->integrity_problems(); }
    Connection& connection() { return *connection_; }

private:
    Engine engine_;
    std::unique_ptr<Connection> connection_;
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

std::unique_ptr<Connection> open_sqlite(const std::string& path, Access access = Access::ReadWrite);
std::unique_ptr<Connection> open_postgresql(const std::string& uri, Access access = Access::ReadWrite);

// A writing transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN, read committed — the stores
// make their read-then-write steps conditional updates); rolls back when destroyed without commit().
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
