#include "gatehouse/store/mfa.hpp"

namespace gatehouse::store {

std::optional<TotpRow> MfaStore::find_totp(std::int64_t user_id) {
    auto q = db_.query("SELECT user_id, secret, pending_until, confirmed_at, last_step FROM mfa_totp WHERE user_id = ?");
    q.bind(1, user_id);
    if (!q.step()) return std::nullopt;
    const auto& row = q.row();
    return TotpRow{row.column_int(0), row.column_text(1), row.column_int(2), row.column_optional_text(3), row.column_int(4)};
}

bool MfaStore::save_pending(std::int64_t user_id, std::string_view sealed_secret, std::int64_t pending_until) {
    auto q = db_.query(
        "INSERT INTO mfa_totp (user_id, secret, pending_until) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (user_id) DO UPDATE SET secret = ?2, pending_until = ?3, last_step = -1"
        " WHERE mfa_totp.confirmed_at IS NULL");
    q.bind(1, user_id).bind(2, std::string(sealed_secret)).bind(3, pending_until);
    q.run();
    return db_.changes() == 1;
}

void MfaStore::confirm(std::int64_t user_id, std::string_view when, std::int64_t step) {
    auto q = db_.query("UPDATE mfa_totp SET confirmed_at = ?2, pending_until = 0, last_step = ?3 WHERE user_id = ?1");
    q.bind(1, user_id).bind(2, std::string(when)).bind(3, step);
    q.run();
}

bool MfaStore::advance_step(std::int64_t user_id, std::int64_t step) {
    auto q = db_.query("UPDATE mfa_totp SET last_step = ?2 WHERE user_id = ?1 AND last_step < ?2");
    q.bind(1, user_id).bind(2, step);
    q.run();
    return db_.changes() == 1;
}

bool MfaStore::remove_all(std::int64_t user_id) {
    {
        auto q = db_.query("DELETE FROM mfa_recovery_codes WHERE user_id = ?");
        q.bind(1, user_id);
        q.run();
    }
    auto q = db_.query("DELETE FROM mfa_totp WHERE user_id = ?");
    q.bind(1, user_id);
    q.run();
    return db_.changes() == 1;
}

void MfaStore::replace_codes(std::int64_t user_id, const std::vector<std::string>& code_hashes) {
    {
        auto q = db_.query("DELETE FROM mfa_recovery_codes WHERE user_id = ?");
        q.bind(1, user_id);
        q.run();
    }
    for (const auto& hash : code_hashes) {
        auto q = db_.query("INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (?, ?)");
        q.bind(1, user_id).bind(2, hash);
        q.run();
    }
}

std::vector<RecoveryCodeRow> MfaStore::unused_codes(std::int64_t user_id) {
    auto q = db_.query("SELECT id, code_hash FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY id");
    q.bind(1, user_id);
    std::vector<RecoveryCodeRow> out;
    while (q.step()) out.push_back({q.row().column_int(0), q.row().column_text(1)});
    return out;
}

bool MfaStore::use_code(std::int64_t code_id, std::string_view when) {
    auto q = db_.query("UPDATE mfa_recovery_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL");
    q.bind(1, code_id).bind(2, std::string(when));
    q.run();
    return db_.changes() == 1;
}

std::int64_t MfaStore::count_unused(std::int64_t user_id) {
    auto q = db_.query("SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL");
    q.bind(1, user_id);
    q.step();
    return q.row().column_int(0);
}

}  // namespace gatehouse::store
