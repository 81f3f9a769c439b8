#pragma once
// Browser sessions in memcached, the Django way: the cookie holds 32 random bytes; memcached holds,
// under a hash of them, the user id, the login (device) id and a fingerprint of the password hash,
// so a password change anywhere ends the session. Each session is a login row (the devices page)
// that keeps the same facts: a session id memcached no longer knows (a restart) is rebuilt from it,
// as Django's cached_db backend does, so a memcached restart logs nobody out.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <optional>
#include <string>

namespace gatehouse::accounts {

struct StartedSession {
    std::string id;                        // the cookie value
    std::int64_t login_id = 0;
    std::optional<long long> cookie_max_age;  // none: ends with the browser
};

struct ActiveSession {
    User user;
    std::int64_t login_id = 0;
    bool remember = false;
};

inline constexpr int kBrowserSessionSeconds = 86400;  // "remember me" off: the server keeps it a day

// A new session for the user (login rotates the id: the old one, if any, is ended by the caller).
StartedSession start_session(Services& services, const User& user, bool remember, const ClientInfo& client);
// The session's user, when the id is live, the user active and the password unchanged.
std::optional<ActiveSession> resume_session(Services& services, std::string_view session_id, const ClientInfo& client,
                                           Lookup lookup = Lookup::Use);
void end_session(Services& services, std::string_view session_id);
std::string session_key_hash(std::string_view session_id);

}  // namespace gatehouse::accounts
