#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/store/database.hpp"

namespace gatehouse::accounts {
namespace {
constexpr int kCodeSeconds = 600;
constexpr int kLinkSeconds = 3 * 86400;
std::string code_subject(std::int64_t user_id) { return "user:" + std::to_string(user_id); }
}  // namespace

ThrottleDecision send_verification(Services& s, const store::User& user) {
    const auto decision = s.throttle.hit("otp-send", code_subject(user.id), Limits::kOtpSends, Limits::kOtpSendWindow);
    if (!decision.allowed || !user.email) return decision;
    const std::string code = s.codes.issue("verify", code_subject(user.id), kCodeSeconds);
    const std::string token = s.signer.make("verify", user.id, kLinkSeconds, *user.email);
    ctemplate::TemplateDictionary dict("verify");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("VERIFY_URL", s.site_url() + "/accounts/verify/" + token + "/");
    dict.SetValue("CODE", code);
    store::Transaction tx(s.db);
    Notifier(s.templates, s.db).email(*user.email, "verify", dict, s.now());
    tx.commit();
    return decision;
}

VerifyOutcome verify_with_code(Services& s, std::int64_t user_id, std::string_view code) {
    store::UserStore users(s.db);
    auto user = users.find_by_id(user_id);
    if (!user) return VerifyOutcome::Invalid;
    if (user->is_verified) return VerifyOutcome::AlreadyVerified;
    switch (s.codes.check("verify", code_subject(user_id), code)) {
        case CodeCheck::Valid:
            users.set_verified(user_id);
            return VerifyOutcome::Verified;
        case CodeCheck::Invalid: return VerifyOutcome::Invalid;
        case CodeCheck::Expired: return VerifyOutcome::Expired;
    }
    return VerifyOutcome::Invalid;
}

VerifyOutcome verify_with_link(Services& s, std::string_view token) {
    const auto claims = s.signer.read(token);
    if (!claims) return VerifyOutcome::Invalid;
    store::UserStore users(s.db);
    auto user = users.find_by_id(claims->user_id);
    if (!user || !user->email) return VerifyOutcome::Invalid;
    switch (s.signer.verify(token, "verify", *user->email)) {
        case TokenCheck::Valid: break;
        case TokenCheck::Invalid: return VerifyOutcome::Invalid;
        case TokenCheck::Expired: return user->is_verified ? VerifyOutcome::AlreadyVerified : VerifyOutcome::Expired;
    }
    if (user->is_verified) return VerifyOutcome::AlreadyVerified;
    users.set_verified(user->id);
    s.codes.revoke("verify", code_subject(user->id));
    return VerifyOutcome::Verified;
}

}  // namespace gatehouse::accounts
