#pragma once
// The account rules: signup, authentication, email verification, password change and reset,
// profile. Each returns a value (an outcome or field errors); web maps it to a page or JSON.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/signed_token.hpp"
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/store/users.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

// --- signup ------------------------------------------------------------------------------------
struct SignupInput {
    std::string email, name, password1, password2;
    std::string first_name, last_name, phone, date_of_birth, gender;
};
struct Refused {
    FieldErrors errors;      // the user's mistakes
    int retry_after = 0;     // > 0: throttled instead
};
// Creates the (unverified) user and queues the verification mail, in one transaction.
std::expected<store::User, Refused> sign_up(Services& services, const SignupInput& input, const ClientInfo& client);
// The signup rules without the registration throttle: every field checked, all messages at once (the
// password's under "password1" and "password2"); the new user, not saved yet, its password hashed.
std::expected<store::User, FieldErrors> check_signup(Services& services, const SignupInput& input);
// Saves a checked new user and returns it with its id; field errors when its email, name or phone was
// taken since the check.
std::expected<store::User, FieldErrors> save_new_user(Services& services, store::User user);

// --- authentication ----------------------------------------------------------------------------
enum class LoginOutcome { Ok, BadCredentials, Unverified, Throttled };
struct LoginResult {
    LoginOutcome outcome = LoginOutcome::BadCredentials;
    std::optional<store::User> user;  // Ok and Unverified
    int retry_after = 0;              // Throttled
};
// Checks the password (the same hashing time whether the email exists or not), applies the
// throttles, upgrades a weak hash, stamps last_login on success.
LoginResult authenticate(Services& services, std::string_view email, std::string_view password, const ClientInfo& client);

// --- verification ------------------------------------------------------------------------------
// A new 6-digit code and link by mail (counts against the OTP send limit).
ThrottleDecision send_verification(Services& services, const store::User& user);
enum class VerifyOutcome { Verified, AlreadyVerified, Invalid, Expired };
VerifyOutcome verify_with_code(Services& services, std::int64_t user_id, std::string_view code);
VerifyOutcome verify_with_link(Services& services, std::string_view token);

// --- passwords ---------------------------------------------------------------------------------
// Ends every other login of the user (keep_login stays) and mails the user.
std::expected<store::User, FieldErrors> change_password(Services& services, const store::User& user,
                                                        std::string_view old_password, std::string_view new_password1,
                                                        std::string_view new_password2,
                                                        std::optional<std::int64_t> keep_login);
// Mails a reset link (and code) when an active user has this email; the same answer either way.
ThrottleDecision request_password_reset(Services& services, std::string_view email, const ClientInfo& client);
// The user a reset link belongs to, while it is valid (1 hour, single use, dead after any password change).
std::optional<store::User> check_reset_link(Services& services, std::string_view token);
// Sets the password from a valid link, marks the user verified, ends every login.
std::expected<store::User, FieldErrors> reset_password(Services& services, std::string_view token,
                                                       std::string_view new_password1, std::string_view new_password2);
std::string reset_link_state(const store::User& user);

// --- profile -----------------------------------------------------------------------------------
struct ProfileInput {
    std::optional<std::string> name, first_name, last_name, phone, date_of_birth, gender;  // absent: unchanged
};
std::expected<store::User, FieldErrors> update_profile(Services& services, const store::User& user,
                                                       const ProfileInput& input);
// The rules of update_profile alone: the user as these changes would leave it (a new phone unverified).
std::expected<store::User, FieldErrors> check_profile(Services& services, const store::User& user,
                                                      const ProfileInput& input);
// Writes a checked profile, with the mail about a changed phone, in the caller's transaction; throws
// store::ConstraintError when the name or phone was taken since the check.
void save_profile(Services& services, const store::User& before, const store::User& changed);

// Rate-limit scopes and numbers of API.md §5.
struct Limits {
    static constexpr int kFailedLogins = 5, kFailedLoginWindow = 15 * 60;
    static constexpr int kLoginsPerIp = 30, kLoginIpWindow = 60;
    static constexpr int kOtpSends = 5, kOtpSendWindow = 3600;
    static constexpr int kResets = 5, kResetWindow = 3600;
    static constexpr int kRegistrations = 20, kRegistrationWindow = 3600;
};

}  // namespace gatehouse::accounts
