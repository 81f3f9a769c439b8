#pragma once
// Signed, expiring tokens for links (password reset, email verification), in the spirit of Django's
// PasswordResetTokenGenerator and django.core.signing: nothing is stored on the server.
//
// Token = base64url (no padding) of  "<user_id>:<expires>:" + HMAC-SHA256 (32 raw bytes), where the
// HMAC key is derived from secret_key and purpose, and the HMAC covers (purpose, user_id, expires, state).
// `state` is not in the token: it is what must not have changed for the token to stay good — the password
// hash + last_login for a reset (so any password change or login kills it), the email for verification.
// The text uses only [A-Za-z0-9_-], so it is safe in a URL path segment.
#include "gatehouse/core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

enum class TokenCheck { Valid, Invalid, Expired };

struct TokenClaims {
    std::int64_t user_id;
    std::int64_t expires;  // unix seconds; the token is good while now < expires
};

class TokenSigner {
public:
    TokenSigner(std::string secret_key, const core::Clock& clock);  // empty key: std::invalid_argument

    // ttl_seconds must be > 0 (std::invalid_argument).
    std::string make(std::string_view purpose, std::int64_t user_id, std::int64_t ttl_seconds,
                     std::string_view state) const;
    // Parse only, no trust (the signature is not checked); nullopt when malformed.
    std::optional<TokenClaims> read(std::string_view token) const;
    // Invalid for anything malformed or signed otherwise (other key, purpose or state); Expired only when
    // the signature is right but the time has passed. Constant-time signature compare.
    TokenCheck verify(std::string_view token, std::string_view purpose, std::string_view state) const;

private:
    std::string signature(std::string_view purpose, std::int64_t user_id, std::int64_t expires,
                          std::string_view state) const;

    std::string secret_key_;
    const core::Clock& clock_;
};

}  // namespace gatehouse::accounts
