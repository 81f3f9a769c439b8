#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/clock.hpp"

#include <algorithm>

namespace gatehouse::accounts {
namespace {
std::string throttle_subject(std::string_view email) {
    std::string subject = trim(email);
    std::transform(subject.begin(), subject.end(), subject.begin(), [](unsigned char c) { return std::tolower(c); });
    return subject;
}
}  // namespace

LoginResult authenticate(Services& s, std::string_view email, std::string_view password, const ClientInfo& client) {
    LoginResult result;
    const auto per_ip = s.throttle.hit("login-ip", client.ip, Limits::kLoginsPerIp, Limits::kLoginIpWindow);
    if (!per_ip.allowed) return {LoginOutcome::Throttled, std::nullopt, per_ip.retry_after};
    const std::string subject = throttle_subject(email);
    const auto failures = s.throttle.peek("login-fail", subject, Limits::kFailedLogins, Limits::kFailedLoginWindow);
    if (!failures.allowed) return {LoginOutcome::Throttled, std::nullopt, failures.retry_after};

    store::UserStore users(s.db);
    std::optional<store::User> user;
    if (auto normalized = normalize_email(email)) user = users.find_by_email(*normalized);
    bool password_ok = false;
    if (user) {
        password_ok = s.hasher.verify(password, user->password_hash);
    } else {
        s.hasher.burn_time(password);  // an unknown email costs what a wrong password costs
    }
    if (!password_ok || !user->is_active) {
        s.throttle.hit("login-fail", subject, Limits::kFailedLogins, Limits::kFailedLoginWindow);
        return result;
    }
    if (s.hasher.needs_rehash(user->password_hash)) {
        user->password_hash = s.hasher.hash(password);
        users.set_password_hash(user->id, user->password_hash);
    }
    if (!user->is_verified && s.config.require_verified) return {LoginOutcome::Unverified, user, 0};
    s.throttle.reset("login-fail", subject, Limits::kFailedLoginWindow);
    user->last_login = core::iso8601_utc(s.now());
    users.set_last_login(user->id, *user->last_login);
    return {LoginOutcome::Ok, user, 0};
}

}  // namespace gatehouse::accounts
