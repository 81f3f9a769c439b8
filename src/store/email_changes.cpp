#include "gatehouse/store/email_changes.hpp"

namespace gatehouse::store {
namespace {

constexpr const char* kSelect =
    "SELECT id, user_id, old_email, new_email, requested_at, expires_at, confirmed_at, undone_at FROM email_changes ";

EmailChange read_change(const Statement& row) {
    EmailChange c;
    c.id = row.column_int(0);
    c.user_id = row.column_int(1);
    c.old_email = row.column_optional_text(2);
    c.new_email = row.column_text(3);
    c.requested_at = row.column_int(4);
    c.expires_at = row.column_int(5);
    if (!row.column_is_null(6)) c.confirmed_at = row.column_int(6);
    if (!row.column_is_null(7)) c.undone_at = row.column_int(7);
    return c;
}

}  // namespace

std::int64_t EmailChangeStore::request(std::int64_t user_id, const std::optional<std::string>& old_email,
                                       std::string_view new_email, std::int64_t now, std::int64_t expires_at) {
    drop_pending(user_id);
    return db_.query("INSERT INTO email_changes (user_id, old_email, new_email, requested_at, expires_at) VALUES (?,?,?,?,?)"
                     " RETURNING id")
        .bind(1, user_id)
        .bind(2, old_email)
        .bind(3, new_email)
        .bind(4, now)
        .bind(5, expires_at)
        .returned_id();
}

std::optional<EmailChange> EmailChangeStore::pending(std::int64_t user_id) {
    static const std::string sql = std::string(kSelect) + "WHERE user_id = ? AND confirmed_at IS NULL ORDER BY id DESC";
    auto q = db_.query(sql);
    q.bind(1, user_id);
    if (!q.step()) return std::nullopt;
    return read_change(q.row());
}

std::optional<EmailChange> EmailChangeStore::find(std::int64_t id) {
    static const std::string sql = std::string(kSelect) + "WHERE id = ?";
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_change(q.row());
}

void EmailChangeStore::drop_pending(std::int64_t user_id) {
    db_.query("DELETE FROM email_changes WHERE user_id = ? AND confirmed_at IS NULL").bind(1, user_id).run();
}

bool EmailChangeStore::confirm(std::int64_t id, std::int64_t now) {
    db_.query("UPDATE email_changes SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL").bind(1, now).bind(2, id).run();
    return db_.changes() == 1;
}

std::vector<EmailChange> EmailChangeStore::undoable(std::int64_t user_id, std::int64_t since) {
    static const std::string sql = std::string(kSelect) +
                                   "WHERE user_id = ? AND confirmed_at IS NOT NULL AND confirmed_at > ? AND undone_at IS NULL"
                                   " ORDER BY id DESC";
    auto q = db_.query(sql);
    q.bind(1, user_id).bind(2, since);
    std::vector<EmailChange> out;
    while (q.step()) out.push_back(read_change(q.row()));
    return out;
}

bool EmailChangeStore::undo(std::int64_t id, std::int64_t now) {
    db_.query("UPDATE email_changes SET undone_at = ? WHERE id = ? AND undone_at IS NULL").bind(1, now).bind(2, id).run();
    return db_.changes() == 1;
}

int EmailChangeStore::sweep(std::int64_t now, std::int64_t undo_seconds) {
    db_.query("DELETE FROM email_changes WHERE (confirmed_at IS NULL AND expires_at <= ?) OR undone_at IS NOT NULL"
              " OR confirmed_at <= ?")
        .bind(1, now)
        .bind(2, now - undo_seconds)
        .run();
    return db_.changes();
}

}  // namespace gatehouse::store
