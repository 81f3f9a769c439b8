#include "gatehouse/accounts/signed_token.hpp"

#include "gatehouse/core/crypto.hpp"

#include <charconv>
#include <stdexcept>
#include <utility>

namespace gatehouse::accounts {
namespace {

constexpr std::size_t kMacBytes = 32;
// "-9223372036854775808:-9223372036854775808:" + 32 bytes = 74 bytes → 99 base64url characters at most.
constexpr std::size_t kMaxTokenChars = 128;
constexpr std::int64_t kMaxTtl = 100LL * 366 * 24 * 3600;

// A canonical decimal int64: what std::to_string would write, nothing else (no '+', no leading zeros).
std::optional<std::int64_t> parse_int64(std::string_view text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (std::to_string(value) != text) return std::nullopt;
    return value;
}

std::string length_prefixed(std::string_view field) { return std::to_string(field.size()) + ":" + std::string(field); }

}  // namespace

TokenSigner::TokenSigner(std::string secret_key, const core::Clock& clock)
    : secret_key_(std::move(secret_key)), clock_(clock) {
    if (secret_key_.empty()) throw std::invalid_argument("TokenSigner needs a secret key");
}

std::string TokenSigner::signature(std::string_view purpose, std::int64_t user_id, std::int64_t expires,
                                   std::string_view state) const {
    // One key per purpose (like Django's key_salt), and every field length-prefixed so no two
    // (purpose, user_id, expires, state) tuples share a message.
    const std::string key = core::hmac_sha256(secret_key_, "gatehouse.accounts.TokenSigner|" + length_prefixed(purpose));
    const std::string message = length_prefixed(purpose) + length_prefixed(std::to_string(user_id)) +
                                length_prefixed(std::to_string(expires)) + length_prefixed(state);
    return core::hmac_sha256(key, message);
}

std::string TokenSigner::make(std::string_view purpose, std::int64_t user_id, std::int64_t ttl_seconds,
                              std::string_view state) const {
    if (ttl_seconds <= 0 || ttl_seconds > kMaxTtl) throw std::invalid_argument("token ttl out of range");
    const std::int64_t expires = clock_.unix_seconds() + ttl_seconds;
    return core::base64url_encode(std::to_string(user_id) + ":" + std::to_string(expires) + ":" +
                                  signature(purpose, user_id, expires, state));
}

std::optional<TokenClaims> TokenSigner::read(std::string_view token) const {
    if (token.empty() || token.size() > kMaxTokenChars) return std::nullopt;
    const auto decoded = core::base64url_decode(token);
    if (!decoded || decoded->size() < kMacBytes + 4) return std::nullopt;  // "1:2:" at the least
    std::string_view head(decoded->data(), decoded->size() - kMacBytes);
    if (head.back() != ':') return std::nullopt;
    head.remove_suffix(1);
    const auto colon = head.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto user_id = parse_int64(head.substr(0, colon));
    const auto expires = parse_int64(head.substr(colon + 1));  // a second ':' makes this fail
    if (!user_id || !expires) return std::nullopt;
    return TokenClaims{*user_id, *expires};
}

TokenCheck TokenSigner::verify(std::string_view token, std::string_view purpose, std::string_view state) const {
    const auto claims = read(token);
    if (!claims) return TokenCheck::Invalid;
    const auto decoded = core::base64url_decode(token);  // read() has just decoded it successfully
    const std::string_view mac = std::string_view(*decoded).substr(decoded->size() - kMacBytes);
    if (!core::constant_time_equals(mac, signature(purpose, claims->user_id, claims->expires, state)))
        return TokenCheck::Invalid;
    if (clock_.unix_seconds() >= claims->expires) return TokenCheck::Expired;
    return TokenCheck::Valid;
}

}  // namespace gatehouse::accounts
