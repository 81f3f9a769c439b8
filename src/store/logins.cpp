#include "gatehouse/store/logins.hpp"

namespace gatehouse::store {
namespace {

constexpr const char* kSelect =
    "SELECT id, user_id, kind, key_hash, device, ip, created_at, last_seen_at, expires_at, revoked_at, current_jti,"
    " auth_hash, remember FROM logins ";

Login read_login(const Statement& row) {
    Login l;
    l.id = row.column_int(0);
    l.user_id = row.column_int(1);
    l.kind = row.column_text(2);
    l.key_hash = row.column_text(3);
    l.device = row.column_text(4);
    l.ip = row.column_text(5);
    l.created_at = row.column_int(6);
    l.last_seen_at = row.column_int(7);
    l.expires_at = row.column_int(8);
    if (!row.column_is_null(9)) l.revoked_at = row.column_int(9);
    l.current_jti = row.column_optional_text(10);
    l.auth_hash = row.column_text(11);
    l.remember = row.column_int(12) != 0;
    return l;
}

}  // namespace

std::int64_t LoginStore::insert(const Login& l) {
    return db_.query(
           "INSERT INTO logins (user_id, kind, key_hash, device, ip, created_at, last_seen_at, expires_at, current_jti,"
           " auth_hash, remember, authenticated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id")
        .bind(1, l.user_id)
        .bind(2, l.kind)
        .bind(3, l.key_hash)
        .bind(4, l.device)
        .bind(5, l.ip)
        .bind(6, l.created_at)
        .bind(7, l.last_seen_at)
        .bind(8, l.expires_at)
        .bind(9, l.current_jti)
        .bind(10, l.auth_hash)
        .bind(11, l.remember)
        .bind(12, l.created_at)  // a login is opened by a proof: it is authenticated now
        .returned_id();
}

std::optional<Login> LoginStore::find(std::int64_t id) {
    static const std::string sql = std::string(kSelect) + "WHERE id = ?";
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_login(q.row());
}

std::optional<Login> LoginStore::find_by_key(std::string_view key_hash) {
    static const std::string sql = std::string(kSelect) + "WHERE key_hash = ?";
    auto q = db_.query(sql);
    q.bind(1, key_hash);
    if (!q.step()) return std::nullopt;
    return read_login(q.row());
}

std::vector<Login> LoginStore::live_for_user(std::int64_t user_id, std::int64_t now) {
    static const std::string sql =
        std::string(kSelect) + "WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at, id";
    auto q = db_.query(sql);
    q.bind(1, user_id).bind(2, now);
    std::vector<Login> out;
    while (q.step()) out.push_back(read_login(q.row()));
    return out;
}

void LoginStore::touch(std::int64_t id, std::int64_t now, std::string_view ip) {
    db_.query("UPDATE logins SET last_seen_at = ?, ip = ? WHERE id = ?").bind(1, now).bind(2, ip).bind(3, id).run();
}

void LoginStore::revoke(std::int64_t id, std::int64_t now) {
    db_.query("UPDATE logins SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(1, now).bind(2, id).run();
}

bool LoginStore::rotate(std::int64_t id, std::string_view old_jti, std::string_view new_jti, std::int64_t now,
                        std::int64_t expires_at, std::int64_t old_expires_at) {
    // Conditional: of two requests rotating one token at once (two hosts, PostgreSQL's read committed),
    // the second waits for the first's row lock, then finds current_jti changed and changes nothing.
    db_.query("UPDATE logins SET current_jti = ?, expires_at = ?, last_seen_at = ?"
              " WHERE id = ? AND current_jti = ? AND revoked_at IS NULL")
        .bind(1, new_jti)
        .bind(2, expires_at)
        .bind(3, now)
        .bind(4, id)
        .bind(5, old_jti)
        .run();
    if (db_.changes() != 1) return false;
    blacklist(old_jti, id, now, old_expires_at);
    return true;
}

void LoginStore::set_current_jti(std::int64_t id, std::string_view jti) {
    db_.query("UPDATE logins SET current_jti = ? WHERE id = ?").bind(1, jti).bind(2, id).run();
}

std::int64_t LoginStore::authenticated_at(std::int64_t id) {
    auto q = db_.query("SELECT authenticated_at FROM logins WHERE id = ? AND revoked_at IS NULL");
    q.bind(1, id);
    return q.step() ? q.row().column_int(0) : 0;
}

void LoginStore::set_authenticated_at(std::int64_t id, std::int64_t now) {
    db_.query("UPDATE logins SET authenticated_at = ? WHERE id = ?").bind(1, now).bind(2, id).run();
}

std::optional<BlacklistedRefresh> LoginStore::blacklisted(std::string_view jti) {
    auto q = db_.query("SELECT login_id, rotated_at FROM refresh_blacklist WHERE jti = ?");
    q.bind(1, jti);
    if (!q.step()) return std::nullopt;
    return BlacklistedRefresh{q.row().column_int(0), q.row().column_int(1)};
}

void LoginStore::blacklist(std::string_view jti, std::int64_t login_id, std::int64_t now, std::int64_t expires_at) {
    db_.query("INSERT INTO refresh_blacklist (jti, login_id, rotated_at, expires_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING")
        .bind(1, jti)
        .bind(2, login_id)
        .bind(3, now)
        .bind(4, expires_at)
        .run();
}

}  // namespace gatehouse::store
