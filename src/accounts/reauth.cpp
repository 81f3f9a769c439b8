#include "gatehouse/accounts/reauth.hpp"

#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/logins.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::accounts {
bool has_usable_password(const User& user) { return !user.password_hash.empty() && !user.password_hash.starts_with('!'); }

ReauthMethod reauth_method(const User& user) {
    if (has_usable_password(user)) return ReauthMethod::Password;
    if (user.phone && user.phone_verified) return ReauthMethod::PhoneCode;
    return ReauthMethod::None;
}

bool recently_authenticated(Services& s, std::int64_t login_id) {
    if (login_id == 0) return false;
    const auto at = store::LoginStore(s.db).authenticated_at(login_id);
    return at > 0 && s.now() - at < s.config.reauth_seconds;
}

std::expected<void, Refusal> reauthenticate(Services& s, const User& user, std::int64_t login_id,
                                            const ReauthProof& proof, const ClientInfo& client) {
    const auto method = reauth_method(user);
    const char* by = "password";
    if (method == ReauthMethod::PhoneCode) {
        if (proof.code.empty()) return std::unexpected(refuse_fields({{"code", {core::N_("This field is required.")}}}));
        if (auto checked = check_sms_code(s, user, proof.code); !checked) return std::unexpected(checked.error());
        by = "phone code";
    } else {
        if (proof.password.empty()) return std::unexpected(refuse_fields({{"password", {core::N_("This field is required.")}}}));
        const auto per_ip = s.throttle.hit("login-ip", client.ip, Limits::kLoginsPerIp);
        if (!per_ip.allowed) return std::unexpected(refuse_throttled(per_ip.retry_after));
        const std::string subject = failed_login_subject(user);
        const auto failures = s.throttle.peek("login-fail", subject, Limits::kFailedLogins);
        if (!failures.allowed) return std::unexpected(refuse_throttled(failures.retry_after));
        // ReauthMethod::None: no password verifies against an unusable hash, so this refuses.
        if (!s.hasher.verify(proof.password, user.password_hash)) {
            s.throttle.hit("login-fail", subject, Limits::kFailedLogins);
            return std::unexpected(refuse(Outcome::WrongPassword));
        }
        s.throttle.reset("login-fail", subject, Limits::kFailedLogins);
    }
    store::Transaction tx(s.db);
    store::LoginStore(s.db).set_authenticated_at(login_id, s.now());
    audit(s, user_actor(user, client.ip), user.id, "reauthenticate", std::string("login ") + std::to_string(login_id) + " by " + by);
    tx.commit();
    return {};
}

std::expected<OtpSent, Refusal> send_reauth_code(Services& s, const User& user) {
    if (!user.phone || !user.phone_verified) return std::unexpected(refuse(Outcome::NoPhone));
    return send_otp(s, user, "sms");
}

}  // namespace gatehouse::accounts
