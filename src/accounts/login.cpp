#include "gatehouse/accounts/login.hpp"

#include "gatehouse/accounts/csrf.hpp"
#include "gatehouse/accounts/device_notice.hpp"
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/store/audit.hpp"
#include "gatehouse/store/database.hpp"

#include <algorithm>

namespace gatehouse::accounts {
namespace {

// The failed-login limit counts per account, whatever case or spaces the email was typed with.
std::string throttle_subject(std::string_view email) {
    std::string subject = trim(email);
    std::transform(subject.begin(), subject.end(), subject.begin(), [](unsigned char c) { return std::tolower(c); });
    return subject;
}

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
    const std::string subject = throttle_subject(credential.email);
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

// Checks the credential, then opens the login in one transaction.
std::expected<LoggedIn, Refusal> check_and_open(Services& s, const LoginRequest& request) {
    auto checked = check_credential(s, request);
    if (!checked) return std::unexpected(std::move(checked.error()));
    LoggedIn in;
    in.user = std::move(checked->user);
    const auto now = s.now();
    store::Transaction tx(s.db);
    store::UserStore users(s.db);
    if (std::holds_alternative<PhoneCodeCredential>(request.credential)) in.user = take_phone_for_login(s, in.user);
    if (checked->new_hash) {
        in.user.password_hash = *checked->new_hash;
        users.set_password_hash(in.user.id, in.user.password_hash);
    }
    in.user.last_login = core::iso8601_utc(now);
    users.set_last_login(in.user.id, *in.user.last_login);
    open_the_login(s, request, in);
    notice_new_device(s, in.user, request.client);
    store::AuditStore(s.db).record(now, in.user.id, in.user.id, "login",
                                   std::string(kind_name(request.kind)) + " by " + checked->by, request.client.ip);
    tx.commit();
    if (s.metrics && request.kind == LoginKind::Jwt) s.metrics->count_token(core::TokenEvent::JwtIssued);
    if (s.metrics && request.kind == LoginKind::Token) s.metrics->count_token(core::TokenEvent::ApiTokenIssued);
    return in;
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
        default: return core::LoginResult::Other;
    }
}

std::expected<LoggedIn, Refusal> log_in(Services& s, const LoginRequest& request) {
    auto result = check_and_open(s, request);
    if (s.metrics) s.metrics->count_login(login_result(result));
    return result;
}

}  // namespace gatehouse::accounts
