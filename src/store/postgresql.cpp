// The PostgreSQL engine (libpq): for more than one machine. Each statement is prepared on the
// connection at its first use and again after a reconnect; values travel as text and PostgreSQL
// infers their types from the SQL, so the stores' SQL is the same for both engines.
#include "gatehouse/core/errors.hpp"
#include "gatehouse/store/database.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace gatehouse::store {
namespace {

// "?" placeholders become PostgreSQL's "$1", "$2"… and SQLite's numbered "?3" becomes "$3" (not inside
// quotes or comments). count is the highest number.
std::string numbered_placeholders(std::string_view sql, int& count) {
    std::string out;
    out.reserve(sql.size() + 16);
    count = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char ch = sql[i];
        if (ch == '\'' || ch == '"') {
            const auto end = sql.find(ch, i + 1);
            const auto stop = end == std::string_view::npos ? sql.size() : end + 1;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto end = sql.find('\n', i);
            const auto stop = end == std::string_view::npos ? sql.size() : end;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (ch == '?') {
            std::size_t digits = i + 1;
            while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
            int number = ++count;
            if (digits > i + 1) {
                number = std::stoi(std::string(sql.substr(i + 1, digits - i - 1)));
                count = std::max(count - 1, number);
                i = digits - 1;
            }
            out += '$' + std::to_string(number);
        } else {
            out += ch;
        }
    }
    return out;
}

std::string trimmed(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

class PostgresConnection;

class PostgresStatement final : public Statement {
public:
    PostgresStatement(PostgresConnection& connection, std::string_view sql, std::string name)
        : connection_(connection), name_(std::move(name)) {
        int count = 0;
        sql_ = numbered_placeholders(sql, count);
        values_.resize(static_cast<std::size_t>(count));
        integers_.resize(values_.size());
    }
    ~PostgresStatement() override { PQclear(result_); }

    Statement& bind_int(int index, std::int64_t value) override {
        set(index, std::to_string(value));
        integers_[static_cast<std::size_t>(index) - 1] = true;
        return *this;
    }
    Statement& bind_text(int index, std::string_view value) override { return set(index, std::string(value)); }
    Statement& bind_null(int index) override {
        slot(index).reset();
        return *this;
    }

    bool step() override;
    void reset() override {
        PQclear(result_);
        result_ = nullptr;
        row_ = -1;
        for (auto& value : values_) value.reset();
    }

    std::int64_t column_int(int index) const override {
        const char* text = PQgetvalue(result_, row_, index);
        if (text[0] == 't' && text[1] == '\0') return 1;  // a boolean expression
        if (text[0] == 'f' && text[1] == '\0') return 0;
        std::int64_t value = 0;
        std::from_chars(text, text + PQgetlength(result_, row_, index), value);
        return value;
    }
    std::string column_text(int index) const override {
        return std::string(PQgetvalue(result_, row_, index), static_cast<std::size_t>(PQgetlength(result_, row_, index)));
    }
    bool column_is_null(int index) const override { return PQgetisnull(result_, row_, index) != 0; }
    int column_count() const override { return result_ ? PQnfields(result_) : 0; }
    std::string column_name(int index) const override { return result_ ? PQfname(result_, index) : ""; }

private:
    friend class PostgresConnection;
    std::optional<std::string>& slot(int index) {
        if (index < 1 || static_cast<std::size_t>(index) > values_.size())
            throw std::out_of_range("database: no placeholder " + std::to_string(index));
        return values_[static_cast<std::size_t>(index) - 1];
    }
    Statement& set(int index, std::string value) {
        slot(index) = std::move(value);
        return *this;
    }

    PostgresConnection& connection_;
    std::string name_;
    std::string sql_;
    std::vector<std::optional<std::string>> values_;
    // Which values were bound as integers when the statement was first prepared: those are declared
    // bigint, the rest are left for PostgreSQL to infer from the SQL, as it does for a quoted literal.
    std::vector<bool> integers_;
    PGresult* result_ = nullptr;
    int row_ = -1;
    std::uint64_t prepared_on_ = 0;  // the connection generation it was prepared on; 0: never
};

class PostgresConnection final : public Connection {
public:
    PostgresConnection(const std::string& uri, Access access) : uri_(uri) {
        // The URI's own settings win over these (they come before dbname). Read-only: every
        // transaction of the session refuses writes; timestamps read in UTC.
        const char* options = access == Access::ReadOnly ? "-c default_transaction_read_only=on -c TimeZone=UTC" : "";
        const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "options", "dbname", nullptr};
        const char* values[] = {"3", "gatehouse", "UTF8", options, uri.c_str(), nullptr};
        conn_ = PQconnectdbParams(keys, values, 1);
        if (!conn_) throw std::bad_alloc();
        // A server down now is not fatal: every statement tries again and answers 503 meanwhile.
        if (PQstatus(conn_) == CONNECTION_OK) ++generation_;
    }
    ~PostgresConnection() override { PQfinish(conn_); }

    std::unique_ptr<Statement> prepare(std::string_view sql) override {
        return std::make_unique<PostgresStatement>(*this, sql, "gh" + std::to_string(++statements_));
    }

    void exec(const std::string& sql) override {
        ensure_live();
        PQclear(check(PQexec(conn_, sql.c_str()), "exec"));
    }

    int changes() const override { return changes_; }

    void begin() override {
        ensure_live();
        PQclear(check(PQexec(conn_, "BEGIN"), "begin"));
        in_transaction_ = true;
    }
    void begin_snapshot() override {
        ensure_live();
        PQclear(check(PQexec(conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), "begin"));
        in_transaction_ = true;
    }
    void commit() override {
        in_transaction_ = false;
        PQclear(check(PQexec(conn_, "COMMIT"), "commit"));
    }
    void rollback() override {
        in_transaction_ = false;
        if (PQstatus(conn_) != CONNECTION_OK) return;  // the server ended it with the connection
        PQclear(check(PQexec(conn_, "ROLLBACK"), "rollback"));
    }

    bool has_table(std::string_view name) override {
        if (!table_) table_ = prepare("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?");
        Query q(*table_);
        q.bind(1, name);
        return q.step();
    }

    std::vector<std::string> table_names() override {
        auto statement = prepare("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
        Query q(*statement);
        std::vector<std::string> names;
        while (q.step()) names.push_back(q.row().column_text(0));
        return names;
    }

    std::vector<std::string> column_names(std::string_view table) override {
        auto statement = prepare("SELECT column_name FROM information_schema.columns"
                                 " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position");
        Query q(*statement);
        q.bind(1, table);
        std::vector<std::string> names;
        while (q.step()) names.push_back(q.row().column_text(0));
        return names;
    }

    std::vector<std::string> integrity_problems() override {
        exec("SELECT 1");  // PostgreSQL checks its own pages; here only that it answers
        return {};
    }

    PGresult* execute(PostgresStatement& s) {
        ensure_live();
        if (s.prepared_on_ != generation_) {
            constexpr Oid kBigint = 20;  // INT8OID
            std::vector<Oid> types(s.values_.size());
            for (std::size_t i = 0; i < types.size(); ++i) types[i] = s.integers_[i] ? kBigint : 0;
            PQclear(check(PQprepare(conn_, s.name_.c_str(), s.sql_.c_str(), static_cast<int>(types.size()), types.data()),
                          "prepare"));
            s.prepared_on_ = generation_;
        }
        std::vector<const char*> values(s.values_.size());
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = s.values_[i] ? s.values_[i]->c_str() : nullptr;
        PGresult* result = check(PQexecPrepared(conn_, s.name_.c_str(), static_cast<int>(values.size()), values.data(),
                                                nullptr, nullptr, 0),
                                 "step");
        const char* tuples = PQcmdTuples(result);
        changes_ = 0;
        std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changes_);
        return result;
    }

private:
    // A connection the server closed while idle (a restart, an administrator's terminate) is found
    // before it is used, and opened again; inside a transaction a lost connection is an error,
    // never a silent new connection that would commit the rest of the transaction alone.
    void ensure_live() {
        if (PQstatus(conn_) == CONNECTION_OK && (in_transaction_ || !closed_by_server())) return;
        if (in_transaction_) unavailable("the connection was lost in a transaction");
        PQreset(conn_);
        if (PQstatus(conn_) != CONNECTION_OK)
            unavailable("cannot reach " + redacted(uri_) + ": " + trimmed(PQerrorMessage(conn_)));
        ++generation_;  // a new server session: every statement is prepared again at its next use
    }

    // An idle connection has nothing to read unless the server is ending it (a shutdown or an
    // administrator's terminate sends an error, then closes): readable now means "open a new one". A
    // notice now and then would cost a needless reconnect, no more.
    bool closed_by_server() {
        pollfd fd{PQsocket(conn_), POLLIN, 0};
        return fd.fd < 0 || poll(&fd, 1, 0) > 0;
    }

    [[noreturn]] static void unavailable(const std::string& message) {
        throw core::Unavailable(core::Backend::Postgresql, "database: " + message);
    }

    PGresult* check(PGresult* result, std::string_view what) {
        const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
        const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        const std::string code = state ? state : "";
        const std::string message =
            std::string(what) + ": " + trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
        PQclear(result);
        if (code.starts_with("23")) throw ConstraintError(message);
        // Connection, resources, operator intervention, system errors, a serialization failure or
        // deadlock: the database is unavailable right now. Anything else is a bug in our SQL.
        if (code.empty() || PQstatus(conn_) != CONNECTION_OK || code.starts_with("08") || code.starts_with("53") ||
            code.starts_with("57") || code.starts_with("58") || code == "40001" || code == "40P01")
            unavailable(message);
        throw std::runtime_error("database: " + message);
    }

    std::string uri_;
    PGconn* conn_ = nullptr;
    std::uint64_t generation_ = 0;
    std::uint64_t statements_ = 0;
    int changes_ = 0;
    bool in_transaction_ = false;
    std::unique_ptr<Statement> table_;
};

bool PostgresStatement::step() {
    if (!result_) result_ = connection_.execute(*this);
    if (row_ < PQntuples(result_)) ++row_;
    return row_ < PQntuples(result_);
}

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& uri, Access access) {
    return std::make_unique<PostgresConnection>(uri, access);
}

}  // namespace gatehouse::store
