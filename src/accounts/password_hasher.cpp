#include "gatehouse/accounts/password_hasher.hpp"

#include "gatehouse/core/crypto.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace gatehouse::accounts {
namespace {

constexpr std::string_view kArgonPrefix = "argon2";
constexpr std::string_view kPbkdf2Prefix = "pbkdf2_sha256$";

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto pos = s.find(sep, start);
        parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) return parts;
        start = pos + 1;
    }
}

int to_int(std::string_view s) {
    int v = -1;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return (ec == std::errc{} && p == s.data() + s.size()) ? v : -1;
}

// "$argon2id$v=19$m=19456,t=2,p=1$…" → m, t, p; false when it is not argon2id.
bool argon2_params(std::string_view encoded, int& m, int& t, int& p) {
    auto parts = split(encoded, '$');
    if (parts.size() != 6 || parts[1] != "argon2id") return false;
    m = t = p = -1;
    for (auto kv : split(parts[3], ',')) {
        if (kv.starts_with("m=")) m = to_int(kv.substr(2));
        else if (kv.starts_with("t=")) t = to_int(kv.substr(2));
        else if (kv.starts_with("p=")) p = to_int(kv.substr(2));
    }
    return m > 0 && t > 0 && p > 0;
}

std::string django_salt() {
    // Django's get_random_string(22) over letters and digits: ~131 bits.
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string salt;
    while (salt.size() < 22) {
        for (unsigned char b : core::random_bytes(32)) {
            if (b < 248 && salt.size() < 22) salt += alphabet[b % 62];  // 248 = 4 × 62: no bias
        }
    }
    return salt;
}

}  // namespace

PasswordHasher::PasswordHasher(HasherSettings settings, std::string dummy_hash)
    : settings_(std::move(settings)), dummy_hash_(std::move(dummy_hash)) {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    if (settings_.algorithm == "argon2id" && settings_.argon2_p != 1)
        throw std::invalid_argument("GATEHOUSE_ARGON2_P: libsodium makes argon2id hashes with p=1 only");
    if (dummy_hash_.empty()) dummy_hash_ = hash("gatehouse-dummy-password");
}

std::string PasswordHasher::hash(std::string_view password) const {
    if (settings_.algorithm == "pbkdf2_sha256")
        return pbkdf2_hash(password, django_salt(), settings_.pbkdf2_iterations);
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), static_cast<unsigned long long>(settings_.argon2_t),
                              static_cast<size_t>(settings_.argon2_m_kib) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("argon2id: out of memory");
    return std::string(kArgonPrefix) + out;
}

std::string PasswordHasher::pbkdf2_hash(std::string_view password, std::string_view salt, int iterations) const {
    unsigned char derived[32];
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                          EVP_sha256(), sizeof derived, derived) != 1)
        throw std::runtime_error("PBKDF2 failed");
    return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + std::string(salt) + "$" +
           core::base64_encode(std::string_view(reinterpret_cast<char*>(derived), sizeof derived));
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
    if (encoded.starts_with(kPbkdf2Prefix)) {
        auto parts = split(encoded, '$');
        if (parts.size() != 4) return false;
        const int iterations = to_int(parts[1]);
        if (iterations <= 0 || parts[2].find('$') != std::string_view::npos) return false;
        return core::constant_time_equals(pbkdf2_hash(password, parts[2], iterations), encoded);
    }
    if (encoded.starts_with("argon2$argon2id$")) {
        const std::string inner(encoded.substr(kArgonPrefix.size()));
        int m, t, p;
        if (!argon2_params(inner, m, t, p)) return false;
        return crypto_pwhash_str_verify(inner.c_str(), password.data(), password.size()) == 0;
    }
    return false;
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
    if (settings_.algorithm == "pbkdf2_sha256") {
        if (!encoded.starts_with(kPbkdf2Prefix)) return true;
        auto parts = split(encoded, '$');
        return parts.size() != 4 || to_int(parts[1]) < settings_.pbkdf2_iterations;
    }
    if (!encoded.starts_with("argon2$argon2id$")) return true;
    int m, t, p;
    if (!argon2_params(encoded.substr(kArgonPrefix.size()), m, t, p)) return true;
    return m < settings_.argon2_m_kib || t < settings_.argon2_t || p != settings_.argon2_p;
}

void PasswordHasher::burn_time(std::string_view password) const { (void)verify(password, dummy_hash_); }

}  // namespace gatehouse::accounts
