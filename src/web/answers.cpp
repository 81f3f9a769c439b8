#include "gatehouse/web/answers.hpp"

#include <array>

namespace gatehouse::web {
namespace {

using accounts::Outcome;
using core::N_;
constexpr const char* kBearer = "Bearer realm=\"api\"";

struct Row {
    Outcome outcome;
    Answer answer;
};

// clang-format off
constexpr std::array<Row, accounts::kOutcomeCount> kAnswers = {{
    //  outcome                     status code                   API detail                                                       api_field  WWW-Authenticate  page status, field, message
    {Outcome::Invalid,             {400, "invalid",             N_("Invalid input."),                                                 nullptr, nullptr, 200, "non_field_errors", N_("Please correct the errors below.")}},
    {Outcome::Throttled,           {429, "throttled",           N_("Request was throttled. Expected available in {seconds} seconds."), nullptr, nullptr, 429, "", N_("Too many attempts. Please wait {seconds} seconds and try again.")}},
    {Outcome::BadCredentials,      {401, "no_active_account",   N_("No active account found with the given credentials"),            nullptr, kBearer, 200, "non_field_errors", N_("Please enter a correct email and password. Note that both fields may be case-sensitive.")}},
    {Outcome::Unverified,          {403, "not_verified",        N_("Your email address is not verified."),                            nullptr, nullptr, 200, "", N_("Your email address is not verified yet. Enter the code we sent you, or ask for a new one.")}},
    {Outcome::NotAuthenticated,    {401, "not_authenticated",   N_("Authentication credentials were not provided."),                  nullptr, kBearer, 401, "", N_("Log in to see this page.")}},
    {Outcome::AccessTokenInvalid,  {401, "token_not_valid",     N_("Given token not valid for any token type"),                       nullptr, kBearer, 401, "", N_("Your login has ended. Log in again.")}},
    {Outcome::ApiTokenInvalid,     {401, "token_not_valid",     N_("Invalid token."),                                                 nullptr, "Token", 401, "", N_("Your login has ended. Log in again.")}},
    {Outcome::RefreshInvalid,      {401, "token_not_valid",     N_("Token is invalid or expired"),                                    nullptr, kBearer, 401, "", N_("Your login has ended. Log in again.")}},
    {Outcome::RefreshReused,       {401, "token_not_valid",     N_("Token is invalid or expired"),                                    nullptr, kBearer, 401, "", N_("Your login has ended. Log in again.")}},
    {Outcome::LinkInvalid,         {400, "token_invalid",       N_("This link is not valid."),                                        nullptr, nullptr, 400, "", N_("This verification link is not valid.")}},
    {Outcome::LinkExpired,         {400, "token_expired",       N_("This link has expired."),                                         nullptr, nullptr, 400, "", N_("This verification link has expired. Log in to ask for a new code.")}},
    {Outcome::AlreadyVerified,     {400, "already_verified",    N_("This email address is already verified."),                        nullptr, nullptr, 200, "", N_("This email address was already verified. You can log in.")}},
    {Outcome::CodeInvalid,         {400, "otp_invalid",         N_("The code is not valid."),                                         nullptr, nullptr, 200, "code", N_("The code is not valid.")}},
    {Outcome::CodeExpired,         {400, "otp_expired",         N_("The code has expired, was used, or was tried too many times."),   nullptr, nullptr, 200, "code", N_("The code has expired or was tried too many times. Ask for a new one.")}},
    {Outcome::ResetTokenInvalid,   {400, "token_invalid",       N_("The reset token is not valid."),                                  nullptr, nullptr, 200, "", N_("The password reset link was invalid, possibly because it has already been used.")}},
    {Outcome::ResetCodeNotChecked, {400, "otp_required",        N_("Check the code first (password/reset/check-otp/)."),              nullptr, nullptr, 400, "", N_("Check the code first.")}},
    {Outcome::NoEmail,             {400, "invalid",             N_("This account has no email address."),                             "channel", nullptr, 200, "channel", N_("This account has no email address.")}},
    {Outcome::NoPhone,             {400, "invalid",             N_("This account has no phone number."),                              "channel", nullptr, 200, "channel", N_("This account has no phone number.")}},
    {Outcome::BadPhoneNumber,      {400, "invalid",             N_("Enter a valid phone number in international format, e.g. +14155552671."), "phone", nullptr, 200, "phone", N_("Enter a valid phone number in international format, e.g. +14155552671.")}},
    {Outcome::PhoneCodeLimit,      {406, "otp_limit",           N_("Too many codes were requested for this number. Try again later."), nullptr, nullptr, 429, "", N_("Too many codes were requested for this number. Try again later.")}},
    {Outcome::Forbidden,           {403, "permission_denied",   N_("You do not have permission to perform this action."),             nullptr, nullptr, 403, "", N_("You do not have permission to do that.")}},
    {Outcome::ForbiddenFlag,       {403, "permission_denied",   N_("You do not have permission to change {subject}."),                nullptr, nullptr, 403, "", N_("You do not have permission to change {subject}.")}},
    {Outcome::NotFound,            {404, "not_found",           N_("Not found."),                                                     nullptr, nullptr, 404, "", N_("That user no longer exists.")}},
    {Outcome::InvalidPage,         {404, "not_found",           N_("Invalid page."),                                                  nullptr, nullptr, 404, "", N_("Invalid page.")}},
    // issue 13: re-authentication and account changes
    {Outcome::ReauthenticationRequired, {403, "reauthentication_required", N_("Confirm your password first (POST /api/auth/reauthenticate/)."), nullptr, nullptr, 403, "", N_("Please confirm your password to continue.")}},
    {Outcome::WrongPassword,       {400, "invalid",             N_("The password is not correct."),                                   "password", nullptr, 200, "password", N_("The password is not correct.")}},
    {Outcome::PasswordAlreadySet,  {400, "password_already_set", N_("This account already has a password: change it with POST /api/auth/password/change/."), nullptr, nullptr, 400, "", N_("Your account already has a password. Change it on the password change page.")}},
    {Outcome::EmailTaken,          {400, "invalid",             N_("A user with that email already exists."),                         "email", nullptr, 400, "", N_("Another account took that address meanwhile. Ask for the change again with another address.")}},
    {Outcome::NoPendingEmailChange, {400, "no_pending_change",  N_("No email change is waiting for confirmation."),                   nullptr, nullptr, 400, "", N_("No email change is waiting for confirmation.")}},
    {Outcome::UndoLinkInvalid,     {400, "token_invalid",       N_("This undo link is not valid, was already used, or has expired."), nullptr, nullptr, 400, "", N_("This undo link is not valid, was already used, or has expired.")}},
    // The second factor (README: *Two-factor authentication*). A wrong TOTP or recovery code is CodeInvalid (400 otp_invalid).
    {Outcome::MfaRequired,         {401, "mfa_required",        N_("A second factor is required: send the mfa_token and a code from your authenticator app (or a recovery code) to /api/auth/mfa/verify/."), nullptr, kBearer, 200, "", N_("Enter the code from your authenticator app.")}},
    {Outcome::MfaTokenInvalid,     {401, "mfa_token_invalid",   N_("This login step has expired, was used, or had too many wrong codes. Log in again."), nullptr, kBearer, 200, "", N_("This login step has expired or had too many wrong codes. Log in again.")}},
    {Outcome::MfaEnrollmentRequired, {403, "mfa_enrollment_required", N_("Staff must set up two-factor authentication first (/accounts/2fa/ or /api/auth/mfa/totp/)."), nullptr, nullptr, 403, "", N_("Staff must set up two-factor authentication before using the admin pages.")}},
    {Outcome::MfaAlreadyEnabled,   {400, "mfa_already_enabled", N_("Two-factor authentication is already on."),                         nullptr, nullptr, 200, "non_field_errors", N_("Two-factor authentication is already on.")}},
    {Outcome::MfaNotEnabled,       {400, "mfa_not_enabled",     N_("Two-factor authentication is not on."),                             nullptr, nullptr, 200, "non_field_errors", N_("Two-factor authentication is not on.")}},
    {Outcome::MfaNotPending,       {400, "mfa_setup_expired",   N_("No set-up is waiting for a code (one lasts 15 minutes). Start again."), nullptr, nullptr, 200, "non_field_errors", N_("The set-up has expired. Start again.")}},
}};
// clang-format on

constexpr bool rows_in_enum_order() {
    for (std::size_t i = 0; i < kAnswers.size(); ++i)
        if (static_cast<std::size_t>(kAnswers[i].outcome) != i) return false;
    return true;
}
static_assert(rows_in_enum_order(), "one row per accounts::Outcome, in the enum's order");

// The row's text in the request's language, its blanks filled.
std::string fill(const core::Catalog& catalog, const char* text, const accounts::Refusal& refusal) {
    std::string out(catalog.translate(text));
    out = core::fill_blank(std::move(out), "{subject}", refusal.subject);
    return core::fill_blank(std::move(out), "{seconds}", std::to_string(std::max(refusal.retry_after, 1)));
}

// A field's messages from accounts, each in the request's language (some were filled in English).
std::vector<std::string> translated(const core::Catalog& catalog, const std::vector<std::string>& messages) {
    std::vector<std::string> out;
    out.reserve(messages.size());
    for (const auto& message : messages) out.push_back(catalog.translate_filled(message));
    return out;
}

}  // namespace

const Answer& answer_for(accounts::Outcome outcome) { return kAnswers.at(static_cast<std::size_t>(outcome)).answer; }

http::Response api_answer(const core::Catalog& catalog, const accounts::Refusal& refusal) {
    const Answer& row = answer_for(refusal.outcome);
    http::Response response;
    if (refusal.outcome == Outcome::Invalid || row.api_field) {
        nlohmann::json body = nlohmann::json::object();
        for (const auto& [field, messages] : refusal.errors) body[field] = translated(catalog, messages);
        if (row.api_field) body[row.api_field] = {fill(catalog, row.detail, refusal)};
        response = http::Response::json(row.status, body);
    } else {
        response = http::Response::json(row.status, {{"detail", fill(catalog, row.detail, refusal)}, {"code", row.code}});
    }
    if (row.www_authenticate) response.set_header("WWW-Authenticate", row.www_authenticate);
    if (refusal.retry_after > 0) response.set_header("Retry-After", std::to_string(refusal.retry_after));
    return response;
}

http::Response api_answer(const core::Catalog& catalog, accounts::Outcome outcome) {
    return api_answer(catalog, accounts::refuse(outcome));
}

std::string page_message(const core::Catalog& catalog, const accounts::Refusal& refusal) {
    if (refusal.outcome == Outcome::Invalid && !refusal.errors.empty()) {
        std::string text;
        for (const auto& [field, messages] : refusal.errors)
            for (const auto& message : messages) text += (text.empty() ? "" : " ") + catalog.translate_filled(message);
        return text;
    }
    return fill(catalog, answer_for(refusal.outcome).page_message, refusal);
}

accounts::FieldErrors page_errors(const core::Catalog& catalog, const accounts::Refusal& refusal) {
    if (refusal.outcome == Outcome::Invalid && !refusal.errors.empty()) {
        accounts::FieldErrors errors;
        for (const auto& [field, messages] : refusal.errors) errors[field] = translated(catalog, messages);
        return errors;
    }
    const Answer& row = answer_for(refusal.outcome);
    const std::string field = *row.page_field ? row.page_field : "non_field_errors";
    return {{field, {page_message(catalog, refusal)}}};
}

}  // namespace gatehouse::web
