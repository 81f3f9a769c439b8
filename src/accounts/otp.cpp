#include "gatehouse/accounts/otp.hpp"

#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/database.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace gatehouse::accounts {
namespace {

constexpr int kCodeSeconds = 600;
constexpr int kResetSeconds = 3600;

std::string user_subject(std::int64_t id) { return "user:" + std::to_string(id); }
std::string channel_key(std::int64_t id) { return "otpch:" + std::to_string(id); }
std::string reset_checked_key(std::string_view token) {
    return "resetok:" + core::hex_encode(core::sha256(token)).substr(0, 40);
}

// The phone login's SMS goes out as the mails of the account that holds the number (verified) do; to a
// number no account holds yet, in the language of the request that asked for it.
std::string phone_login_language(Services& s, const std::string& phone, std::string_view asked_in) {
    const auto holder = store::UserStore(s.db).find_by_phone(phone);
    if (holder && holder->phone_verified) return std::string(mail_language(*holder, s.config));
    return std::string(asked_in);
}

}  // namespace

std::expected<OtpSent, Refusal> send_otp(Services& s, const User& user, std::string_view channel) {
    if (channel == "email" && !user.email) return std::unexpected(refuse(Outcome::NoEmail));
    if (channel != "email" && !user.phone) return std::unexpected(refuse(Outcome::NoPhone));
    const auto decision = s.throttle.hit("otp-send", user_subject(user.id), Limits::kOtpSends);
    if (!decision.allowed) return std::unexpected(refuse_throttled(decision.retry_after));
    OtpSent sent{s.codes.issue("otp", user_subject(user.id), kCodeSeconds)};
    // Where the code went: verify_otp marks that address, and only while the user still has it.
    const bool by_email = channel == "email";
    s.cache.set(channel_key(user.id), by_email ? "email|" + *user.email : "sms|" + *user.phone, kCodeSeconds);
    ctemplate::TemplateDictionary dict("otp");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("CODE", sent.code);
    const auto language = mail_language(user, s.config);
    store::Transaction tx(s.db);
    Notifier notifier(s.templates, s.db);
    if (by_email) notifier.email(*user.email, "otp", dict, s.now(), language);
    else notifier.sms(*user.phone, "otp", dict, s.now(), language);
    tx.commit();
    return sent;
}

std::expected<void, Refusal> verify_otp(Services& s, const User& user, std::string_view code) {
    if (auto refused = code_refusal(s.codes.check("otp", user_subject(user.id), code))) return std::unexpected(*refused);
    // The code proves the address it was sent to: if the user's email or phone has changed since (or
    // the record of where it went is gone), it verifies nothing.
    const std::string sent_to = s.cache.get(channel_key(user.id)).value_or("");
    store::UserStore users(s.db);
    const auto current = users.find_by_id(user.id);
    if (!current) return std::unexpected(refuse(Outcome::CodeExpired));
    if (sent_to.starts_with("sms|") && current->phone && sent_to.substr(4) == *current->phone)
        users.set_phone_verified(user.id);
    else if (sent_to.starts_with("email|") && current->email && sent_to.substr(6) == *current->email)
        users.set_verified(user.id);
    else
        return std::unexpected(refuse(Outcome::CodeExpired));
    return {};
}

std::expected<void, Refusal> check_sms_code(Services& s, const User& user, std::string_view code) {
    if (auto refused = code_refusal(s.codes.check("otp", user_subject(user.id), code))) return std::unexpected(*refused);
    const std::string sent_to = s.cache.get(channel_key(user.id)).value_or("");
    if (!user.phone || sent_to != "sms|" + *user.phone) return std::unexpected(refuse(Outcome::CodeExpired));
    return {};
}

std::expected<OtpSent, Refusal> send_phone_login_code(Services& s, std::string_view raw_phone, std::string_view language) {
    const auto phone = normalize_phone(raw_phone);
    if (!phone) return std::unexpected(refuse(Outcome::BadPhoneNumber));
    const auto daily = s.throttle.hit("phone-login", *phone, Limits::kPhoneLoginCodes);
    if (!daily.allowed) {
        Refusal limit = refuse(Outcome::PhoneCodeLimit);
        limit.retry_after = std::max(daily.retry_after, 1);
        return std::unexpected(std::move(limit));
    }
    OtpSent sent{s.codes.issue("phone-login", *phone, kCodeSeconds)};
    ctemplate::TemplateDictionary dict("phone_login");
    dict.SetValue("CODE", sent.code);
    store::Transaction tx(s.db);
    Notifier(s.templates, s.db).sms(*phone, "phone_login", dict, s.now(), phone_login_language(s, *phone, language));
    tx.commit();
    return sent;
}

std::expected<User, Refusal> check_phone_login_code(Services& s, std::string_view raw_phone, std::string_view code) {
    const auto phone = normalize_phone(raw_phone);
    if (!phone) return std::unexpected(refuse(Outcome::BadPhoneNumber));
    if (auto refused = code_refusal(s.codes.check("phone-login", *phone, code))) return std::unexpected(*refused);
    if (auto holder = store::UserStore(s.db).find_by_phone(*phone); holder && holder->phone_verified) {
        if (!holder->is_active) return std::unexpected(refuse(Outcome::BadCredentials));
        return *holder;
    }
    User user;
    user.password_hash = "!" + core::random_hex(20);  // no usable password: phone login only
    user.phone = *phone;
    user.is_verified = true;
    user.phone_verified = true;
    user.date_joined = core::iso8601_utc(s.now());
    return user;
}

User take_phone_for_login(Services& s, User user) {
    if (user.id != 0 || !user.phone) return user;
    store::UserStore users(s.db);
    if (auto holder = users.find_by_phone(*user.phone)) {
        if (holder->phone_verified) return *holder;  // made by a login in parallel, committed before ours
        // The number sits unverified on some account: whoever typed it there never proved it was
        // theirs, and the code just proved it is ours. It leaves that account; logging into it
        // would hand this person someone else's account (or theirs to whoever planted the number).
        holder->phone.reset();
        users.update_profile(*holder);
    }
    user.id = users.insert(user);
    return user;
}

// The API's reset token is opaque: 32 random bytes. memcached maps its hash to the user and a hash of
// the reset state (password hash, last login, email), so a token names no user, looks the same for an
// unknown email, and dies with any password change.
namespace {
std::string reset_token_key(std::string_view token) {
    return "rtok:" + core::hex_encode(core::sha256(token)).substr(0, 48);
}
std::string state_digest(Services& s, const User& user) {
    return core::hex_encode(core::hmac_sha256(s.config.secret_key, "reset-api|" + reset_link_state(user)));
}
}  // namespace

std::string api_reset_token(Services& s, std::string_view email) {
    const std::string token = core::base64url_encode(core::random_bytes(32));
    nlohmann::json record = {{"u", 0}, {"s", ""}};
    if (auto normalized = normalize_email(email))
        if (auto user = store::UserStore(s.db).find_by_email(*normalized); user && user->is_active)
            record = {{"u", user->id}, {"s", state_digest(s, *user)}};
    s.cache.add(reset_token_key(token), record.dump(), kResetSeconds);
    return token;
}

namespace {
std::optional<User> reset_token_user(Services& s, std::string_view token) {
    if (token.empty() || token.size() > 128) return std::nullopt;
    const auto raw = s.cache.get(reset_token_key(token));
    if (!raw) return std::nullopt;
    const auto record = nlohmann::json::parse(*raw, nullptr, false);
    if (record.is_discarded() || !record.is_object()) return std::nullopt;
    const auto user_id = record.value("u", std::int64_t{0});
    if (user_id == 0) return std::nullopt;
    auto user = store::UserStore(s.db).find_by_id(user_id);
    if (!user || !user->is_active) return std::nullopt;
    if (!core::constant_time_equals(record.value("s", std::string()), state_digest(s, *user))) return std::nullopt;
    return user;
}
}  // namespace

std::expected<void, Refusal> check_reset_code(Services& s, std::string_view token, std::string_view otp) {
    auto user = reset_token_user(s, token);
    if (!user) return std::unexpected(refuse(Outcome::ResetTokenInvalid));
    if (auto refused = code_refusal(s.codes.check("reset", user_subject(user->id), otp))) return std::unexpected(*refused);
    s.cache.set(reset_checked_key(token), "1", kResetSeconds);
    return {};
}

std::expected<void, Refusal> confirm_reset_by_code(Services& s, std::string_view token, std::string_view new_password) {
    auto user = reset_token_user(s, token);
    if (!user) return std::unexpected(refuse(Outcome::ResetTokenInvalid));
    if (!s.cache.get(reset_checked_key(token))) return std::unexpected(refuse(Outcome::ResetCodeNotChecked));
    FieldErrors errors;
    if (new_password.empty()) errors["new_password"].push_back(core::N_("This field is required."));
    else
        for (auto& message : s.policy.check(new_password, user->email.value_or(""), user->name.value_or("")))
            errors["new_password"].push_back(std::move(message));
    if (!errors.empty()) return std::unexpected(refuse_fields(std::move(errors)));
    const std::string hash = s.hasher.hash(new_password);
    {
        store::Transaction tx(s.db);
        store::UserStore users(s.db);
        users.set_password_hash(user->id, hash);
        users.set_verified(user->id);
        if (user->email) {
            ctemplate::TemplateDictionary dict("password_changed");
            dict.SetValue("SITE_URL", s.site_url());
            Notifier(s.templates, s.db).email(*user->email, "password_changed", dict, s.now(), mail_language(*user, s.config));
        }
        tx.commit();
    }
    s.cache.remove(reset_checked_key(token));
    s.cache.remove(reset_token_key(token));
    revoke_all_logins(s, user->id);
    return {};
}

}  // namespace gatehouse::accounts
