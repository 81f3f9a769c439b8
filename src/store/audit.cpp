#include "gatehouse/store/audit.hpp"

namespace gatehouse::store {
namespace {

std::optional<std::int64_t> optional_int(const Statement& row, int index) {
    if (row.column_is_null(index)) return std::nullopt;
    return row.column_int(index);
}

}  // namespace

std::int64_t AuditStore::record(std::int64_t at, std::optional<std::int64_t> actor_id,
                                std::optional<std::int64_t> target_id, std::string_view action,
                                std::string_view detail, std::string_view ip, std::string_view actor_label) {
    auto q = db_.query(
        "INSERT INTO audit_log (at, actor_id, target_id, action, detail, ip, actor_label) VALUES (?,?,?,?,?,?,?) RETURNING id");
    q.bind(1, at);
    if (actor_id) q.bind(2, *actor_id);
    else q.bind_null(2);
    if (target_id) q.bind(3, *target_id);
    else q.bind_null(3);
    // std::string: a default string_view has no data, which SQLite would store as NULL.
    q.bind(4, std::string(action)).bind(5, std::string(detail)).bind(6, std::string(ip)).bind(7, std::string(actor_label));
    return q.returned_id();
}

std::vector<AuditEntry> AuditStore::recent(int limit) { return matching(std::nullopt, std::nullopt, limit); }

std::vector<AuditEntry> AuditStore::matching(std::optional<std::int64_t> user_id, std::optional<std::int64_t> since,
                                             int limit) {
    auto q = db_.query(
        "SELECT a.id, a.at, a.actor_id, a.target_id, a.action, a.detail, a.ip, actor.email, target.email,"
        " a.actor_label"
        " FROM audit_log a LEFT JOIN users actor ON actor.id = a.actor_id"
        " LEFT JOIN users target ON target.id = a.target_id"
        " WHERE (CAST(?1 AS BIGINT) IS NULL OR a.actor_id = ?1 OR a.target_id = ?1)"
        " AND (CAST(?2 AS BIGINT) IS NULL OR a.at >= ?2)"
        " ORDER BY a.at DESC, a.id DESC LIMIT ?3");
    if (user_id) q.bind(1, *user_id);
    if (since) q.bind(2, *since);
    q.bind(3, limit);
    std::vector<AuditEntry> out;
    while (q.step()) {
        const auto& row = q.row();
        out.push_back({row.column_int(0), row.column_int(1), optional_int(row, 2), optional_int(row, 3),
                       row.column_text(4), row.column_text(5), row.column_text(6), row.column_optional_text(7),
                       row.column_optional_text(8), row.column_text(9)});
    }
    return out;
}

}  // namespace gatehouse::store
