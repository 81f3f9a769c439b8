#pragma once
// Logins (the devices a user sees): every browser session, JWT refresh family and API token is one
// row, so the user can see and revoke them, GATEHOUSE_MAX_DEVICES can be enforced, and whatever ends
// logins (logout, a password change, deactivation, the devices page) ends them here.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/store/logins.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::accounts {

using Login = store::Login;

struct NewLogin {
    std::int64_t user_id = 0;
    std::string kind;       // "session", "jwt", "token"
    std::string key_hash;   // hex SHA-256 of the secret
    ClientInfo client;
    std::int64_t ttl_seconds = 0;
};

// What a browser session's row keeps so the session can be rebuilt should memcached lose it.
struct SessionFacts {
    std::string auth_hash;  // the password fingerprint at login
    bool remember = false;
};

// Records the login; when the user would have more than GATEHOUSE_MAX_DEVICES, the oldest go.
std::int64_t open_login(Services& services, const NewLogin& login, const SessionFacts& session = {});
// Ends one login: the row is marked revoked and a session's record leaves memcached.
void revoke_login(Services& services, const Login& login);
// Ends every live login of the user but `keep` (when given): what a password change, a reset, a
// deactivation, "log out everywhere" and the devices page's "log out all others" call.
void revoke_all_logins(Services& services, std::int64_t user_id, std::optional<std::int64_t> keep = std::nullopt);
std::vector<Login> live_logins(Services& services, std::int64_t user_id);

// "Firefox on Linux", "Chrome on Android", "curl" … from a User-Agent header, in the catalogue's
// language (English by default: the name a login is stored with; the new-device mail's is the user's).
std::string describe_device(std::string_view user_agent, const core::Catalog& catalog = core::Catalog{});
// The memcached key of a session whose id hashes to key_hash.
std::string session_cache_key(std::string_view key_hash);

}  // namespace gatehouse::accounts
