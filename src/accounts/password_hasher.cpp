#include "gatehouse/accounts/password_hasher.hpp"

#include "gatehouse/accounts/argon2id.hpp"
#include "gatehouse/accounts/bcrypt.hpp"
#include "gatehouse/core/crypto.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <optional>
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

bool pbkdf2_well_formed(std::string_view encoded) {
    if (!encoded.starts_with(kPbkdf2Prefix)) return false;
    const auto parts = split(encoded, '$');
    return parts.size() == 4 && to_int(parts[1]) > 0;
}

}  // namespace

bool is_checkable_hash(std::string_view encoded) {
    if (pbkdf2_well_formed(encoded) || bcrypt::is_django_bcrypt(encoded)) return true;
    return encoded.starts_with(kArgonPrefix) && argon2id::parse(encoded.substr(kArgonPrefix.size())).has_value();
}

PasswordHasher::PasswordHasher(HasherSettings settings, std::string dummy_hash, core::HashingSlots* slots)
    : settings_(std::move(settings)), dummy_hash_(std::move(dummy_hash)), slots_(slots) {
    if (settings_.algorithm == "argon2id" && settings_.argon2_p != 1)
        throw std::invalid_argument("GATEHOUSE_ARGON2_P: Gatehouse makes argon2id hashes with p=1 only");
    if (dummy_hash_.empty()) dummy_hash_ = hash("gatehouse-dummy-password");
}

std::optional<core::HashingSlots::Lease> PasswordHasher::take_slot() const {
    if (!slots_) return std::nullopt;
    return slots_->acquire();
}

// libargon2 in the slot's memory: with the arena on, and for p=1 hashes that fit in it (Django's own,
// m=102400 and p=8, go to libsodium, still under the cap).
bool PasswordHasher::in_slot(const std::optional<core::HashingSlots::Lease>& lease, const argon2id::Params& params) const {
    return settings_.arena && lease && params.p == 1 && lease->size() >= argon2id::memory_bytes(params);
}

std::string PasswordHasher::hash(std::string_view password) const {
    const auto lease = take_slot();
    if (settings_.algorithm == "pbkdf2_sha256")
        return pbkdf2_hash(password, django_salt(), settings_.pbkdf2_iterations);
    const argon2id::Params params{static_cast<std::uint32_t>(settings_.argon2_m_kib),
                                  static_cast<std::uint32_t>(settings_.argon2_t), 1};
    if (!in_slot(lease, params)) return std::string(kArgonPrefix) + argon2id::sodium_hash(password, params);
    argon2id::Phc phc{params, core::random_bytes(16), {}};
    phc.tag = argon2id::derive_in(lease->memory(), lease->size(), password, phc.salt, params, 32);
    return std::string(kArgonPrefix) + argon2id::format(phc);
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
        const auto lease = take_slot();
        return core::constant_time_equals(pbkdf2_hash(password, parts[2], iterations), encoded);
    }
    if (bcrypt::is_django_bcrypt(encoded)) {
        const auto lease = take_slot();
        return bcrypt::verify_django(password, encoded);
    }
    if (!encoded.starts_with(kArgonPrefix)) return false;
    const std::string inner(encoded.substr(kArgonPrefix.size()));
    const auto phc = argon2id::parse(inner);
    if (!phc) return false;
    const auto lease = take_slot();
    if (!in_slot(lease, phc->params)) return argon2id::sodium_verify(password, inner);
    const std::string tag =
        argon2id::derive_in(lease->memory(), lease->size(), password, phc->salt, phc->params, phc->tag.size());
    return core::constant_time_equals(tag, phc->tag);
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
    if (settings_.algorithm == "pbkdf2_sha256") {
        if (!encoded.starts_with(kPbkdf2Prefix)) return true;
        auto parts = split(encoded, '$');
        return parts.size() != 4 || to_int(parts[1]) < settings_.pbkdf2_iterations;
    }
    if (!encoded.starts_with(kArgonPrefix)) return true;
    const auto phc = argon2id::parse(encoded.substr(kArgonPrefix.size()));
    if (!phc) return true;
    const auto& p = phc->params;
    return p.m_kib < static_cast<std::uint32_t>(settings_.argon2_m_kib) ||
           p.t < static_cast<std::uint32_t>(settings_.argon2_t) || p.p != static_cast<std::uint32_t>(settings_.argon2_p);
}

void PasswordHasher::burn_time(std::string_view password) const { (void)verify(password, dummy_hash_); }

}  // namespace gatehouse::accounts
