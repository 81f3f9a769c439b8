#include "gatehouse/store/outbox.hpp"

namespace gatehouse::store {

std::int64_t OutboxStore::enqueue(std::string_view channel, std::string_view recipient, std::string_view subject,
                                  std::string_view text_body, std::string_view html_body, std::int64_t now) {
    auto q = db_.query(
        "INSERT INTO outbox (channel, recipient, subject, text_body, html_body, created_at, next_attempt_at)"
        " VALUES (?,?,?,?,?,?,?) RETURNING id");
    q.bind(1, channel).bind(2, recipient).bind(3, subject).bind(4, text_body).bind(5, html_body);
    q.bind(6, now).bind(7, now);
    return q.returned_id();
}

std::vector<OutboxMessage> OutboxStore::due(std::int64_t now, int limit) {
    auto q = db_.query(
        "SELECT id, channel, recipient, subject, text_body, html_body, attempts, created_at FROM outbox"
        " WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
    q.bind(1, now).bind(2, limit);
    std::vector<OutboxMessage> out;
    while (q.step()) {
        const auto& row = q.row();
        out.push_back({row.column_int(0), row.column_text(1), row.column_text(2), row.column_text(3),
                       row.column_text(4), row.column_text(5), static_cast<int>(row.column_int(6)), row.column_int(7)});
    }
    return out;
}

bool OutboxStore::claim(std::int64_t id, std::int64_t now, std::int64_t lease_until) {
    db_.query("UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND sent_at IS NULL AND next_attempt_at <= ?")
        .bind(1, lease_until)
        .bind(2, id)
        .bind(3, now)
        .run();
    return db_.changes() == 1;
}

void OutboxStore::mark_sent(std::int64_t id, std::int64_t now) {
    db_.query("UPDATE outbox SET sent_at = ?, text_body = '', html_body = '', last_error = NULL WHERE id = ?")
        .bind(1, now)
        .bind(2, id)
        .run();
}

void OutboxStore::mark_failed(std::int64_t id, int attempts, std::int64_t retry_at, std::string_view error) {
    db_.query("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND sent_at IS NULL")
        .bind(1, attempts)
        .bind(2, retry_at)
        .bind(3, error)
        .bind(4, id)
        .run();
}

std::vector<QueuedMessage> OutboxStore::unsent(int limit) {
    auto q = db_.query(
        "SELECT id, channel, recipient, attempts, last_error, created_at, next_attempt_at FROM outbox"
        " WHERE sent_at IS NULL ORDER BY created_at, id LIMIT ?");
    q.bind(1, limit);
    std::vector<QueuedMessage> out;
    while (q.step()) {
        const auto& row = q.row();
        out.push_back({row.column_int(0), row.column_text(1), row.column_text(2), static_cast<int>(row.column_int(3)),
                       row.column_optional_text(4), row.column_int(5), row.column_int(6)});
    }
    return out;
}

bool OutboxStore::make_due(std::int64_t id, std::int64_t now) {
    db_.query("UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND sent_at IS NULL").bind(1, now).bind(2, id).run();
    return db_.changes() > 0;
}

OutboxBacklog OutboxStore::backlog() {
    auto q = db_.query("SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL");
    OutboxBacklog out;
    if (!q.step()) return out;
    out.pending = q.row().column_int(0);
    if (!q.row().column_is_null(1)) out.oldest_created = q.row().column_int(1);
    return out;
}

}  // namespace gatehouse::store
