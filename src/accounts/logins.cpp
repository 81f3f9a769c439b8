#include "gatehouse/accounts/logins.hpp"

#include "gatehouse/store/database.hpp"

namespace gatehouse::accounts {

std::string session_cache_key(std::string_view key_hash) { return "sess:" + std::string(key_hash); }

std::int64_t open_login(Services& s, const NewLogin& login, const SessionFacts& session) {
    store::LoginStore logins(s.db);
    const auto now = s.now();
    auto live = logins.live_for_user(login.user_id, now);
    // Oldest first: make room for the new one.
    for (std::size_t i = 0; i + static_cast<std::size_t>(s.config.max_devices) <= live.size(); ++i)
        revoke_login(s, live[i]);
    store::Login row;
    row.user_id = login.user_id;
    row.kind = login.kind;
    row.key_hash = login.key_hash;
    row.device = describe_device(login.client.user_agent);
    row.ip = login.client.ip;
    row.created_at = row.last_seen_at = now;
    row.expires_at = now + login.ttl_seconds;
    row.auth_hash = session.auth_hash;
    row.remember = session.remember;
    return logins.insert(row);
}

void revoke_login(Services& s, const Login& login) {
    store::LoginStore(s.db).revoke(login.id, s.now());
    if (login.kind == "session") s.cache.remove(session_cache_key(login.key_hash));
}

void revoke_all_logins(Services& s, std::int64_t user_id, std::optional<std::int64_t> keep) {
    std::vector<Login> ending;
    for (auto& login : live_logins(s, user_id))
        if (!keep || login.id != *keep) ending.push_back(std::move(login));
    // Every row first: a token or JWT family is dead even should memcached fail below, and a session
    // whose record memcached still holds can no longer be rebuilt from its row.
    store::LoginStore logins(s.db);
    for (const auto& login : ending) logins.revoke(login.id, s.now());
    for (const auto& login : ending)
        if (login.kind == "session") s.cache.remove(session_cache_key(login.key_hash));
}

std::vector<Login> live_logins(Services& s, std::int64_t user_id) {
    return store::LoginStore(s.db).live_for_user(user_id, s.now());
}

std::string describe_device(std::string_view ua, const core::Catalog& catalog) {
    auto in_language = [&](const char* msgid) { return std::string(catalog.translate(msgid)); };
    if (ua.empty()) return in_language(core::N_("Unknown device"));
    auto has = [&](std::string_view needle) { return ua.find(needle) != std::string_view::npos; };
    std::string browser;
    if (has("Edg/")) browser = "Edge";
    else if (has("OPR/") || has("Opera")) browser = "Opera";
    else if (has("Firefox/")) browser = "Firefox";
    else if (has("Chromium/")) browser = "Chromium";
    else if (has("Chrome/")) browser = "Chrome";
    else if (has("Safari/")) browser = "Safari";
    else if (has("curl/")) return "curl";
    else if (has("python-requests") || has("Python")) return in_language(core::N_("Python client"));
    else if (has("okhttp")) return in_language(core::N_("Android app"));
    else browser = std::string(ua.substr(0, std::min<std::size_t>(ua.find('/'), 40)));
    std::string os;
    if (has("Android")) os = "Android";
    else if (has("iPhone") || has("iPad")) os = "iOS";
    else if (has("Windows")) os = "Windows";
    else if (has("Mac OS X") || has("Macintosh")) os = "macOS";
    else if (has("CrOS")) os = "ChromeOS";
    else if (has("Linux")) os = "Linux";
    if (os.empty()) return browser;
    // {os} first: it is one of the names above, while {browser} may be any text of the header.
    return core::fill_blank(core::fill_blank(in_language(core::N_("{browser} on {os}")), "{os}", os), "{browser}", browser);
}

}  // namespace gatehouse::accounts
