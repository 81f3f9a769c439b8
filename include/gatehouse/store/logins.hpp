#pragma once
// The logins table: one row per live login (browser session, JWT refresh family, API token).
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

struct Login {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string kind;      // "session", "jwt", "token"
    std::string key_hash;  // hex SHA-256 of the secret that identifies it
    std::string device;
    std::string ip;
    std::int64_t created_at = 0;
    std::int64_t last_seen_at = 0;
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> revoked_at;
    std::optional<std::string> current_jti;  // JWT families: the refresh token now valid
    std::string auth_hash;                   // sessions: the password fingerprint at login ("" otherwise)
    bool remember = false;                   // sessions: "remember me" was checked
};

struct BlacklistedRefresh {
    std::int64_t login_id = 0;
    std::int64_t rotated_at = 0;
};

class LoginStore {
public:
    explicit LoginStore(Database& db) : db_(db) {}

    std::int64_t insert(const Login& login);
    std::optional<Login> find(std::int64_t id);
    std::optional<Login> find_by_key(std::string_view key_hash);
    // Live: not revoked, not expired; oldest first.
    std::vector<Login> live_for_user(std::int64_t user_id, std::int64_t now);
    void touch(std::int64_t id, std::int64_t now, std::string_view ip);
    void revoke(std::int64_t id, std::int64_t now);
    // A JWT family's refresh rotation: the new jti becomes current and the old one is blacklisted, if
    // old_jti is still current (false: another request rotated it first, or the login has ended).
    bool rotate(std::int64_t id, std::string_view old_jti, std::string_view new_jti, std::int64_t now,
                std::int64_t expires_at, std::int64_t old_expires_at);
    void set_current_jti(std::int64_t id, std::string_view jti);
    // When the login last proved the password (or a phone code): its creation, or the last re-entry.
    // Read only when a sensitive action asks (never on the session's hot path). 0: unknown login.
    std::int64_t authenticated_at(std::int64_t id);
    void set_authenticated_at(std::int64_t id, std::int64_t now);
    std::optional<BlacklistedRefresh> blacklisted(std::string_view jti);
    void blacklist(std::string_view jti, std::int64_t login_id, std::int64_t now, std::int64_t expires_at);

private:
    Database& db_;
};

}  // namespace gatehouse::store
