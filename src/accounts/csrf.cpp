#include "gatehouse/accounts/csrf.hpp"

#include "gatehouse/core/crypto.hpp"

#include <stdexcept>

namespace gatehouse::accounts {
namespace {

// Django: CSRF_ALLOWED_CHARS = string.ascii_letters + string.digits — lower case first.
constexpr std::string_view kAllowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr int kChars = 62;
constexpr std::size_t kSecretLength = 32;
constexpr std::size_t kTokenLength = 2 * kSecretLength;

int index_of(char c) {
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
    if (c >= '0' && c <= '9') return 52 + (c - '0');
    return -1;
}

bool well_formed(std::string_view token) {
    if (token.size() != kSecretLength && token.size() != kTokenLength) return false;
    for (char c : token)
        if (index_of(c) < 0) return false;
    return true;
}

// Django's get_random_string(32) over the allowed characters: uniform, by rejection.
std::string random_string(std::size_t length) {
    std::string out;
    out.reserve(length);
    while (out.size() < length) {
        for (unsigned char b : core::random_bytes(length)) {
            if (b < 248 && out.size() < length) out += kAllowed[b % kChars];  // 248 = 4 × 62: no bias
        }
    }
    return out;
}

// Django's _unmask_cipher_token for a 64-char token of allowed characters.
std::string unmask(std::string_view token) {
    const std::string_view mask = token.substr(0, kSecretLength);
    const std::string_view cipher = token.substr(kSecretLength);
    std::string secret(kSecretLength, '\0');
    for (std::size_t i = 0; i < kSecretLength; ++i) {
        // Python's chars[x - y] with a negative index counts from the end, i.e. (x - y) mod 62.
        secret[i] = kAllowed[(index_of(cipher[i]) - index_of(mask[i]) + kChars) % kChars];
    }
    return secret;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view strip_default_port(std::string_view authority) {
    if (authority.ends_with(":443")) authority.remove_suffix(4);
    return authority;
}

// "https://<authority>" followed by nothing (an Origin) or by a path, query or fragment (a Referer);
// true when the authority is `host`.
bool names_this_site(std::string_view url, std::string_view host, bool allow_path) {
    constexpr std::string_view kScheme = "https://";
    if (url.size() <= kScheme.size() || ascii_lower(url.substr(0, kScheme.size())) != kScheme) return false;
    url.remove_prefix(kScheme.size());
    const auto end = url.find_first_of("/?#");
    if (end != std::string_view::npos && !allow_path) return false;
    const std::string_view authority = url.substr(0, end);
    for (unsigned char c : url)
        if (c <= ' ' || c >= 0x7F) return false;
    if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
    return ascii_lower(strip_default_port(authority)) == ascii_lower(strip_default_port(host));
}

}  // namespace

std::string new_csrf_secret() { return random_string(kSecretLength); }

std::string mask_csrf_secret(std::string_view secret) {
    if (secret.size() != kSecretLength || !well_formed(secret))
        throw std::invalid_argument("CSRF secret must be 32 characters of [A-Za-z0-9]");
    const std::string mask = random_string(kSecretLength);
    std::string token = mask;
    token.reserve(kTokenLength);
    for (std::size_t i = 0; i < kSecretLength; ++i)
        token += kAllowed[(index_of(secret[i]) + index_of(mask[i])) % kChars];
    return token;
}

std::optional<std::string> unmask_csrf_token(std::string_view token) {
    if (!well_formed(token)) return std::nullopt;
    if (token.size() == kTokenLength) return unmask(token);
    return std::string(token);
}

bool csrf_token_matches(std::string_view cookie_secret, std::string_view submitted) {
    const auto secret = unmask_csrf_token(cookie_secret);
    const auto candidate = unmask_csrf_token(submitted);
    if (!secret || !candidate) return false;
    return core::constant_time_equals(*secret, *candidate);
}

bool csrf_origin_ok(std::string_view origin, std::string_view referer, std::string_view host) {
    if (host.empty()) return false;
    for (unsigned char c : host)
        if (c <= ' ' || c >= 0x7F || c == '/' || c == '@') return false;
    if (!origin.empty()) return names_this_site(origin, host, false);
    if (!referer.empty()) return names_this_site(referer, host, true);
    return false;
}

}  // namespace gatehouse::accounts
