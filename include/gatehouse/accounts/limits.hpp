#pragma once
// Every rate limit of the service, in one place (the README's "Limits"): how many attempts in which
// sliding window. The Throttle (throttle.hpp) counts them; the rules that spend them name the limit.
// GATEHOUSE_THROTTLE=0 turns them all off.
#include <array>
#include <string_view>

namespace gatehouse::accounts {

struct Limit {
    int count;
    int window_seconds;
};

struct Limits {
    static constexpr Limit kFailedLogins{5, 15 * 60};      // failed logins for one account, any address
    static constexpr Limit kLoginsPerIp{30, 60};           // login attempts from one address
    static constexpr Limit kOtpSends{5, 3600};             // codes and verification mails for one user
    static constexpr Limit kResets{5, 3600};               // reset requests per email and per address
    static constexpr Limit kRegistrations{20, 3600};       // signups from one address
    static constexpr Limit kPhoneLoginCodes{5, 24 * 3600}; // login codes for one phone number (406)
};

// The scopes the rules spend them under (throttle.hpp): the `limit` label of
// gatehouse_throttle_refusals_total on /metrics, where a scope missing here counts as "other".
inline constexpr std::array<std::string_view, 7> kThrottleScopes = {
    "login-ip", "login-fail", "register-ip", "otp-send", "phone-login", "reset-ip", "reset-email"};

}  // namespace gatehouse::accounts
