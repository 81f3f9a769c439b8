#include "gatehouse/core/crypto.hpp"

#include <openssl/crypto.h>
#include <sodium.h>

#include <array>
#include <stdexcept>

namespace gatehouse::core {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest == 1) {
        unsigned v = (unsigned char)in[i] << 16;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        if (pad) out += "==";
    } else if (rest == 2) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        if (pad) out += "=";
    }
    return out;
}

// The value of each character in an alphabet, -1 for the others; made once per alphabet.
using DecodeTable = std::array<int, 256>;
DecodeTable make_table(const char* alphabet) {
    DecodeTable table;
    table.fill(-1);
    for (int i = 0; i < 64; ++i) table[(unsigned char)alphabet[i]] = i;
    return table;
}
const DecodeTable& table_for(const char* alphabet) {
    static const DecodeTable std_table = make_table(kStd), url_table = make_table(kUrl);
    return alphabet == kStd ? std_table : url_table;
}

std::optional<std::string> decode(std::string_view in, const char* alphabet, bool padding_required) {
    const DecodeTable& table = table_for(alphabet);
    std::size_t len = in.size();
    std::size_t pads = 0;
    while (len > 0 && in[len - 1] == '=') { --len; ++pads; }
    if (pads > 2) return std::nullopt;
    if (padding_required ? (in.size() % 4 != 0) : (pads > 0 && in.size() % 4 != 0)) return std::nullopt;
    if (len % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(len * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < len; ++i) {
        const int v = table[(unsigned char)in[i]];
        if (v < 0) return std::nullopt;
        buffer = buffer << 6 | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(buffer >> bits & 0xFF);
        }
    }
    // Non-canonical encodings (stray low bits) are refused so one value has one spelling.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

// libsodium wants sodium_init() before use; once per process, thread-safe.
void ensure_sodium() {
    [[maybe_unused]] static const int ready = sodium_init();
}

}  // namespace

// libsodium's randombytes (getrandom(2)), SHA-256 and HMAC-SHA-256: each is a few thousand
// instructions, where OpenSSL 3's one-shot RAND_bytes, EVP_Digest and HMAC fetch their algorithm
// through the provider layer on every call (callgrind: 25,000 instructions for 32 random bytes, as
// much for an HMAC — a fifth of a session page's work).
std::string random_bytes(std::size_t count) {
    ensure_sodium();
    std::string out(count, '\0');
    if (count > 0) randombytes_buf(out.data(), count);
    return out;
}

std::string random_hex(std::size_t byte_count) { return hex_encode(random_bytes(byte_count)); }

std::string sha256(std::string_view data) {
    ensure_sodium();
    std::string out(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size());
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    ensure_sodium();
    std::string out(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
    sodium_memzero(&state, sizeof state);
    return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string derive_key(std::string_view secret_key, std::string_view context) {
    ensure_sodium();
    unsigned char master[crypto_generichash_BYTES];
    crypto_generichash(master, sizeof master, reinterpret_cast<const unsigned char*>(secret_key.data()), secret_key.size(),
                       nullptr, 0);
    const std::string message = "gatehouse|" + std::string(context);
    std::string out(crypto_generichash_BYTES, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(), master, sizeof master);
    sodium_memzero(master, sizeof master);
    return out;
}

std::string seal(std::string_view key, std::string_view plaintext) {
    ensure_sodium();
    if (key.size() != crypto_secretbox_KEYBYTES) throw std::invalid_argument("seal: the key must be 32 bytes");
    std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key.data()));
    return out;
}

std::optional<std::string> open_sealed(std::string_view key, std::string_view sealed) {
    ensure_sodium();
    if (key.size() != crypto_secretbox_KEYBYTES) throw std::invalid_argument("open_sealed: the key must be 32 bytes");
    if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    const std::size_t box = sealed.size() - crypto_secretbox_NONCEBYTES;
    std::string out(box - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()), nonce + crypto_secretbox_NONCEBYTES, box,
                                   nonce, reinterpret_cast<const unsigned char*>(key.data())) != 0)
        return std::nullopt;
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char ch : bytes) {
        out += digits[ch >> 4];
        out += digits[ch & 15];
    }
    return out;
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStd, true); }
std::optional<std::string> base64_decode(std::string_view text) { return decode(text, kStd, true); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrl, false); }

bool is_canonical_base64url(std::string_view text) {
    const DecodeTable& table = table_for(kUrl);
    if (text.size() % 4 == 1) return false;
    for (unsigned char ch : text)
        if (table[ch] < 0) return false;
    if (text.empty()) return true;
    // The last character's bits past the last whole byte must be zero, as decode requires.
    const int last = table[(unsigned char)text.back()];
    if (text.size() % 4 == 2) return (last & 0x0F) == 0;
    if (text.size() % 4 == 3) return (last & 0x03) == 0;
    return true;
}
std::optional<std::string> base64url_decode(std::string_view text) { return decode(text, kUrl, false); }

}  // namespace gatehouse::core
