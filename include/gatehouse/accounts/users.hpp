#pragma once
// The account rules: signup, email verification, password change and reset, profile (logging in is
// login.hpp's). Each returns its result or why not (a Refusal, or field errors); web maps that to a
// page or JSON through its answers table.
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/signed_token.hpp"
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/accounts/user.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

// --- signup ------------------------------------------------------------------------------------
struct SignupInput {
    std::string email, name, password1, password2;
    std::string first_name, last_name, phone, date_of_birth, gender;
    std::string language;  // the one the user signs up in ("" unknown): the verification mail's
};
// Creates the (unverified) user and queues the verification mail. Refusals: Throttled, Invalid.
std::expected<User, Refusal> sign_up(Services& services, const SignupInput& input, const ClientInfo& client);
// The signup rules without the registration throttle: every field checked, all messages at once (the
// password's under "password1" and "password2"); the new user, not saved yet, its password hashed.
std::expected<User, FieldErrors> check_signup(Services& services, const SignupInput& input);
// Saves a checked new user and returns it with its id; field errors when its email, name or phone was
// taken since the check.
std::expected<User, FieldErrors> save_new_user(Services& services, User user);

// The user with this email as the site finds it: trimmed, ignoring case in any script.
std::optional<User> find_user_by_email(Services& services, std::string_view email);

// --- verification ------------------------------------------------------------------------------
// A new 6-digit code and link by mail (counts against the OTP send limit).
ThrottleDecision send_verification(Services& services, const User& user);
// The verify page's "send me a new code" for this user. Refusals: Throttled; NotFound (no such user).
std::expected<void, Refusal> resend_verification(Services& services, std::int64_t user_id);
// The API's resend by email: a new code and link when an active, unverified user has this email;
// nothing otherwise, and nothing when throttled (the answer never tells which).
void resend_verification_to(Services& services, std::string_view email);
// Refusals: AlreadyVerified; CodeInvalid, CodeExpired (with_code); LinkInvalid, LinkExpired (with_link).
std::expected<void, Refusal> verify_with_code(Services& services, std::int64_t user_id, std::string_view code);
std::expected<void, Refusal> verify_with_link(Services& services, std::string_view token);

// --- passwords ---------------------------------------------------------------------------------
// Ends every other login of the user (keep_login stays) and mails the user.
std::expected<User, FieldErrors> change_password(Services& services, const User& user,
                                                        std::string_view old_password, std::string_view new_password1,
                                                        std::string_view new_password2,
                                                        std::optional<std::int64_t> keep_login);
// The operator's password change (gatehouse changepassword): no old password, the same rules and
// notice mail as change_password, every login ends, and an audit row ("set_password") names the actor.
std::expected<User, FieldErrors> set_password(Services& services, const User& user, std::string_view new_password1,
                                              std::string_view new_password2, const Actor& actor);
// Django's SetPasswordForm for a user without a usable password (a phone-login user): the password
// rules under "new_password1"/"new_password2"; audited (set_password); a mail when the user has an
// email. The user's logins stay. Refusals: PasswordAlreadySet (a usable password exists: change it),
// Invalid.
std::expected<User, Refusal> set_first_password(Services& services, const User& user, std::string_view new_password1,
                                                std::string_view new_password2, const ClientInfo& client);
// Mails a reset link (and code) when an active user has this email; the same answer either way.
// Refusal: Throttled (5 an hour per email and per address).
std::expected<void, Refusal> request_password_reset(Services& services, std::string_view email, const ClientInfo& client);
// The user a reset link belongs to, while it is valid (1 hour, single use, dead after any password change).
std::optional<User> check_reset_link(Services& services, std::string_view token);
// Sets the password from a valid link, marks the user verified, ends every login.
std::expected<User, FieldErrors> reset_password(Services& services, std::string_view token,
                                                       std::string_view new_password1, std::string_view new_password2);
std::string reset_link_state(const User& user);

// --- profile -----------------------------------------------------------------------------------
struct ProfileInput {
    std::optional<std::string> name, first_name, last_name, phone, date_of_birth, gender;  // absent: unchanged
};
std::expected<User, FieldErrors> update_profile(Services& services, const User& user,
                                                       const ProfileInput& input);
// The rules of update_profile alone: the user as these changes would leave it (a new phone unverified).
std::expected<User, FieldErrors> check_profile(Services& services, const User& user,
                                                      const ProfileInput& input);
// Writes a checked profile, with the mail about a changed phone, in the caller's transaction; throws
// store::ConstraintError when the name or phone was taken since the check.
void save_profile(Services& services, const User& before, const User& changed);
// Stores the language a user's request was made in, for the user's mails; writes only when it differs
// from the stored one, so a user who keeps one language costs no write.
void remember_language(Services& services, const User& user, std::string_view language);

}  // namespace gatehouse::accounts
