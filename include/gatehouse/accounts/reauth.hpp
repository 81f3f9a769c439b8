#pragma once
// Re-authentication for sensitive actions (ASVS 3.7.1): changing the password or the email, deleting
// the account, logging out every other device and (issue 13) the second factor need the login they
// come from — a browser session, a JWT family or an API token, each a logins row — to have proved the
// password within GATEHOUSE_REAUTH_SECONDS. A login proves it when it is opened and again at each
// re-entry (reauthenticate). The time sits on the login row and is read only when a sensitive action
// asks, so ordinary requests do no extra work. A phone-only user (no usable password) proves it with a
// fresh SMS code instead.
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

// Django's has_usable_password: a hash that does not start with '!'.
bool has_usable_password(const User& user);

enum class ReauthMethod {
    Password,   // the user's password
    PhoneCode,  // no usable password: a code sent by SMS to the user's verified phone
    None,       // neither (no usable password and no verified phone): nothing can prove it
};
ReauthMethod reauth_method(const User& user);

// The login proved the password (or a phone code) within GATEHOUSE_REAUTH_SECONDS. One SELECT.
bool recently_authenticated(Services& services, std::int64_t login_id);

struct ReauthProof {
    std::string password;  // ReauthMethod::Password
    std::string code;      // ReauthMethod::PhoneCode: from send_reauth_code
};

// Checks the proof the user's method asks for and, when it is good, stamps the login as authenticated
// now (and writes a `reauthenticate` audit row). Wrong passwords count toward the failed-login limit
// of the account and attempts toward the per-address login limit, exactly as logins do.
// Refusals: Throttled, WrongPassword, CodeInvalid, CodeExpired (phone), Invalid (the field is missing).
std::expected<void, Refusal> reauthenticate(Services& services, const User& user, std::int64_t login_id,
                                            const ReauthProof& proof, const ClientInfo& client);

// For a phone-only user: a code by SMS to the verified phone (send_otp's code and limits).
// Refusals: NoPhone, Throttled.
std::expected<OtpSent, Refusal> send_reauth_code(Services& services, const User& user);

}  // namespace gatehouse::accounts
