#include "gatehouse/store/database.hpp"

namespace gatehouse::store {

Location parse_location(std::string_view location) {
    if (location.starts_with("postgresql://") || location.starts_with("postgres://"))
        return {Engine::Postgresql, std::string(location)};
    std::string_view path = location;
    if (location.starts_with("sqlite:///")) path.remove_prefix(std::string_view("sqlite:///").size());
    else if (location.find("://") != std::string_view::npos)
        throw std::invalid_argument("database: not sqlite:///path or postgresql://…: " + redacted(location));
    if (path.empty()) throw std::invalid_argument("database: the SQLite path is empty");
    return {Engine::Sqlite, std::string(path)};
}

std::string redacted(std::string_view location) {
    const auto scheme = location.find("://");
    const auto at = location.find('@');
    if (scheme == std::string_view::npos || at == std::string_view::npos) return std::string(location);
    const auto colon = location.find(':', scheme + 3);
    if (colon == std::string_view::npos || colon > at) return std::string(location);
    return std::string(location.substr(0, colon)) + ":***" + std::string(location.substr(at));
}

Database::Database(std::string_view location, Access access) {
    const Location where = parse_location(location);
    engine_ = where.engine;
    connection_ = engine_ == Engine::Postgresql ? open_postgresql(where.target, access) : open_sqlite(where.target, access);
}

Database::~Database() {
    statements_.clear();  // finalize before the connection closes
}

Query Database::query(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) it = statements_.emplace(std::string(sql), connection_->prepare(sql)).first;
    return Query(*it->second);
}

void Database::exec(const std::string& sql) { connection_->exec(sql); }

Transaction::Transaction(Database& db) : db_(db) { db_.connection().begin(); }

Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.connection().rollback();
        } catch (...) {
            // The connection rolls back by itself when it cannot; nothing more to do here.
        }
    }
}

void Transaction::commit() {
    db_.connection().commit();
    done_ = true;
}

}  // namespace gatehouse::store
