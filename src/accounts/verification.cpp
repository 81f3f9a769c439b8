#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/store/database.hpp"

namespace gatehouse::accounts {
namespace {
constexpr int kCodeSeconds = 600;
constexpr int kLinkSeconds = 3 * 86400;
std::string code_subject(std::int64_t user_id) { return "user:" + std::to_string(user_id); }
}  // namespace

ThrottleDecision send_verification(Services& s, const User& user) {
    const auto decision = s.throttle.hit("otp-send", code_subject(user.id), Limits::kOtpSends);
    if (!decision.allowed || !user.email) return decision;
    const std::string code = s.codes.issue("verify", code_subject(user.id), kCodeSeconds);
    const std::string token = s.signer.make("verify", user.id, kLinkSeconds, *user.email);
    ctemplate::TemplateDictionary dict("verify");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("VERIFY_URL", s.site_url() + "/accounts/verify/" + token + "/");
    dict.SetValue("CODE", code);
    store::Transaction tx(s.db);
    Notifier(s.templates, s.db).email(*user.email, "verify", dict, s.now(), mail_language(user, s.config));
    tx.commit();
    return decision;
}

std::expected<void, Refusal> resend_verification(Services& s, std::int64_t user_id) {
    auto user = store::UserStore(s.db).find_by_id(user_id);
    if (!user) return std::unexpected(refuse(Outcome::NotFound));
    const auto sent = send_verification(s, *user);
    if (!sent.allowed) return std::unexpected(refuse_throttled(sent.retry_after));
    return {};
}

void resend_verification_to(Services& s, std::string_view email) {
    auto user = find_user_by_email(s, email);
    if (user && !user->is_verified && user->is_active) send_verification(s, *user);
}

std::expected<void, Refusal> verify_with_code(Services& s, std::int64_t user_id, std::string_view code) {
    store::UserStore users(s.db);
    auto user = users.find_by_id(user_id);
    if (!user) return std::unexpected(refuse(Outcome::CodeInvalid));
    if (user->is_verified) return std::unexpected(refuse(Outcome::AlreadyVerified));
    if (auto refused = code_refusal(s.codes.check("verify", code_subject(user_id), code))) return std::unexpected(*refused);
    users.set_verified(user_id);
    return {};
}

std::expected<void, Refusal> verify_with_link(Services& s, std::string_view token) {
    const auto claims = s.signer.read(token);
    if (!claims) return std::unexpected(refuse(Outcome::LinkInvalid));
    store::UserStore users(s.db);
    auto user = users.find_by_id(claims->user_id);
    if (!user || !user->email) return std::unexpected(refuse(Outcome::LinkInvalid));
    switch (s.signer.verify(token, "verify", *user->email)) {
        case TokenCheck::Valid: break;
        case TokenCheck::Invalid: return std::unexpected(refuse(Outcome::LinkInvalid));
        case TokenCheck::Expired:
            return std::unexpected(refuse(user->is_verified ? Outcome::AlreadyVerified : Outcome::LinkExpired));
    }
    if (user->is_verified) return std::unexpected(refuse(Outcome::AlreadyVerified));
    users.set_verified(user->id);
    s.codes.revoke("verify", code_subject(user->id));
    return {};
}

}  // namespace gatehouse::accounts
