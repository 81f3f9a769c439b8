#include "gatehouse/accounts/login.hpp"

#include "gatehouse/accounts/csrf.hpp"
#include "gatehouse/accounts/device_notice.hpp"
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/audit.hpp"
#include "gatehouse/store/database.hpp"

#include <algorithm>
#include <cstdlib>

namespace gatehouse::accounts {
namespace {

struct CheckedCredential {
    User user;                            // id 0: a phone login's new user, saved in the transaction
    std::optional<std::string> new_hash;  // the password hashed again, when the hasher asks
    const char* by;                       // for the audit row
};

// Checks a password against the throttles; writes nothing but their counts. An unknown email costs
// the hashing time a wrong password costs.
std::expected<CheckedCredential, Refusal> check_password(Services& s, const PasswordCredential& credential,
                                                         const ClientInfo& client) {
    const auto per_ip = s.throttle.hit("login-ip", client.ip, Limits::kLoginsPerIp);
    if (!per_ip.allowed) return std::unexpected(refuse_throttled(per_ip.retry_after));
    const std::string subject = failed_login_subject(credential.email);
    const auto failures = s.throttle.peek("login-fail", subject, Limits::kFailedLogins);
    if (!failures.allowed) return std::unexpected(refuse_throttled(failures.retry_after));

    auto user = find_user_by_email(s, credential.email);
    bool password_ok = false;
    if (user) password_ok = s.hasher.verify(credential.password, user->password_hash);
    else s.hasher.burn_time(credential.password);
    if (!password_ok || !user->is_active) {
        s.throttle.hit("login-fail", subject, Limits::kFailedLogins);
        return std::unexpected(refuse(Outcome::BadCredentials));
    }
    if (!user->is_verified && s.config.require_verified) {
        Refusal unverified = refuse(Outcome::Unverified);
        unverified.user_id = user->id;
        return std::unexpected(std::move(unverified));
    }
    s.throttle.reset("login-fail", subject, Limits::kFailedLogins);
    std::optional<std::string> new_hash;
    if (s.hasher.needs_rehash(user->password_hash)) new_hash = s.hasher.hash(credential.password);
    return CheckedCredential{std::move(*user), std::move(new_hash), "password"};
}

std::expected<CheckedCredential, Refusal> check_credential(Services& s, const LoginRequest& request) {
    if (const auto* password = std::get_if<PasswordCredential>(&request.credential))
        return check_password(s, *password, request.client);
    const auto& phone = std::get<PhoneCodeCredential>(request.credential);
    auto user = check_phone_login_code(s, phone.phone, phone.code);
    if (!user) return std::unexpected(user.error());
    return CheckedCredential{std::move(*user), std::nullopt, "phone code"};
}

const char* kind_name(LoginKind kind) {
    switch (kind) {
        case LoginKind::Session: return "session";
        case LoginKind::Jwt: return "jwt";
        case LoginKind::Token: return "token";
    }
    return "?";
}

// The login row and what the caller hands out for it: a session (cookie), a JWT pair or an API token.
void open_the_login(Services& s, const LoginRequest& request, LoggedIn& in) {
    switch (request.kind) {
        case LoginKind::Session: {
            if (!request.replaces_session.empty()) end_session(s, request.replaces_session);
            const auto session = start_session(s, in.user, request.remember, request.client);
            in.session_id = session.id;
            in.cookie_max_age = session.cookie_max_age;
            in.csrf_secret = new_csrf_secret();
            return;
        }
        case LoginKind::Jwt:
            in.tokens = open_jwt_login(s, in.user, request.client);
            return;
        case LoginKind::Token:
            in.api_token = open_token_login(s, in.user, request.client);
            return;
    }
}

// The login completed: in one transaction the hash upgrade, last_login, the login (device) row and
// its audit row. The credential (and any second factor) has been checked.
std::expected<LoggedIn, Refusal> complete_login(Services& s, const LoginRequest& request, CheckedCredential checked,
                                                const std::string& by) {
    LoggedIn in;
    in.user = std::move(checked.user);
    const auto now = s.now();
    store::Transaction tx(s.db);
    store::UserStore users(s.db);
    if (std::holds_alternative<PhoneCodeCredential>(request.credential)) in.user = take_phone_for_login(s, in.user);
    if (checked.new_hash) {
        in.user.password_hash = *checked.new_hash;
        users.set_password_hash(in.user.id, in.user.password_hash);
    }
    in.user.last_login = core::iso8601_utc(now);
    users.set_last_login(in.user.id, *in.user.last_login);
    open_the_login(s, request, in);
    notice_new_device(s, in.user, request.client);
    store::AuditStore(s.db).record(now, in.user.id, in.user.id, "login",
                                   std::string(kind_name(request.kind)) + " by " + by, request.client.ip);
    tx.commit();
    if (s.metrics && request.kind == LoginKind::Jwt) s.metrics->count_token(core::TokenEvent::JwtIssued);
    if (s.metrics && request.kind == LoginKind::Token) s.metrics->count_token(core::TokenEvent::ApiTokenIssued);
    return in;
}

// --- the pending second step -------------------------------------------------------------------
constexpr const char* kMfaPurpose = "mfa-login";

// Token: "<kind>.<nonce>.<signed>", the signature over the kind, the nonce (so two logins in one
// second get two tokens, each good once) and the password hash (a password change ends it).
std::string mfa_state(const User& user, std::string_view kind, std::string_view nonce) {
    return std::string(kind) + "|" + std::string(nonce) + "|" + user.password_hash;
}

// The tries of one pending token, in memcached under a hash of it (never the token itself).
std::string mfa_tries_key(std::string_view token) {
    return "mfa-login:" + core::hex_encode(core::sha256(token)).substr(0, 32);
}

bool mfa_token_spent(Services& s, std::string_view token) {
    const auto tries = s.cache.get(mfa_tries_key(token));
    return tries && std::atoi(tries->c_str()) >= kMfaLoginTries;
}

// The token for the second step of this login. A weak hash is upgraded now, while the password is
// at hand, so the token is made over the hash that stays.
std::string start_mfa_login(Services& s, const LoginRequest& request, CheckedCredential& checked) {
    if (checked.new_hash) {
        store::UserStore(s.db).set_password_hash(checked.user.id, *checked.new_hash);
        checked.user.password_hash = *checked.new_hash;
        checked.new_hash.reset();
    }
    const std::string nonce = core::base64url_encode(core::random_bytes(16));
    return std::string(kind_name(request.kind)) + "." + nonce + "." +
           s.signer.make(kMfaPurpose, checked.user.id, kMfaLoginSeconds, mfa_state(checked.user, kind_name(request.kind), nonce));
}

// Checks the credential; a user with a second factor gets MfaRequired (and its token) instead of a
// login, unless this browser was remembered.
std::expected<LoggedIn, Refusal> check_and_open(Services& s, const LoginRequest& request) {
    auto checked = check_credential(s, request);
    if (!checked) return std::unexpected(std::move(checked.error()));
    std::string by = checked->by;
    if (std::holds_alternative<PasswordCredential>(request.credential) && has_totp(s, checked->user.id)) {
        if (request.kind == LoginKind::Session && browser_remembered(s, checked->user, request.remembered_browser)) {
            by += " (a remembered browser)";
        } else {
            Refusal pending = refuse(Outcome::MfaRequired);
            pending.subject = start_mfa_login(s, request, *checked);
            pending.user_id = checked->user.id;
            return std::unexpected(std::move(pending));
        }
    }
    return complete_login(s, request, std::move(*checked), by);
}

std::expected<LoggedIn, Refusal> check_mfa_and_open(Services& s, const MfaLoginRequest& request) {
    const std::string_view token = request.mfa_token;
    const auto dot = token.find('.');
    const auto second_dot = dot == std::string_view::npos ? dot : token.find('.', dot + 1);
    if (second_dot == std::string_view::npos || token.substr(0, dot) != kind_name(request.kind))
        return std::unexpected(refuse(Outcome::MfaTokenInvalid));
    const std::string_view nonce = token.substr(dot + 1, second_dot - dot - 1);
    const std::string_view signed_part = token.substr(second_dot + 1);
    const auto claims = s.signer.read(signed_part);
    if (!claims) return std::unexpected(refuse(Outcome::MfaTokenInvalid));
    auto user = store::UserStore(s.db).find_by_id(claims->user_id);
    if (!user || s.signer.verify(signed_part, kMfaPurpose, mfa_state(*user, kind_name(request.kind), nonce)) != TokenCheck::Valid ||
        mfa_token_spent(s, request.mfa_token))
        return std::unexpected(refuse(Outcome::MfaTokenInvalid));
    if (!user->is_active) return std::unexpected(refuse(Outcome::BadCredentials));
    const auto per_ip = s.throttle.hit("login-ip", request.client.ip, Limits::kLoginsPerIp);
    if (!per_ip.allowed) return std::unexpected(refuse_throttled(per_ip.retry_after));
    const std::string subject = failed_login_subject(*user);
    const auto failures = s.throttle.peek("login-fail", subject, Limits::kFailedLogins);
    if (!failures.allowed) return std::unexpected(refuse_throttled(failures.retry_after));

    const std::string key = mfa_tries_key(request.mfa_token);
    auto passed = check_second_factor(s, *user, request.code, request.client.ip);
    if (!passed) {
        s.throttle.hit("login-fail", subject, Limits::kFailedLogins);
        if (s.cache.increment(key, 1, kMfaLoginSeconds) >= static_cast<std::uint64_t>(kMfaLoginTries))
            return std::unexpected(refuse(Outcome::MfaTokenInvalid));
        return std::unexpected(passed.error());
    }
    s.cache.set(key, std::to_string(kMfaLoginTries), kMfaLoginSeconds);  // used: good once only
    s.throttle.reset("login-fail", subject, Limits::kFailedLogins);
    LoginRequest login{PasswordCredential{}, request.kind, request.remember, request.replaces_session, request.client, {}};
    return complete_login(s, login, CheckedCredential{std::move(*user), std::nullopt, "password"},
                          "password and " + *passed);
}

}  // namespace

core::LoginResult login_result(const std::expected<LoggedIn, Refusal>& result) {
    if (result) return core::LoginResult::Ok;
    switch (result.error().outcome) {
        case Outcome::BadCredentials: return core::LoginResult::WrongPassword;
        case Outcome::Throttled: return core::LoginResult::Throttled;
        case Outcome::Unverified: return core::LoginResult::Unverified;
        case Outcome::CodeInvalid: return core::LoginResult::CodeInvalid;
        case Outcome::CodeExpired: return core::LoginResult::CodeExpired;
        case Outcome::BadPhoneNumber: return core::LoginResult::BadPhoneNumber;
        case Outcome::MfaRequired: return core::LoginResult::MfaRequired;
        default: return core::LoginResult::Other;
    }
}

std::expected<LoggedIn, Refusal> log_in(Services& s, const LoginRequest& request) {
    auto result = check_and_open(s, request);
    if (s.metrics) s.metrics->count_login(login_result(result));
    return result;
}

std::expected<LoggedIn, Refusal> complete_mfa_login(Services& s, const MfaLoginRequest& request) {
    auto result = check_mfa_and_open(s, request);
    if (s.metrics) s.metrics->count_login(login_result(result));
    return result;
}

}  // namespace gatehouse::accounts
