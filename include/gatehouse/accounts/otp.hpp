#pragma once
// One-time codes for API clients: a code by email or SMS to verify that address, phone login (the
// first verified code creates the user), and password reset by code (token → check-otp → confirm).
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/accounts/validation.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

struct OtpSent {
    std::string code;  // for GATEHOUSE_EXPOSE_OTP=1 only; never logged
};

// channel "email" or "sms": a 6-digit code (10 minutes, 5 tries) to the user's email or phone.
// Refusals: NoEmail, NoPhone, Throttled.
std::expected<OtpSent, Refusal> send_otp(Services& services, const User& user, std::string_view channel);
// Marks the address the last code went to as verified. Refusals: CodeInvalid, CodeExpired.
std::expected<void, Refusal> verify_otp(Services& services, const User& user, std::string_view code);

// A fresh code that send_otp sent by SMS to the user's current phone: proof of holding that phone
// (re-authentication and deletion for users without a password). Consumes the code.
// Refusals: CodeInvalid, CodeExpired (also when the last code went by email, or to another number).
std::expected<void, Refusal> check_sms_code(Services& services, const User& user, std::string_view code);

// Phone login: a code by SMS. Refusals: BadPhoneNumber; PhoneCodeLimit after 5 for one number in 24
// hours. The code is then a credential of log_in (login.hpp). The SMS is in the language of the
// account's mails when an account holds the number verified, else in `language` (the request's).
std::expected<OtpSent, Refusal> send_phone_login_code(Services& services, std::string_view phone,
                                                      std::string_view language);
// For log_in: checks a phone login code and finds the user of that number, or makes a new one (not
// saved yet: id 0) when no account holds it verified. Writes nothing (a number sitting unverified on
// another account is taken off it by take_phone_for_login, in log_in's transaction).
// Refusals: BadPhoneNumber, CodeInvalid, CodeExpired, BadCredentials (an inactive holder).
std::expected<User, Refusal> check_phone_login_code(Services& services, std::string_view phone, std::string_view code);
// In the caller's transaction: a phone-login user saved (when new) and that number taken off any account
// that holds it unverified. Returns the user with its id.
User take_phone_for_login(Services& services, User user);

// Password reset by code (API): a token that names the reset (and can never succeed when no such
// user exists); the code comes by mail from request_password_reset.
std::string api_reset_token(Services& services, std::string_view email);
// Refusals: ResetTokenInvalid, CodeInvalid, CodeExpired.
std::expected<void, Refusal> check_reset_code(Services& services, std::string_view token, std::string_view otp);
// After a good check_reset_code: sets the password, marks verified, ends every login.
// Refusals: ResetTokenInvalid, ResetCodeNotChecked, Invalid (the password rules, under "new_password").
std::expected<void, Refusal> confirm_reset_by_code(Services& services, std::string_view token,
                                                   std::string_view new_password);

}  // namespace gatehouse::accounts
