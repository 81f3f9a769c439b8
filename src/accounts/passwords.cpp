#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/store/database.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::accounts {
namespace {

constexpr int kResetLinkSeconds = 3600;

void check_new_password(Services& s, const User& user, std::string_view p1, std::string_view p2, FieldErrors& errors) {
    if (p1.empty()) errors["new_password1"].push_back(core::N_("This field is required."));
    if (p2.empty()) errors["new_password2"].push_back(core::N_("This field is required."));
    if (p1.empty() || p2.empty()) return;
    if (p1 != p2) {
        errors["new_password2"].push_back(core::N_("The two password fields didn’t match."));
        return;
    }
    for (auto& message : s.policy.check(p1, user.email.value_or(""), user.name.value_or("")))
        errors["new_password2"].push_back(std::move(message));
}

void mail_user(Services& s, const User& user, const char* mail) {
    if (!user.email) return;
    ctemplate::TemplateDictionary dict(mail);
    dict.SetValue("SITE_URL", s.site_url());
    Notifier(s.templates, s.db).email(*user.email, mail, dict, s.now(), mail_language(user, s.config));
}

// A checked new password: saved with the notice mail (and an audit row when an actor is given) in one
// transaction; then every login of the user but keep_login ends.
User save_new_password(Services& s, const User& user, std::string_view password, std::optional<std::int64_t> keep_login,
                       const Actor* actor) {
    User changed = user;
    changed.password_hash = s.hasher.hash(password);
    {
        store::Transaction tx(s.db);
        store::UserStore(s.db).set_password_hash(user.id, changed.password_hash);
        mail_user(s, changed, "password_changed");
        if (actor) audit(s, *actor, user.id, "set_password", "password changed; every login ended");
        tx.commit();
    }
    revoke_all_logins(s, user.id, keep_login);
    return changed;
}

}  // namespace

std::string reset_link_state(const User& user) {
    // As Django's PasswordResetTokenGenerator: any password change or login kills the link.
    return user.password_hash + "|" + user.last_login.value_or("") + "|" + user.email.value_or("");
}

std::expected<User, FieldErrors> change_password(Services& s, const User& user, std::string_view old_password,
                                                        std::string_view p1, std::string_view p2,
                                                        std::optional<std::int64_t> keep_login) {
    FieldErrors errors;
    if (old_password.empty()) errors["old_password"].push_back(core::N_("This field is required."));
    else if (!s.hasher.verify(old_password, user.password_hash))
        errors["old_password"].push_back(core::N_("Your old password was entered incorrectly. Please enter it again."));
    check_new_password(s, user, p1, p2, errors);
    if (!errors.empty()) return std::unexpected(std::move(errors));
    return save_new_password(s, user, p1, keep_login, nullptr);
}

std::expected<User, FieldErrors> set_password(Services& s, const User& user, std::string_view p1, std::string_view p2,
                                              const Actor& actor) {
    FieldErrors errors;
    check_new_password(s, user, p1, p2, errors);
    if (!errors.empty()) return std::unexpected(std::move(errors));
    return save_new_password(s, user, p1, std::nullopt, &actor);
}

std::expected<User, Refusal> set_first_password(Services& s, const User& user, std::string_view p1, std::string_view p2,
                                                const ClientInfo& client) {
    if (!user.password_hash.empty() && !user.password_hash.starts_with('!'))
        return std::unexpected(refuse(Outcome::PasswordAlreadySet));
    FieldErrors errors;
    check_new_password(s, user, p1, p2, errors);
    if (!errors.empty()) return std::unexpected(refuse_fields(std::move(errors)));
    User changed = user;
    changed.password_hash = s.hasher.hash(p1);
    store::Transaction tx(s.db);
    store::UserStore(s.db).set_password_hash(user.id, changed.password_hash);
    mail_user(s, changed, "password_changed");
    audit(s, user_actor(user, client.ip), user.id, "set_password", "a first password set by the user");
    tx.commit();
    return changed;
}

std::expected<void, Refusal> request_password_reset(Services& s, std::string_view email, const ClientInfo& client) {
    const auto normalized = normalize_email(email);
    const auto by_ip = s.throttle.hit("reset-ip", client.ip, Limits::kResets);
    if (!by_ip.allowed) return std::unexpected(refuse_throttled(by_ip.retry_after));
    // Emails match ignoring case (the lookup below does), so the limit must too: "ALICE@…" is alice.
    std::string subject = normalized.value_or(trim(email));
    std::transform(subject.begin(), subject.end(), subject.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto by_email = s.throttle.hit("reset-email", subject, Limits::kResets);
    if (!by_email.allowed) return std::unexpected(refuse_throttled(by_email.retry_after));
    if (!normalized) return {};
    auto user = store::UserStore(s.db).find_by_email(*normalized);
    if (!user || !user->is_active || user->password_hash.starts_with("!")) return {};
    const std::string token = s.signer.make("reset", user->id, kResetLinkSeconds, reset_link_state(*user));
    ctemplate::TemplateDictionary dict("password_reset");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("RESET_URL", s.site_url() + "/accounts/password/reset/" + token + "/");
    dict.SetValue("CODE", s.codes.issue("reset", "user:" + std::to_string(user->id), kResetLinkSeconds));
    store::Transaction tx(s.db);
    Notifier(s.templates, s.db).email(*user->email, "password_reset", dict, s.now(), mail_language(*user, s.config));
    tx.commit();
    return {};
}

std::optional<User> check_reset_link(Services& s, std::string_view token) {
    const auto claims = s.signer.read(token);
    if (!claims) return std::nullopt;
    auto user = store::UserStore(s.db).find_by_id(claims->user_id);
    if (!user || !user->is_active) return std::nullopt;
    if (s.signer.verify(token, "reset", reset_link_state(*user)) != TokenCheck::Valid) return std::nullopt;
    return user;
}

std::expected<User, FieldErrors> reset_password(Services& s, std::string_view token, std::string_view p1,
                                                       std::string_view p2) {
    auto user = check_reset_link(s, token);
    if (!user) return std::unexpected(FieldErrors{{"non_field_errors", {core::N_("The password reset link was invalid, possibly because it has already been used.")}}});
    FieldErrors errors;
    check_new_password(s, *user, p1, p2, errors);
    if (!errors.empty()) return std::unexpected(std::move(errors));
    user->password_hash = s.hasher.hash(p1);
    user->is_verified = true;
    {
        store::Transaction tx(s.db);
        store::UserStore users(s.db);
        users.set_password_hash(user->id, user->password_hash);
        users.set_verified(user->id);
        mail_user(s, *user, "password_changed");
        tx.commit();
    }
    s.codes.revoke("reset", "user:" + std::to_string(user->id));
    revoke_all_logins(s, user->id);
    return *user;
}

}  // namespace gatehouse::accounts
