#pragma once
// Password hashes in Django's formats:
//   argon2$argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<hash b64>   (libsodium crypto_pwhash_str*)
//   pbkdf2_sha256$<iterations>$<salt>$<hash base64>              (OpenSSL PKCS5_PBKDF2_HMAC)
// Both verify whichever is configured; the configured one makes new hashes.
#include <string>
#include <string_view>

namespace gatehouse::accounts {

struct HasherSettings {
    std::string algorithm = "argon2id";  // or "pbkdf2_sha256"
    int argon2_t = 2;
    int argon2_m_kib = 19456;
    int argon2_p = 1;
    int pbkdf2_iterations = 1000000;
};

class PasswordHasher {
public:
    // dummy_hash: a hash these settings made of any password, for burn_time — not a secret, so the
    // master makes it once before forking and no worker pays a full hash to start; empty: made here.
    explicit PasswordHasher(HasherSettings settings, std::string dummy_hash = {});

    std::string hash(std::string_view password) const;
    // Constant-time where it matters; false for unusable ("!…") or unknown formats.
    bool verify(std::string_view password, std::string_view encoded) const;
    // True when the hash is of another algorithm or weaker settings than configured.
    bool needs_rehash(std::string_view encoded) const;
    // Spends the time of one verification, for unknown users (no timing oracle on emails).
    void burn_time(std::string_view password) const;
    const std::string& dummy_hash() const { return dummy_hash_; }

    std::string pbkdf2_hash(std::string_view password, std::string_view salt, int iterations) const;

private:
    HasherSettings settings_;
    std::string dummy_hash_;
};

}  // namespace gatehouse::accounts
