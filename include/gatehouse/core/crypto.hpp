#pragma once
// Small crypto helpers on OpenSSL: random bytes, hashes, HMAC, constant-time compare, encodings.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::core {

std::string random_bytes(std::size_t count);          // RAND_bytes; throws on failure
std::string random_hex(std::size_t byte_count);       // 2 × byte_count hex characters
std::string sha256(std::string_view data);            // raw 32 bytes
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
bool constant_time_equals(std::string_view a, std::string_view b);

// A 32-byte key for one purpose, derived from the server's secret key: BLAKE2b-256 (libsodium's
// crypto_generichash) of "gatehouse|<context>" keyed with BLAKE2b-256 of the secret key. Different
// contexts give unrelated keys, so no key serves two purposes.
std::string derive_key(std::string_view secret_key, std::string_view context);
// libsodium's crypto_secretbox (XSalsa20-Poly1305) with a fresh random nonce: nonce ‖ box. key: 32
// bytes (std::invalid_argument otherwise).
std::string seal(std::string_view key, std::string_view plaintext);
// The plaintext, or nullopt when the box was not sealed with this key or was altered.
std::optional<std::string> open_sealed(std::string_view key, std::string_view sealed);

std::string hex_encode(std::string_view bytes);
std::string base64_encode(std::string_view bytes);     // RFC 4648 §4, with padding
std::optional<std::string> base64_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);  // RFC 4648 §5, no padding
std::optional<std::string> base64url_decode(std::string_view text);  // padding optional
// base64url_decode would accept the text, and it has no padding: the same check, without decoding.
bool is_canonical_base64url(std::string_view text);

}  // namespace gatehouse::core
