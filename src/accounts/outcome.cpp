#include "gatehouse/accounts/outcome.hpp"

namespace gatehouse::accounts {

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::Invalid: return "Invalid";
        case Outcome::Throttled: return "Throttled";
        case Outcome::BadCredentials: return "BadCredentials";
        case Outcome::Unverified: return "Unverified";
        case Outcome::NotAuthenticated: return "NotAuthenticated";
        case Outcome::AccessTokenInvalid: return "AccessTokenInvalid";
        case Outcome::ApiTokenInvalid: return "ApiTokenInvalid";
        case Outcome::RefreshInvalid: return "RefreshInvalid";
        case Outcome::RefreshReused: return "RefreshReused";
        case Outcome::LinkInvalid: return "LinkInvalid";
        case Outcome::LinkExpired: return "LinkExpired";
        case Outcome::AlreadyVerified: return "AlreadyVerified";
        case Outcome::CodeInvalid: return "CodeInvalid";
        case Outcome::CodeExpired: return "CodeExpired";
        case Outcome::ResetTokenInvalid: return "ResetTokenInvalid";
        case Outcome::ResetCodeNotChecked: return "ResetCodeNotChecked";
        case Outcome::NoEmail: return "NoEmail";
        case Outcome::NoPhone: return "NoPhone";
        case Outcome::BadPhoneNumber: return "BadPhoneNumber";
        case Outcome::PhoneCodeLimit: return "PhoneCodeLimit";
        case Outcome::Forbidden: return "Forbidden";
        case Outcome::ForbiddenFlag: return "ForbiddenFlag";
        case Outcome::NotFound: return "NotFound";
        case Outcome::InvalidPage: return "InvalidPage";
        case Outcome::ReauthenticationRequired: return "ReauthenticationRequired";
        case Outcome::WrongPassword: return "WrongPassword";
        case Outcome::PasswordAlreadySet: return "PasswordAlreadySet";
        case Outcome::EmailTaken: return "EmailTaken";
        case Outcome::NoPendingEmailChange: return "NoPendingEmailChange";
        case Outcome::UndoLinkInvalid: return "UndoLinkInvalid";
        case Outcome::MfaRequired: return "MfaRequired";
        case Outcome::MfaTokenInvalid: return "MfaTokenInvalid";
        case Outcome::MfaEnrollmentRequired: return "MfaEnrollmentRequired";
        case Outcome::MfaAlreadyEnabled: return "MfaAlreadyEnabled";
        case Outcome::MfaNotEnabled: return "MfaNotEnabled";
        case Outcome::MfaNotPending: return "MfaNotPending";
    }
    return "Outcome?";
}

}  // namespace gatehouse::accounts
