// libFuzzer target: accounts::JwtCodec, verify_hs256 and decrypt_dir (cjose underneath).
//
// The first byte picks a mode ('0'…'3' in the seeds; any byte works, modulo 4), the rest is:
//  0  a token: decoded in plain mode and with a JWE key, and given to verify_hs256 / decrypt_dir;
//  1  "<protected header JSON>\n<payload>": signed here with the codec's HMAC key (so the fuzzer
//     gets past the signature into the header and claims checks), then decoded in plain mode;
//  2  the same, then also wrapped in a JWE under the codec's key and decoded with encryption on;
//  3  claims derived from the bytes: decode(encode(claims)) == claims in both modes.
// Nothing may crash, leak or throw; a token is only accepted when its claims are well-formed.
#include "gatehouse/accounts/jwt.hpp"
#include "gatehouse/core/crypto.hpp"

#include "fuzz_util.hpp"

#include <cjose/cjose.h>

#include <memory>

using gatehouse::accounts::JwtClaims;
using gatehouse::accounts::JwtCodec;
using gatehouse::core::base64url_encode;

namespace {

// Fixed keys, the same ones tests/fuzz/corpus/fuzz_jwt/ was made with.
constexpr std::string_view kHmacKey = "fuzz-hmac-key-not-a-secret";
constexpr std::string_view kJweKey = "0123456789abcdef0123456789abcdef";  // 32 bytes
constexpr std::int64_t kNow = 1'700'000'000;

const JwtCodec& plain() {
    static const JwtCodec codec(kHmacKey, "");
    return codec;
}
const JwtCodec& encrypting() {
    static const JwtCodec codec(kHmacKey, kJweKey);
    return codec;
}

bool is_hex32(const std::string& s) {
    return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void check_accepted(const std::optional<JwtClaims>& claims) {
    if (!claims) return;
    FUZZ_CHECK(claims->exp > kNow);
    FUZZ_CHECK(claims->token_type == "access" || claims->token_type == "refresh");
    FUZZ_CHECK(is_hex32(claims->jti));
}

bool same(const JwtClaims& a, const JwtClaims& b) {
    return a.token_type == b.token_type && a.exp == b.exp && a.iat == b.iat && a.jti == b.jti &&
           a.user_id == b.user_id && a.sid == b.sid;
}

// A compact JWS over arbitrary header and payload bytes, with a good HS256 signature.
std::string sign(std::string_view header, std::string_view payload) {
    const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
    return input + "." + base64url_encode(gatehouse::core::hmac_sha256(kHmacKey, input));
}

// A compact JWE (dir, A256GCM) of `plaintext` under kJweKey, or "" when cjose refuses.
std::string encrypt(std::string_view plaintext) {
    cjose_err err;
    std::unique_ptr<cjose_jwk_t, decltype(&cjose_jwk_release)> key(
        cjose_jwk_create_oct_spec(reinterpret_cast<const uint8_t*>(kJweKey.data()), kJweKey.size(), &err),
        cjose_jwk_release);
    std::unique_ptr<cjose_header_t, decltype(&cjose_header_release)> header(cjose_header_new(&err),
                                                                            cjose_header_release);
    if (!key || !header) return {};
    cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR, &err);
    cjose_header_set(header.get(), CJOSE_HDR_ENC, CJOSE_HDR_ENC_A256GCM, &err);
    cjose_header_set(header.get(), CJOSE_HDR_CTY, "JWT", &err);
    std::unique_ptr<cjose_jwe_t, decltype(&cjose_jwe_release)> jwe(
        cjose_jwe_encrypt(key.get(), header.get(), reinterpret_cast<const uint8_t*>(plaintext.data()),
                          plaintext.size(), &err),
        cjose_jwe_release);
    if (!jwe) return {};
    std::unique_ptr<char, decltype(&std::free)> out(cjose_jwe_export(jwe.get(), &err), std::free);
    return out ? std::string(out.get()) : std::string();
}

void any_token(std::string_view token) {
    check_accepted(plain().decode(token, kNow));
    check_accepted(encrypting().decode(token, kNow));
    (void)gatehouse::accounts::verify_hs256(token, kHmacKey);
    (void)gatehouse::accounts::verify_hs256(token, token.substr(0, 40));  // a key from the input too
    (void)gatehouse::accounts::decrypt_dir(token, kJweKey, "A256GCM");
    (void)gatehouse::accounts::decrypt_dir(token, kJweKey.substr(0, 16), "A128GCM");
}

void signed_payload(std::string_view rest, bool wrap) {
    const auto parts = fuzz::split(rest, '\n', 2);
    const std::string_view header = parts.size() == 2 ? parts[0] : R"({"alg":"HS256","typ":"JWT"})";
    const std::string token = sign(header, parts.back());
    const auto claims = plain().decode(token, kNow);
    check_accepted(claims);
    const auto payload = gatehouse::accounts::verify_hs256(token, kHmacKey);
    // A token the codec took has a good signature, so verify_hs256 must agree on it.
    if (claims) FUZZ_CHECK(payload && *payload == parts.back());
    if (!wrap) return;
    const std::string jwe = encrypt(token);
    if (jwe.empty() || jwe.size() > 8192) return;  // longer tokens are refused before any parsing
    FUZZ_CHECK(gatehouse::accounts::decrypt_dir(jwe, kJweKey, "A256GCM") == token);
    const auto inner = encrypting().decode(jwe, kNow);
    check_accepted(inner);
    FUZZ_CHECK(inner.has_value() == claims.has_value());
    if (inner) FUZZ_CHECK(same(*inner, *claims));
    FUZZ_CHECK(!plain().decode(jwe, kNow));     // a JWE means nothing without the key
    FUZZ_CHECK(!encrypting().decode(token, kNow));  // encryption on: a bare JWS is refused
}

void round_trip(std::string_view rest) {
    JwtClaims c;
    c.token_type = rest.empty() || (rest[0] & 1) ? "access" : "refresh";
    c.exp = static_cast<std::int64_t>(fuzz::read_u64(rest, 1));
    c.iat = static_cast<std::int64_t>(fuzz::read_u64(rest, 9));
    c.user_id = static_cast<std::int64_t>(fuzz::read_u64(rest, 17));
    c.sid = static_cast<std::int64_t>(fuzz::read_u64(rest, 25));
    c.jti = gatehouse::core::hex_encode(std::string(rest.substr(std::min<std::size_t>(rest.size(), 33), 16)));
    c.jti.resize(32, '0');
    for (const JwtCodec* codec : {&plain(), &encrypting()}) {
        const std::string token = codec->encode(c);
        const auto back = codec->decode(token, kNow);
        if (c.exp > kNow) {
            FUZZ_CHECK(back && same(*back, c));
        } else {
            FUZZ_CHECK(!back);  // expired
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest = fuzz::as_text(data + 1, size - 1);
    switch (data[0] % 4) {
        case 0: any_token(rest); break;
        case 1: signed_payload(rest, false); break;
        case 2: signed_payload(rest, true); break;
        case 3: round_trip(rest); break;
    }
    return 0;
}
