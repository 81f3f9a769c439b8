#include "gatehouse/accounts/sessions.hpp"

#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/logins.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace gatehouse::accounts {
namespace {

constexpr int kTouchEverySeconds = 60;

// Like Django's get_session_auth_hash: an HMAC of the password hash, never the hash itself. Every
// page of a logged-in user checks it, and the HMAC was a tenth of a session page's instructions
// (callgrind), so each worker remembers the fingerprints it made, by secret key and password hash (a
// changed password or key is a new entry; nothing leaves the process).
std::string password_fingerprint(const Services& s, const User& user) {
    static std::unordered_map<std::string, std::string> made;
    std::string key = s.config.secret_key + '\0' + user.password_hash;
    if (auto it = made.find(key); it != made.end()) return it->second;
    std::string fingerprint =
        core::hex_encode(core::hmac_sha256(s.config.secret_key, "session-auth:" + user.password_hash)).substr(0, 32);
    if (made.size() >= 4096) made.clear();  // bounded; refilled one HMAC per user
    made.emplace(std::move(key), fingerprint);
    return fingerprint;
}

// A session memcached does not know (it restarted, or evicted it) rebuilt from its login row, as
// Django's cached_db sessions fall back to the database; nullopt when the row is not a live session.
std::optional<std::string> record_from_login(Services& s, const std::string& hash, std::int64_t now) {
    const auto login = store::LoginStore(s.db).find_by_key(hash);
    if (!login || login->kind != "session" || login->revoked_at || login->expires_at <= now || login->auth_hash.empty())
        return std::nullopt;
    const nlohmann::json record = {{"u", login->user_id}, {"p", login->auth_hash}, {"e", login->expires_at},
                                   {"t", login->last_seen_at}, {"r", login->remember}, {"l", login->id}};
    s.cache.add(session_cache_key(hash), record.dump(), login->expires_at - now);
    return record.dump();
}

// Ends a session everywhere: memcached forgets it and its login row is revoked, so it cannot be
// rebuilt either.
void end_by_hash(Services& s, const std::string& hash) {
    s.cache.remove(session_cache_key(hash));
    store::LoginStore logins(s.db);
    if (auto login = logins.find_by_key(hash)) logins.revoke(login->id, s.now());  // a revoked one keeps its time
}

}  // namespace

std::string session_key_hash(std::string_view session_id) { return core::hex_encode(core::sha256(session_id)); }

StartedSession start_session(Services& s, const User& user, bool remember, const ClientInfo& client) {
    StartedSession started;
    const int ttl = remember ? s.config.session_ttl : kBrowserSessionSeconds;
    const auto now = s.now();
    for (int attempt = 0; attempt < 3; ++attempt) {
        started.id = core::base64url_encode(core::random_bytes(32));
        const std::string hash = session_key_hash(started.id);
        const std::string fingerprint = password_fingerprint(s, user);
        nlohmann::json record = {{"u", user.id}, {"p", fingerprint}, {"e", now + ttl}, {"t", now}, {"r", remember}};
        started.login_id = open_login(s, {user.id, "session", hash, client, ttl}, {fingerprint, remember});
        record["l"] = started.login_id;
        if (s.cache.add(session_cache_key(hash), record.dump(), ttl)) break;
        started.login_id = 0;  // a clash of 256-bit ids: practically never; try a new id
    }
    if (started.login_id == 0) throw std::runtime_error("could not store a new session");
    if (remember) started.cookie_max_age = ttl;
    return started;
}

std::optional<ActiveSession> resume_session(Services& s, std::string_view session_id, const ClientInfo& client,
                                           Lookup lookup) {
    if (session_id.empty() || session_id.size() > 128) return std::nullopt;
    const std::string hash = session_key_hash(session_id);
    const auto now = s.now();
    auto raw = s.cache.get(session_cache_key(hash));
    if (!raw) raw = record_from_login(s, hash, now);
    if (!raw) return std::nullopt;
    auto record = nlohmann::json::parse(*raw, nullptr, false);
    if (record.is_discarded() || !record.is_object()) return std::nullopt;
    const auto expires = record.value("e", std::int64_t{0});
    if (expires <= now) {
        if (lookup == Lookup::Use) end_by_hash(s, hash);
        return std::nullopt;
    }
    auto user = store::UserStore(s.db).find_by_id(record.value("u", std::int64_t{0}));
    if (!user || !user->is_active ||
        !core::constant_time_equals(record.value("p", std::string()), password_fingerprint(s, *user))) {
        if (lookup == Lookup::Use) end_by_hash(s, hash);
        return std::nullopt;
    }
    ActiveSession active{*user, record.value("l", std::int64_t{0}), record.value("r", false)};
    if (lookup == Lookup::Use && now - record.value("t", std::int64_t{0}) >= kTouchEverySeconds) {
        store::LoginStore(s.db).touch(active.login_id, now, client.ip);
        record["t"] = now;
        s.cache.set(session_cache_key(hash), record.dump(), expires - now);
    }
    return active;
}

void end_session(Services& s, std::string_view session_id) { end_by_hash(s, session_key_hash(session_id)); }

}  // namespace gatehouse::accounts
