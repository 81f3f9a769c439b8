#include "gatehouse/accounts/bcrypt.hpp"

#include "gatehouse/core/crypto.hpp"

#include <crypt.h>

#include <memory>
#include <string>

namespace gatehouse::accounts::bcrypt {
namespace {

constexpr std::string_view kSha256Prefix = "bcrypt_sha256$";
constexpr std::string_view kPlainPrefix = "bcrypt$";

bool well_formed(std::string_view hash) {
    if (hash.size() != 60) return false;
    if (!(hash.starts_with("$2b$") || hash.starts_with("$2a$") || hash.starts_with("$2y$"))) return false;
    return hash[6] == '$' && hash[4] >= '0' && hash[4] <= '3' && hash[5] >= '0' && hash[5] <= '9';
}

std::string_view inner(std::string_view encoded) {
    if (encoded.starts_with(kSha256Prefix)) return encoded.substr(kSha256Prefix.size());
    if (encoded.starts_with(kPlainPrefix)) return encoded.substr(kPlainPrefix.size());
    return {};
}

}  // namespace

bool verify(std::string_view password, std::string_view bcrypt_hash) {
    // crypt reads C strings: a password with a NUL byte in it would be cut there.
    if (!well_formed(bcrypt_hash) || password.find('\0') != std::string_view::npos) return false;
    const std::string phrase(password), setting(bcrypt_hash);
    auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the stack
    const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
    return out && core::constant_time_equals(std::string_view(out), bcrypt_hash);
}

bool verify_django(std::string_view password, std::string_view encoded) {
    if (encoded.starts_with(kSha256Prefix))
        return verify(core::hex_encode(core::sha256(password)), encoded.substr(kSha256Prefix.size()));
    if (encoded.starts_with(kPlainPrefix)) return verify(password, encoded.substr(kPlainPrefix.size()));
    return false;
}

bool is_django_bcrypt(std::string_view encoded) { return well_formed(inner(encoded)); }

}  // namespace gatehouse::accounts::bcrypt
