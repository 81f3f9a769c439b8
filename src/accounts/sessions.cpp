#include "gatehouse/accounts/sessions.hpp"

#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/logins.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
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

// What memcached holds for a session: "s1:<user>:<login>:<expires>:<touched>:<remember>:<fingerprint>",
// read with from_chars — parsing it as JSON cost 15,000 instructions, 9% of a session page
// (callgrind). A JSON record written by an earlier Gatehouse still reads, so an upgrade logs nobody out.
struct SessionRecord {
    std::int64_t user = 0, login = 0, expires = 0, touched = 0;
    bool remember = false;
    std::string fingerprint;

    std::string encode() const {
        return "s1:" + std::to_string(user) + ':' + std::to_string(login) + ':' + std::to_string(expires) + ':' +
               std::to_string(touched) + ':' + (remember ? '1' : '0') + ':' + fingerprint;
    }

    static std::optional<SessionRecord> decode(std::string_view text) {
        if (text.starts_with('{')) return from_json(text);
        if (!text.starts_with("s1:")) return std::nullopt;
        text.remove_prefix(3);
        SessionRecord r;
        std::int64_t remember = 0;
        for (std::int64_t* field : {&r.user, &r.login, &r.expires, &r.touched, &remember}) {
            const auto colon = text.find(':');
            if (colon == std::string_view::npos) return std::nullopt;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + colon, *field);
            if (ec != std::errc{} || end != text.data() + colon) return std::nullopt;
            text.remove_prefix(colon + 1);
        }
        r.remember = remember == 1;
        r.fingerprint = std::string(text);
        return r;
    }

private:
    static std::optional<SessionRecord> from_json(std::string_view text) {
        const auto json = nlohmann::json::parse(text, nullptr, false);
        if (json.is_discarded() || !json.is_object()) return std::nullopt;
        try {
            return SessionRecord{json.value("u", std::int64_t{0}), json.value("l", std::int64_t{0}),
                                 json.value("e", std::int64_t{0}), json.value("t", std::int64_t{0}),
                                 json.value("r", false),           json.value("p", std::string())};
        } catch (const nlohmann::json::exception&) {
            return std::nullopt;  // a field of the wrong type
        }
    }
};

// A session memcached does not know (it restarted, or evicted it) rebuilt from its login row, as
// Django's cached_db sessions fall back to the database; nullopt when the row is not a live session.
std::optional<std::string> record_from_login(Services& s, const std::string& hash, std::int64_t now) {
    const auto login = store::LoginStore(s.db).find_by_key(hash);
    if (!login || login->kind != "session" || login->revoked_at || login->expires_at <= now || login->auth_hash.empty())
        return std::nullopt;
    const std::string record = SessionRecord{login->user_id, login->id, login->expires_at, login->last_seen_at,
                                             login->remember, login->auth_hash}.encode();
    s.cache.add(session_cache_key(hash), record, login->expires_at - now);
    return record;
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
        started.login_id = open_login(s, {user.id, "session", hash, client, ttl}, {fingerprint, remember});
        const SessionRecord record{user.id, started.login_id, now + ttl, now, remember, fingerprint};
        if (s.cache.add(session_cache_key(hash), record.encode(), ttl)) break;
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
    auto record = SessionRecord::decode(*raw);
    if (!record) return std::nullopt;
    const auto expires = record->expires;
    if (expires <= now) {
        if (lookup == Lookup::Use) end_by_hash(s, hash);
        return std::nullopt;
    }
    auto user = store::UserStore(s.db).find_by_id(record->user);
    if (!user || !user->is_active || !core::constant_time_equals(record->fingerprint, password_fingerprint(s, *user))) {
        if (lookup == Lookup::Use) end_by_hash(s, hash);
        return std::nullopt;
    }
    ActiveSession active{*user, record->login, record->remember};
    if (lookup == Lookup::Use && now - record->touched >= kTouchEverySeconds) {
        store::LoginStore(s.db).touch(active.login_id, now, client.ip);
        record->touched = now;
        s.cache.set(session_cache_key(hash), record->encode(), expires - now);
    }
    return active;
}

void end_session(Services& s, std::string_view session_id) { end_by_hash(s, session_key_hash(session_id)); }

}  // namespace gatehouse::accounts
