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

std::string hex_encode(std::string_view bytes);
std::string base64_encode(std::string_view bytes);     // RFC 4648 §4, with padding
std::optional<std::string> base64_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);  // RFC 4648 §5, no padding
std::optional<std::string> base64url_decode(std::string_view text);  // padding optional
// base64url_decode would accept the text, and it has no padding: the same check, without decoding.
bool is_canonical_base64url(std::string_view text);

}  // namespace gatehouse::core
