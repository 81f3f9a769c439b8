#pragma once
// JSON Web Tokens as simplejwt makes them: JWS compact, {"alg":"HS256","typ":"JWT"}, claims
// token_type, exp, iat, jti (32 hex), user_id, plus sid (the login they belong to). With encryption
// on, the JWS travels inside a compact JWE (alg "dir", enc "A256GCM", cty "JWT"). cjose does the
// JOSE work; the algorithms are pinned here and never taken from a token.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

struct JwtClaims {
    std::string token_type;  // "access" or "refresh"
    std::int64_t exp = 0;
    std::int64_t iat = 0;
    std::string jti;
    std::int64_t user_id = 0;
    std::int64_t sid = 0;
};

// The payload of a compact JWS whose header says alg HS256 and whose signature is good under key.
std::optional<std::string> verify_hs256(std::string_view compact, std::string_view key);
// The plaintext of a compact JWE with alg "dir" and the given enc ("A256GCM", "A128GCM"), under key.
std::optional<std::string> decrypt_dir(std::string_view compact, std::string_view key, std::string_view enc);

class JwtCodec {
public:
    // hmac_key: the bytes of GATEHOUSE_SECRET_KEY; jwe_key: 32 raw bytes, or empty for plain JWS.
    JwtCodec(std::string_view hmac_key, std::string_view jwe_key);
    ~JwtCodec();
    JwtCodec(const JwtCodec&) = delete;
    JwtCodec& operator=(const JwtCodec&) = delete;

    std::string encode(const JwtClaims& claims) const;
    // The claims of a well-formed token with our algorithm and a good signature that has not
    // expired at `now`; nullopt for anything else (including a plain JWS when encryption is on).
    std::optional<JwtClaims> decode(std::string_view token, std::int64_t now) const;
    bool encrypting() const { return static_cast<bool>(jwe_key_); }

private:
    struct KeyRelease {
        void operator()(void* jwk) const;
    };
    std::unique_ptr<void, KeyRelease> hmac_key_;  // cjose_jwk_t*
    std::unique_ptr<void, KeyRelease> jwe_key_;   // cjose_jwk_t*, or null
};

}  // namespace gatehouse::accounts
