#pragma once
// TOTP (RFC 6238) as authenticator apps compute it: HMAC-SHA-1, 30-second steps from the Unix epoch,
// 6 digits — computed and checked by liboath (Debian's liboath-dev), never by a HOTP of our own —
// and the secret's base32 text and otpauth:// URI (the "Key Uri Format" every app reads).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

inline constexpr unsigned kTotpStepSeconds = 30;
inline constexpr unsigned kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

// The code for this secret (raw bytes) at this time; digits 6, 7 or 8 (std::invalid_argument else).
std::string totp_code(std::string_view secret, std::int64_t unix_time, unsigned digits = kTotpDigits);
// The time step (unix_time / 30) whose code this is, looking `window` steps either side of now; the
// number of digits is the code's length (6 to 8). nullopt for a wrong or malformed code.
std::optional<std::int64_t> totp_match(std::string_view secret, std::int64_t unix_time, std::string_view code,
                                       unsigned window = 1);
std::int64_t totp_step(std::int64_t unix_time);

// RFC 4648 base32 (A–Z, 2–7), without '=' padding as the apps write it.
std::string base32_encode(std::string_view bytes);
// Any letter case, spaces and padding ignored; nullopt when it is not base32.
std::optional<std::string> base32_decode(std::string_view text);

// otpauth://totp/<issuer>:<label>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30, with the
// issuer and label percent-encoded.
std::string otpauth_uri(std::string_view issuer, std::string_view label, std::string_view secret_base32);

}  // namespace gatehouse::accounts
