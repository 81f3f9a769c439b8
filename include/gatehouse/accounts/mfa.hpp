#pragma once
// The second factor (README: *Two-factor authentication*): an authenticator app (TOTP, totp.hpp) and
// 10 single-use recovery codes.
//
// - The TOTP secret is stored sealed (core::seal: crypto_secretbox under a key derived from the secret
//   key, context "mfa-totp-secret"), never in clear. A set-up is begun (a new secret, kept sealed in
//   the user's mfa_totp row, unconfirmed, for kTotpSetupSeconds) and takes effect once one code from
//   the app confirms it; until then nothing changes for the login.
// - A code is accepted once only: the last accepted 30-second step is kept per user, and a code of
//   that step or an earlier one is refused (the row is updated only when its step is newer, so two
//   parallel requests cannot both spend one code).
// - Recovery codes are 10 random characters (50 bits) shown as "xxxxx-xxxxx", stored as HMAC-SHA-256
//   under a key derived from the secret key ("mfa-recovery-codes"), compared in constant time, each
//   usable once; a use is audited and mailed.
// - Turning TOTP off and new recovery codes need the password again or a current TOTP code; each is
//   audited ("mfa_disable", "mfa_recovery_codes") and mailed. The operator's `gatehouse users
//   reset-mfa` removes both ("mfa_reset").
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::accounts {

inline constexpr std::int64_t kTotpSetupSeconds = 15 * 60;
inline constexpr int kRecoveryCodeCount = 10;
inline constexpr std::int64_t kRememberBrowserSeconds = 30LL * 24 * 3600;
inline constexpr const char* kTotpIssuer = "Gatehouse";

struct MfaStatus {
    bool enabled = false;  // a confirmed authenticator
    bool pending = false;  // a set-up waiting for its first code
    std::int64_t recovery_codes_left = 0;
};
MfaStatus mfa_status(Services& services, const User& user);
bool has_totp(Services& services, std::int64_t user_id);

struct TotpSetup {
    std::string secret;  // base32, for typing into the app
    std::string uri;     // otpauth://totp/Gatehouse:<email>?secret=…&issuer=Gatehouse…
    std::int64_t expires_in = 0;  // seconds left to confirm it
};
// A new secret, replacing an unconfirmed one. Refusal: MfaAlreadyEnabled.
std::expected<TotpSetup, Refusal> begin_totp(Services& services, const User& user);
// The set-up still waiting for its code, if any.
std::optional<TotpSetup> pending_totp(Services& services, const User& user);
// Confirms the set-up with a code from the app; the 10 recovery codes, to be shown once. Refusals:
// MfaAlreadyEnabled, MfaNotPending (none begun, or expired), CodeInvalid.
std::expected<std::vector<std::string>, Refusal> confirm_totp(Services& services, const User& user, std::string_view code,
                                                              std::string_view ip);

// What proves it is still the user: the password, or a current TOTP code (either one).
struct MfaProof {
    std::string password;
    std::string code;
};
// Refusals: MfaNotEnabled; Invalid ({"password"} or {"code"}: wrong or missing); Throttled (wrong
// proofs count as failed logins of the account).
std::expected<std::vector<std::string>, Refusal> regenerate_recovery_codes(Services& services, const User& user,
                                                                           const MfaProof& proof, std::string_view ip);
std::expected<void, Refusal> disable_totp(Services& services, const User& user, const MfaProof& proof,
                                          std::string_view ip);
// The operator's reset (lost phone): the authenticator and the codes go, audited and mailed; false
// when the user had neither.
bool reset_mfa(Services& services, const Actor& actor, const User& user);

// The second step of a login: a TOTP code (6 digits) or a recovery code. How it was passed ("totp"
// or "recovery code"), or CodeInvalid (wrong, replayed, used).
std::expected<std::string, Refusal> check_second_factor(Services& services, const User& user, std::string_view code,
                                                        std::string_view ip);

// "Remember this browser for 30 days": a signed token bound to the user, dead after a password
// change or a change of the second factor (a reset, or a new set-up).
std::string remember_browser_token(Services& services, const User& user);
bool browser_remembered(Services& services, const User& user, std::string_view token);

}  // namespace gatehouse::accounts
