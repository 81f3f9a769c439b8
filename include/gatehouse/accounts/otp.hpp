#pragma once
// One-time codes for API clients: a code by email or SMS to verify that address, phone login (the
// first verified code creates the user), and password reset by code (token → check-otp → confirm).
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/store/users.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

enum class OtpFailure { Throttled, NoAddress, DailyLimit, BadNumber };
struct OtpSent {
    std::string code;  // for GATEHOUSE_EXPOSE_OTP=1 only; never logged
};
struct OtpRefusal {
    OtpFailure failure;
    int retry_after = 0;
};

// channel "email" or "sms": a 6-digit code (10 minutes, 5 tries) to the user's email or phone.
std::expected<OtpSent, OtpRefusal> send_otp(Services& services, const store::User& user, std::string_view channel);
// Marks the address the last code went to as verified.
CodeCheck verify_otp(Services& services, const store::User& user, std::string_view code);

// E.164 form of a phone number (libphonenumber), or nullopt.
std::optional<std::string> normalize_phone(std::string_view phone);
// Phone login: a code by SMS; DailyLimit after 5 requests for one number in 24 hours.
std::expected<OtpSent, OtpRefusal> send_phone_login_code(Services& services, std::string_view phone);
// The user of that number (created on the first verified code: verified, no email).
std::expected<store::User, CodeCheck> verify_phone_login(Services& services, std::string_view phone, std::string_view code);

// Password reset by code (API): a token that names the reset (and can never succeed when no such
// user exists); the code comes by mail from request_password_reset.
std::string api_reset_token(Services& services, std::string_view email);
enum class ResetCodeCheck { Valid, Invalid, Expired, BadToken };
ResetCodeCheck check_reset_code(Services& services, std::string_view token, std::string_view otp);
// After a good check_reset_code: sets the password, marks verified, ends every login.
enum class ResetConfirm { Done, BadToken, NotChecked };
std::expected<ResetConfirm, FieldErrors> confirm_reset_by_code(Services& services, std::string_view token,
                                                               std::string_view new_password);

}  // namespace gatehouse::accounts
