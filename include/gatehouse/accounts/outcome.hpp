#pragma once
// Every way an account rule can refuse, named once. A rule answers its result or a Refusal; the web
// layer turns each Outcome into an answer in exactly one place (web/answers.hpp): the API's status,
// code and detail and the page's message and field, side by side, so the page and the API cannot
// disagree. Adding an outcome is one line here and one row there.
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::accounts {

// A user's mistakes, by field ("non_field_errors" for the whole form), as DRF and Django forms show them.
using FieldErrors = std::map<std::string, std::vector<std::string>>;

enum class Outcome {
    Invalid,              // the caller's mistakes, field by field (Refusal::errors)
    Throttled,            // a rate limit (Refusal::retry_after)
    BadCredentials,       // wrong email or password, unknown email, inactive user
    Unverified,           // the right password, but the email is not verified (Refusal::user_id)
    NotAuthenticated,     // no credentials were given (API)
    AccessTokenInvalid,   // a Bearer token that is bad, expired, revoked, or of an inactive user
    ApiTokenInvalid,      // a Token key that is unknown, revoked, or of an inactive user
    RefreshInvalid,       // a refresh (or verified) token that is bad, expired, rotated or not the caller's
    RefreshReused,        // a rotated refresh token presented again: its whole login ended
    LinkInvalid,          // a verification link that is malformed or signed otherwise
    LinkExpired,          // a verification link past its time
    AlreadyVerified,      // the address was verified before
    CodeInvalid,          // a wrong one-time code (one try spent)
    CodeExpired,          // a code that expired, was used, or is out of tries (or none was sent)
    ResetTokenInvalid,    // an API reset token that names no live reset
    ResetCodeNotChecked,  // reset confirm before a good check of the code
    NoEmail,              // a code by mail for an account without an email address
    NoPhone,              // a code by SMS for an account without a phone number
    BadPhoneNumber,       // not a phone number in international format
    PhoneCodeLimit,       // too many login codes for one number in 24 hours (Refusal::retry_after)
    Forbidden,            // the caller may not do this (staff only)
    ForbiddenFlag,        // a non-staff caller changing a flag (Refusal::subject names it)
    NotFound,             // no such user or device (or not the caller's to see)
    InvalidPage,          // a page number that is not one or lies past the last page
    // Re-authentication and account changes (issue 13):
    ReauthenticationRequired,  // a sensitive action from a login that proved the password too long ago
    WrongPassword,             // a password re-entry (or a deletion's password) that is not the user's
    PasswordAlreadySet,        // set-password for a user who has a usable password (change it instead)
    EmailTaken,                // an email change's address was taken by another account meanwhile
    NoPendingEmailChange,      // a confirmation code when no email change waits for one
    UndoLinkInvalid,           // an email change's undo link that is bad, used, or past its 7 days
    // The second factor (mfa.hpp)
    MfaRequired,            // the right password of a user with TOTP: a code is still due (Refusal::subject: the mfa_token)
    MfaTokenInvalid,        // an mfa_token that is malformed, expired, used, or out of tries
    MfaEnrollmentRequired,  // staff without TOTP (GATEHOUSE_STAFF_REQUIRE_MFA=1) on a staff-only page or call
    MfaAlreadyEnabled,      // a TOTP set-up for a user who has one
    MfaNotEnabled,          // disabling, or regenerating the codes of, a user without TOTP
    MfaNotPending,          // a confirmation with no set-up begun, or after its 15 minutes
};
inline constexpr int kOutcomeCount = static_cast<int>(Outcome::MfaNotPending) + 1;

// Its name as written above, for logs and test messages.
std::string_view outcome_name(Outcome outcome);
inline std::ostream& operator<<(std::ostream& out, Outcome outcome) { return out << outcome_name(outcome); }

struct Refusal {
    Outcome outcome = Outcome::Invalid;
    FieldErrors errors;       // Invalid
    int retry_after = 0;      // Throttled, PhoneCodeLimit: seconds, ≥ 1
    std::string subject;      // ForbiddenFlag: the flag ("is_staff"); MfaRequired: the mfa_token
    std::int64_t user_id = 0; // Unverified: whom to verify
};

inline Refusal refuse(Outcome outcome) { return Refusal{outcome, {}, 0, {}, 0}; }
inline Refusal refuse_fields(FieldErrors errors) { return Refusal{Outcome::Invalid, std::move(errors), 0, {}, 0}; }
inline Refusal refuse_throttled(int retry_after) {
    return Refusal{Outcome::Throttled, {}, retry_after < 1 ? 1 : retry_after, {}, 0};
}

}  // namespace gatehouse::accounts
