#pragma once
// Logging in is one rule, whatever the credential and whatever the caller makes of it: a browser
// session (the pages), a JWT pair or an API token (the JSON API). log_in checks the credential — a
// password, or a one-time code sent to a phone — against the throttles, then in one transaction
// upgrades the password hash when the hasher asks for it, records last_login, opens the login (a
// devices row) and writes the audit row. What it returns is what the caller turns into a cookie or
// tokens. A browser login, as Django's login(), gets a new session id and a new CSRF secret, so a
// session id or CSRF secret planted or read before the login is worth nothing after it. A refused
// credential writes nothing but the throttle's count.
//
// A user with a second factor (mfa.hpp) who gives the right password gets no login yet: log_in
// refuses with MfaRequired and a pending-login token (Refusal::subject, "<kind>.<nonce>.<signed token>": 5
// minutes, bound to the user, its password hash and the kind of login asked for), and
// complete_mfa_login opens the login once a TOTP or recovery code passes. Both end in the same
// complete-the-login step (hash upgrade, last_login, device row, audit row). 5 wrong codes end the
// pending token; each counts as a failed login of the account. Phone codes stay a single factor.
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/core/metrics.hpp"

#include <expected>
#include <optional>
#include <string>
#include <variant>

namespace gatehouse::accounts {

struct PasswordCredential {
    std::string email;
    std::string password;
};
// Phone login (API): the code sent by send_phone_login_code. Its first good code creates a verified
// user with that number and no email; it is a single factor.
struct PhoneCodeCredential {
    std::string phone;
    std::string code;
};
using Credential = std::variant<PasswordCredential, PhoneCodeCredential>;

enum class LoginKind { Session, Jwt, Token };

struct LoginRequest {
    Credential credential;
    LoginKind kind = LoginKind::Session;
    bool remember = false;         // Session: "remember me"
    std::string replaces_session;  // Session: the browser's session id before this login, ended by it
    ClientInfo client;
    std::string remembered_browser;  // Session: the "remember this browser" token, which skips the second factor
};

struct LoggedIn {
    User user;                                // last_login stamped
    std::string session_id;                   // Session: the cookie value
    std::optional<long long> cookie_max_age;  // Session: none ends with the browser
    std::string csrf_secret;                  // Session: a new CSRF secret (Django's rotate_token)
    TokenPair tokens;                         // Jwt
    std::string api_token;                    // Token: 40 hex
};

// Refusals: Throttled (30 a minute per address; 5 failures in 15 minutes per account),
// BadCredentials (wrong or unknown email or password, inactive user; the same hashing time either
// way), Unverified (the right password of an unverified email, with GATEHOUSE_REQUIRE_VERIFIED=1;
// Refusal::user_id names the user), CodeInvalid, CodeExpired, BadPhoneNumber (phone codes).
// Every call is counted in services.metrics (gatehouse_logins_total) under login_result's name for
// what it returned, and a JWT pair or API token handed out under gatehouse_tokens_issued_total.
std::expected<LoggedIn, Refusal> log_in(Services& services, const LoginRequest& request);

inline constexpr std::int64_t kMfaLoginSeconds = 5 * 60;
inline constexpr int kMfaLoginTries = 5;

struct MfaLoginRequest {
    std::string mfa_token;         // from log_in's MfaRequired refusal
    std::string code;              // a TOTP code or a recovery code
    LoginKind kind = LoginKind::Session;  // must be the kind the token was made for
    bool remember = false;         // Session: "remember me"
    std::string replaces_session;  // Session
    ClientInfo client;
};
// The second step. Refusals: MfaTokenInvalid (malformed, another kind, expired, used, the password
// changed since, or out of tries — the 5th wrong code answers it), CodeInvalid (a try spent),
// Throttled (the account's failed-login limit), BadCredentials (the user is gone or inactive).
std::expected<LoggedIn, Refusal> complete_mfa_login(Services& services, const MfaLoginRequest& request);

// The one mapping of a login's outcome to the result /metrics counts it as.
core::LoginResult login_result(const std::expected<LoggedIn, Refusal>& result);

}  // namespace gatehouse::accounts
