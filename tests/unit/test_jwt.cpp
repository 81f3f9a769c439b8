// JSON Web Tokens (accounts/jwt.hpp): the RFC vectors for the two cjose primitives (RFC 7515 A.1 /
// RFC 7519 §3.1 for HS256 JWS, RFC 7520 §5.6 for dir + AES-GCM JWE), and JwtCodec as simplejwt makes
// and reads tokens: the pinned header, the claims it insists on, and everything it must refuse.
#include "gatehouse/accounts/jwt.hpp"
#include "gatehouse/core/crypto.hpp"

#include <boost/test/unit_test.hpp>
#include <cjose/cjose.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace gatehouse;
using accounts::decrypt_dir;
using accounts::JwtClaims;
using accounts::JwtCodec;
using accounts::verify_hs256;

namespace {

// --- RFC 7515 Appendix A.1 (the same token is RFC 7519 §3.1's example JWT) -----------------------
constexpr const char* kRfc7515A1Key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr const char* kRfc7515A1Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kRfc7519Section31Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
// The JWS Payload of A.1: the JSON with its CR LF line breaks and leading spaces.
const std::string kRfc7515A1Payload = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

// --- RFC 7520 §5.6 "Direct Encryption Using AES-GCM" (Figure 130 key, Figure 136 compact JWE) ---
constexpr const char* kRfc7520Key = "XctOhJAkA-pD9Lh7ZgW_2A";
constexpr const char* kRfc7520Jwe =
    "eyJhbGciOiJkaXIiLCJraWQiOiI3N2M3ZTJiOC02ZTEzLTQ1Y2YtODY3Mi02MTdiNWI0NTI0M2EiLCJlbmMiOiJBMTI4R0NNIn0"
    ".."
    "refa467QzzKx6QAB"
    "."
    "JW_i_f52hww_ELQPGaYyeAB6HYGcR559l9TYnSovc23XJoBcW29rHP8yZOZG7YhLpT1bjFuvZPjQS-m0IFtVcXkZXdH_lr_FrdYt9HRUYksh"
    "trMmIUAyGmUnd9zMDB2n0cRDIHAzFVeJUDxkUwVAE7_YGRPdcqMyiBoCO-FBdE-Nceb4h3-FtBP-c_BIwCPTjb9o0SbdcdREEMJMyZBH8ySW"
    "MVi1gPD9yxi-aQpGbSv_F9N4IZAxscj5g-NJsUPbjk29-s7LJAGb15wEBtXphVCgyy53CoIKLHHeJHXex45Uz9aKZSRSInZI-wjsY0yu3cT4_"
    "aQ3i1o-tiE-F8Ios61EKgyIQ4CWao8PFMj8TTnp"
    "."
    "vbb32Xvllea2OtmHAdccRQ";
// RFC 7520 Figure 72 (the two dashes are U+2013 EN DASH).
const std::string kRfc7520Plaintext =
    "You can trust us to stick with you through thick and thin\xe2\x80\x93" "to the bitter end. And you can trust us to "
    "keep any secret of yours\xe2\x80\x93" "closer than you keep it yourself. But you cannot trust us to let you face "
    "trouble alone, and go off without a word. We are your friends, Frodo.";

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kHmacKey = "unit-test-secret-key-0123456789abcdef";
const std::string kJweKey = std::string("0123456789abcdef0123456789ABCDEF");  // 32 bytes
const std::string kOtherJweKey = std::string("fedcba9876543210FEDCBA9876543210");

std::string b64(std::string_view bytes) { return core::base64url_encode(bytes); }
std::string unb64(std::string_view text) {
    auto out = core::base64url_decode(text);
    BOOST_REQUIRE_MESSAGE(out.has_value(), "not base64url: " << text);
    return *out;
}

std::vector<std::string> segments(const std::string& token) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = token.find('.', start);
        out.push_back(token.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) return out;
        start = dot + 1;
    }
}

// One character of base64url text changed so that its top data bit flips (never only padding bits).
std::string flip_char(std::string text, std::size_t at) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto value = alphabet.find(text[at]);
    BOOST_REQUIRE(value != std::string::npos);
    text[at] = alphabet[value ^ 0x20];
    return text;
}

JwtClaims sample_claims(const char* type = "access") {
    return {type, kNow + 300, kNow, "0123456789abcdef0123456789abcdef", 42, 7};
}

nlohmann::ordered_json sample_payload() {
    return {{"token_type", "access"}, {"exp", kNow + 300}, {"iat", kNow},
            {"jti", "0123456789abcdef0123456789abcdef"}, {"user_id", 42}, {"sid", 7}};
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    BOOST_REQUIRE(HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size(), out, &length) != nullptr);
    return std::string(reinterpret_cast<const char*>(out), length);
}

// A compact JWS built by hand (no cjose), so the codec sees exactly these bytes.
std::string hand_jws(const std::string& header_json, const std::string& payload_json, const EVP_MD* md,
                     std::string_view key) {
    const std::string input = b64(header_json) + "." + b64(payload_json);
    return input + "." + (md ? b64(hmac(md, key, input)) : std::string());
}
std::string hand_hs256(const nlohmann::ordered_json& payload, std::string_view key = kHmacKey) {
    return hand_jws(R"({"alg":"HS256","typ":"JWT"})", payload.dump(), EVP_sha256(), key);
}

struct JweRelease { void operator()(cjose_jwe_t* j) const { cjose_jwe_release(j); } };
struct JwkRelease { void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); } };
struct HeaderRelease { void operator()(cjose_header_t* h) const { cjose_header_release(h); } };

// A compact JWE (alg dir) of `plaintext` under `key`, made with cjose directly.
std::string hand_jwe(std::string_view key, std::string_view plaintext, const char* enc = CJOSE_HDR_ENC_A256GCM) {
    cjose_err err;
    std::unique_ptr<cjose_jwk_t, JwkRelease> jwk(
        cjose_jwk_create_oct_spec(reinterpret_cast<const uint8_t*>(key.data()), key.size(), &err));
    BOOST_REQUIRE(jwk);
    std::unique_ptr<cjose_header_t, HeaderRelease> header(cjose_header_new(&err));
    BOOST_REQUIRE(header);
    BOOST_REQUIRE(cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR, &err));
    BOOST_REQUIRE(cjose_header_set(header.get(), CJOSE_HDR_ENC, enc, &err));
    std::unique_ptr<cjose_jwe_t, JweRelease> jwe(cjose_jwe_encrypt(
        jwk.get(), header.get(), reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(), &err));
    BOOST_REQUIRE_MESSAGE(jwe, "cjose_jwe_encrypt: " << err.message);
    char* out = cjose_jwe_export(jwe.get(), &err);
    BOOST_REQUIRE(out);
    std::string compact(out);
    std::free(out);
    return compact;
}

void require_same(const JwtClaims& a, const JwtClaims& b) {
    BOOST_TEST(a.token_type == b.token_type);
    BOOST_TEST(a.exp == b.exp);
    BOOST_TEST(a.iat == b.iat);
    BOOST_TEST(a.jti == b.jti);
    BOOST_TEST(a.user_id == b.user_id);
    BOOST_TEST(a.sid == b.sid);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jwt_rfc_vectors)

BOOST_AUTO_TEST_CASE(rfc7515_a1_hs256_token_verifies_to_its_payload) {
    const auto payload = verify_hs256(kRfc7515A1Token, unb64(kRfc7515A1Key));
    BOOST_REQUIRE(payload.has_value());
    BOOST_TEST(*payload == kRfc7515A1Payload);
}

BOOST_AUTO_TEST_CASE(rfc7519_section_3_1_example_is_the_same_token) {
    BOOST_TEST(std::string(kRfc7519Section31Token) == std::string(kRfc7515A1Token));
    const auto payload = verify_hs256(kRfc7519Section31Token, unb64(kRfc7515A1Key));
    BOOST_REQUIRE(payload.has_value());
    const auto claims = nlohmann::json::parse(*payload);
    BOOST_TEST(claims.at("iss").get<std::string>() == "joe");
    BOOST_TEST(claims.at("exp").get<std::int64_t>() == 1300819380);
    BOOST_TEST(claims.at("http://example.com/is_root").get<bool>());
}

BOOST_AUTO_TEST_CASE(rfc7515_a1_any_one_changed_character_is_refused) {
    const std::string token = kRfc7515A1Token;
    const std::string key = unb64(kRfc7515A1Key);
    int tried = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '.') continue;
        BOOST_TEST(!verify_hs256(flip_char(token, i), key).has_value(), "accepted with character " << i << " changed");
        ++tried;
    }
    BOOST_TEST(tried == static_cast<int>(token.size()) - 2);
    // A signature segment one character short, or with one extra, is no signature either.
    BOOST_TEST(!verify_hs256(token.substr(0, token.size() - 1), key).has_value());
    BOOST_TEST(!verify_hs256(token + "A", key).has_value());
}

BOOST_AUTO_TEST_CASE(rfc7515_a1_under_another_key_is_refused) {
    std::string key = unb64(kRfc7515A1Key);
    BOOST_TEST(!verify_hs256(kRfc7515A1Token, "another key").has_value());
    BOOST_TEST(!verify_hs256(kRfc7515A1Token, key.substr(0, key.size() - 1)).has_value());
    key[0] = static_cast<char>(key[0] ^ 1);
    BOOST_TEST(!verify_hs256(kRfc7515A1Token, key).has_value());
    BOOST_TEST(!verify_hs256(kRfc7515A1Token, "").has_value());
}

BOOST_AUTO_TEST_CASE(rfc7520_5_6_dir_a128gcm_decrypts_to_its_plaintext) {
    const auto plain = decrypt_dir(kRfc7520Jwe, unb64(kRfc7520Key), "A128GCM");
    BOOST_REQUIRE(plain.has_value());
    BOOST_TEST(*plain == kRfc7520Plaintext);
}

BOOST_AUTO_TEST_CASE(rfc7520_5_6_with_a256gcm_pinned_is_refused) {
    BOOST_TEST(!decrypt_dir(kRfc7520Jwe, unb64(kRfc7520Key), "A256GCM").has_value());
    BOOST_TEST(!decrypt_dir(kRfc7520Jwe, unb64(kRfc7520Key), "A192GCM").has_value());
    BOOST_TEST(!decrypt_dir(kRfc7520Jwe, unb64(kRfc7520Key), "").has_value());
}

BOOST_AUTO_TEST_CASE(rfc7520_5_6_tampered_parts_are_refused) {
    const std::string jwe = kRfc7520Jwe;
    const std::string key = unb64(kRfc7520Key);
    const auto parts = segments(jwe);
    BOOST_REQUIRE(parts.size() == 5u);
    BOOST_TEST(parts[1].empty());  // dir: no encrypted key
    const auto part_start = [&](std::size_t n) {
        std::size_t at = 0;
        for (std::size_t i = 0; i < n; ++i) at += parts[i].size() + 1;
        return at;
    };
    // The tag: first, middle and last character.
    for (std::size_t at : {part_start(4), part_start(4) + 10, jwe.size() - 1})
        BOOST_TEST(!decrypt_dir(flip_char(jwe, at), key, "A128GCM").has_value(), "tag changed at " << at);
    // The ciphertext, the IV, and the protected header (the AAD).
    BOOST_TEST(!decrypt_dir(flip_char(jwe, part_start(3) + 5), key, "A128GCM").has_value());
    BOOST_TEST(!decrypt_dir(flip_char(jwe, part_start(2) + 3), key, "A128GCM").has_value());
    BOOST_TEST(!decrypt_dir(flip_char(jwe, 60), key, "A128GCM").has_value());
    // A truncated tag.
    BOOST_TEST(!decrypt_dir(jwe.substr(0, jwe.size() - 4), key, "A128GCM").has_value());
}

BOOST_AUTO_TEST_CASE(rfc7520_5_6_under_another_key_is_refused) {
    std::string key = unb64(kRfc7520Key);
    key[15] = static_cast<char>(key[15] ^ 0x80);
    BOOST_TEST(!decrypt_dir(kRfc7520Jwe, key, "A128GCM").has_value());
    BOOST_TEST(!decrypt_dir(kRfc7520Jwe, "", "A128GCM").has_value());
}

BOOST_AUTO_TEST_CASE(a_jws_is_no_jwe_and_a_jwe_is_no_jws) {
    BOOST_TEST(!decrypt_dir(kRfc7515A1Token, unb64(kRfc7515A1Key), "A256GCM").has_value());
    BOOST_TEST(!verify_hs256(kRfc7520Jwe, unb64(kRfc7520Key)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwt_codec)

BOOST_AUTO_TEST_CASE(round_trip_keeps_every_claim) {
    JwtCodec codec(kHmacKey, "");
    BOOST_TEST(!codec.encrypting());
    for (const char* type : {"access", "refresh"}) {
        const auto claims = sample_claims(type);
        const std::string token = codec.encode(claims);
        BOOST_TEST(segments(token).size() == 3u);
        const auto back = codec.decode(token, kNow);
        BOOST_REQUIRE(back.has_value());
        require_same(*back, claims);
    }
    // Large ids survive too.
    JwtClaims big{"refresh", 4'000'000'000, 3'999'000'000, "ffffffffffffffffffffffffffffffff", 9'007'199'254'740'993, 1LL << 40};
    const auto back = codec.decode(codec.encode(big), 3'999'000'000);
    BOOST_REQUIRE(back.has_value());
    require_same(*back, big);
}

BOOST_AUTO_TEST_CASE(header_is_exactly_hs256_jwt_and_payload_has_the_claims) {
    JwtCodec codec(kHmacKey, "");
    const auto parts = segments(codec.encode(sample_claims()));
    BOOST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(unb64(parts[0]) == R"({"alg":"HS256","typ":"JWT"})");
    const auto payload = nlohmann::json::parse(unb64(parts[1]));
    BOOST_TEST(payload.size() == 6u);
    BOOST_TEST(payload.at("token_type").get<std::string>() == "access");
    BOOST_TEST(payload.at("exp").get<std::int64_t>() == kNow + 300);
    BOOST_TEST(payload.at("iat").get<std::int64_t>() == kNow);
    BOOST_TEST(payload.at("jti").get<std::string>() == "0123456789abcdef0123456789abcdef");
    BOOST_TEST(payload.at("user_id").get<std::int64_t>() == 42);
    BOOST_TEST(payload.at("sid").get<std::int64_t>() == 7);
    // The signature is plain HMAC-SHA256 over "header.payload" with the secret key: any HS256 library agrees.
    BOOST_TEST(parts[2] == b64(hmac(EVP_sha256(), kHmacKey, parts[0] + "." + parts[1])));
    const auto verified = verify_hs256(parts[0] + "." + parts[1] + "." + parts[2], kHmacKey);
    BOOST_REQUIRE(verified.has_value());
    BOOST_TEST(*verified == unb64(parts[1]));
}

BOOST_AUTO_TEST_CASE(a_hand_made_hs256_token_is_accepted) {
    // The control for the refusals below: the hand-made builder itself makes tokens the codec takes.
    JwtCodec codec(kHmacKey, "");
    const auto c = codec.decode(hand_hs256(sample_payload()), kNow);
    BOOST_REQUIRE(c.has_value());
    require_same(*c, sample_claims());
    // A header without typ is still HS256 (as simplejwt): accepted.
    BOOST_TEST(codec.decode(hand_jws(R"({"alg":"HS256"})", sample_payload().dump(), EVP_sha256(), kHmacKey), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(alg_none_is_refused) {
    JwtCodec codec(kHmacKey, "");
    const std::string payload = sample_payload().dump();
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"none","typ":"JWT"})", payload, nullptr, ""), kNow).has_value());
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"none"})", payload, nullptr, ""), kNow).has_value());
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"None","typ":"JWT"})", payload, nullptr, ""), kNow).has_value());
    // "none" carrying a perfectly good HS256 signature is still not HS256.
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"none","typ":"JWT"})", payload, EVP_sha256(), kHmacKey), kNow).has_value());
    // No alg at all.
    BOOST_TEST(!codec.decode(hand_jws(R"({"typ":"JWT"})", payload, EVP_sha256(), kHmacKey), kNow).has_value());
    BOOST_TEST(!verify_hs256(hand_jws(R"({"alg":"none","typ":"JWT"})", payload, nullptr, ""), kHmacKey).has_value());
}

BOOST_AUTO_TEST_CASE(hs512_and_hs384_with_the_same_key_are_refused) {
    JwtCodec codec(kHmacKey, "");
    const std::string payload = sample_payload().dump();
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS512","typ":"JWT"})", payload, EVP_sha512(), kHmacKey), kNow).has_value());
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS384","typ":"JWT"})", payload, EVP_sha384(), kHmacKey), kNow).has_value());
    // An HS256 header over an HS512 signature.
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS256","typ":"JWT"})", payload, EVP_sha512(), kHmacKey), kNow).has_value());
    // RS256 (key confusion) with the HMAC of the secret as "signature".
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"RS256","typ":"JWT"})", payload, EVP_sha256(), kHmacKey), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(a_bad_signature_is_refused) {
    JwtCodec codec(kHmacKey, "");
    const std::string token = codec.encode(sample_claims());
    const auto parts = segments(token);
    BOOST_TEST(!codec.decode(flip_char(token, token.size() - 5), kNow).has_value());
    BOOST_TEST(!codec.decode(parts[0] + "." + parts[1] + ".", kNow).has_value());
    // Signed with another key.
    BOOST_TEST(!codec.decode(hand_hs256(sample_payload(), "another-secret-key"), kNow).has_value());
    JwtCodec other("another-secret-key", "");
    BOOST_TEST(!codec.decode(other.encode(sample_claims()), kNow).has_value());
    // The payload swapped for another one (user 1 instead of 42) under the old signature.
    auto payload = sample_payload();
    payload["user_id"] = 1;
    BOOST_TEST(!codec.decode(parts[0] + "." + b64(payload.dump()) + "." + parts[2], kNow).has_value());
}

BOOST_AUTO_TEST_CASE(expired_when_exp_is_now_or_earlier) {
    JwtCodec codec(kHmacKey, "");
    const std::string token = codec.encode(sample_claims());  // exp = kNow + 300
    BOOST_TEST(codec.decode(token, kNow + 299).has_value());
    BOOST_TEST(!codec.decode(token, kNow + 300).has_value());
    BOOST_TEST(!codec.decode(token, kNow + 301).has_value());
    BOOST_TEST(!codec.decode(token, kNow + 10'000'000).has_value());
}

BOOST_AUTO_TEST_CASE(missing_claims_are_refused) {
    JwtCodec codec(kHmacKey, "");
    for (const char* claim : {"token_type", "exp", "iat", "jti", "user_id", "sid"}) {
        auto payload = sample_payload();
        payload.erase(claim);
        BOOST_TEST(!codec.decode(hand_hs256(payload), kNow).has_value(), "accepted without " << claim);
    }
    BOOST_TEST(!codec.decode(hand_hs256(nlohmann::ordered_json::object()), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(mistyped_claims_are_refused) {
    JwtCodec codec(kHmacKey, "");
    const std::vector<std::pair<const char*, nlohmann::ordered_json>> cases = {
        {"user_id", "42"},       {"user_id", 42.5},       {"user_id", nullptr},     {"user_id", true},
        {"sid", "7"},            {"sid", 7.0},            {"sid", nlohmann::ordered_json::array({7})},
        {"exp", "1700000300"},   {"exp", 1700000300.5},   {"exp", nullptr},
        {"iat", "1700000000"},   {"iat", 1.7e9},
        {"jti", 12345},          {"jti", nullptr},
        {"token_type", 1},       {"token_type", nlohmann::ordered_json::object()},
    };
    for (const auto& [claim, value] : cases) {
        auto payload = sample_payload();
        payload[claim] = value;
        BOOST_TEST(!codec.decode(hand_hs256(payload), kNow).has_value(), "accepted " << claim << " = " << value.dump());
    }
    // A payload that is not an object, or not JSON.
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS256","typ":"JWT"})", "[1,2,3]", EVP_sha256(), kHmacKey), kNow).has_value());
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS256","typ":"JWT"})", "\"access\"", EVP_sha256(), kHmacKey), kNow).has_value());
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS256","typ":"JWT"})", "{not json", EVP_sha256(), kHmacKey), kNow).has_value());
    BOOST_TEST(!codec.decode(hand_jws(R"({"alg":"HS256","typ":"JWT"})", "", EVP_sha256(), kHmacKey), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(jti_must_be_32_lowercase_hex) {
    JwtCodec codec(kHmacKey, "");
    for (const char* jti : {"0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
                            "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdeg", "", "not-a-jti",
                            "0123456789abcdef 123456789abcdef"}) {
        auto payload = sample_payload();
        payload["jti"] = jti;
        BOOST_TEST(!codec.decode(hand_hs256(payload), kNow).has_value(), "accepted jti '" << jti << "'");
    }
}

BOOST_AUTO_TEST_CASE(unknown_token_type_is_refused) {
    JwtCodec codec(kHmacKey, "");
    for (const char* type : {"id", "Access", "REFRESH", "", "sliding", "access "}) {
        auto payload = sample_payload();
        payload["token_type"] = type;
        BOOST_TEST(!codec.decode(hand_hs256(payload), kNow).has_value(), "accepted token_type '" << type << "'");
        JwtClaims c = sample_claims();
        c.token_type = type;
        BOOST_TEST(!codec.decode(codec.encode(c), kNow).has_value());
    }
}

BOOST_AUTO_TEST_CASE(garbage_and_oversized_input_is_refused) {
    JwtCodec codec(kHmacKey, "");
    for (const std::string& garbage : {std::string(), std::string("."), std::string(".."), std::string("...."),
                                      std::string("abc"), std::string("a.b.c"), std::string("a.b.c.d.e"),
                                      std::string("Bearer x.y.z"), std::string("\0\0.\0.\0", 7),
                                      std::string("eyJ.eyJ.@@@"), std::string(kRfc7515A1Token)})
        BOOST_TEST(!codec.decode(garbage, kNow).has_value(), "accepted '" << garbage << "'");
    // A signed, otherwise valid token that is over 8 KiB.
    auto payload = sample_payload();
    payload["pad"] = std::string(9000, 'x');
    const std::string big = hand_hs256(payload);
    BOOST_TEST(big.size() > 8192u);
    BOOST_TEST(!codec.decode(big, kNow).has_value());
    BOOST_TEST(!verify_hs256(big, kHmacKey).has_value());
    BOOST_TEST(!codec.decode(std::string(100'000, 'A'), kNow).has_value());
    BOOST_TEST(!decrypt_dir(std::string(100'000, 'A'), kJweKey, "A256GCM").has_value());
    // A padded token well under the limit is fine: the limit is on size, not on extra claims.
    payload["pad"] = std::string(1000, 'x');
    BOOST_TEST(codec.decode(hand_hs256(payload), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(only_the_canonical_spelling_of_a_token_is_accepted) {
    // Base64url in JOSE has no padding and no whitespace: "token=" or "token\n" is another string for the
    // same claims, and is refused rather than read as the same token.
    JwtCodec codec(kHmacKey, "");
    const std::string token = codec.encode(sample_claims());
    BOOST_REQUIRE(codec.decode(token, kNow).has_value());
    for (const std::string& variant : {token + "=", token + "==", token + "\n", " " + token, token + " ", token + ".",
                                       "." + token})
        BOOST_TEST(!codec.decode(variant, kNow).has_value(), "accepted '" << variant << "'");
    // The signature's 43rd character carries 4 bits and 2 unused ones: setting an unused bit spells
    // the same signature another way ("…A" and "…B"), and that spelling is refused too.
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const std::size_t last_value = kAlphabet.find(token.back());
    BOOST_REQUIRE(last_value % 4 == 0);
    for (std::size_t stray = 1; stray < 4; ++stray) {
        std::string respelled = token;
        respelled.back() = kAlphabet[last_value + stray];
        BOOST_TEST(!codec.decode(respelled, kNow).has_value(), "accepted '" << respelled << "'");
    }
    JwtCodec encrypting(kHmacKey, kJweKey);
    const std::string jwe = encrypting.encode(sample_claims());
    BOOST_REQUIRE(encrypting.decode(jwe, kNow).has_value());
    for (const std::string& variant : {jwe + "=", jwe + "==", jwe + "\n", " " + jwe})
        BOOST_TEST(!encrypting.decode(variant, kNow).has_value(), "accepted '" << variant << "'");
}

BOOST_AUTO_TEST_CASE(keys_named_in_the_header_are_ignored) {
    // A header that brings its own key (jwk) or points at one (jku, kid) changes nothing: only our key verifies.
    JwtCodec codec(kHmacKey, "");
    const std::string attacker_key = "attacker-chosen-key";
    const nlohmann::ordered_json jwk = {{"kty", "oct"}, {"k", b64(attacker_key)}};
    const nlohmann::ordered_json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"jwk", jwk}, {"kid", "attacker"},
                                           {"jku", "https://attacker.example/keys"}};
    BOOST_TEST(!codec.decode(hand_jws(header.dump(), sample_payload().dump(), EVP_sha256(), attacker_key), kNow).has_value());
    BOOST_TEST(codec.decode(hand_jws(header.dump(), sample_payload().dump(), EVP_sha256(), kHmacKey), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(a_jwe_is_refused_when_encryption_is_off) {
    JwtCodec plain(kHmacKey, "");
    JwtCodec encrypting(kHmacKey, kJweKey);
    const std::string jwe = encrypting.encode(sample_claims());
    BOOST_TEST(segments(jwe).size() == 5u);
    BOOST_TEST(!plain.decode(jwe, kNow).has_value());
}

BOOST_AUTO_TEST_CASE(the_jwe_key_must_be_32_bytes) {
    BOOST_CHECK_THROW(JwtCodec(kHmacKey, "short"), std::invalid_argument);
    BOOST_CHECK_THROW(JwtCodec(kHmacKey, kJweKey + "x"), std::invalid_argument);
    BOOST_CHECK_NO_THROW(JwtCodec(kHmacKey, kJweKey));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwt_codec_encrypted)

BOOST_AUTO_TEST_CASE(tokens_are_compact_jwe_dir_a256gcm) {
    JwtCodec codec(kHmacKey, kJweKey);
    BOOST_TEST(codec.encrypting());
    const std::string token = codec.encode(sample_claims());
    const auto parts = segments(token);
    BOOST_REQUIRE(parts.size() == 5u);
    BOOST_TEST(parts[1].empty());  // dir: no encrypted key
    const auto header = nlohmann::json::parse(unb64(parts[0]));
    BOOST_TEST(header.at("alg").get<std::string>() == "dir");
    BOOST_TEST(header.at("enc").get<std::string>() == "A256GCM");
    BOOST_TEST(header.at("cty").get<std::string>() == "JWT");
    BOOST_TEST(unb64(parts[2]).size() == 12u);  // GCM IV
    BOOST_TEST(unb64(parts[4]).size() == 16u);  // GCM tag
    // Nothing of the claims shows through.
    BOOST_TEST(token.find(b64("0123456789abcdef")) == std::string::npos);
    BOOST_TEST(token.find("eyJ0b2tlbl90eXBlIjoi") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(round_trip_through_the_jwe) {
    JwtCodec codec(kHmacKey, kJweKey);
    for (const char* type : {"access", "refresh"}) {
        const auto claims = sample_claims(type);
        const auto back = codec.decode(codec.encode(claims), kNow);
        BOOST_REQUIRE(back.has_value());
        require_same(*back, claims);
    }
    // Two encodings of the same claims differ (fresh IV) and both decode.
    const std::string a = codec.encode(sample_claims()), b = codec.encode(sample_claims());
    BOOST_TEST(a != b);
    BOOST_TEST(codec.decode(b, kNow).has_value());
    // Expiry still applies inside.
    BOOST_TEST(!codec.decode(a, kNow + 300).has_value());
}

BOOST_AUTO_TEST_CASE(a_plain_jws_is_refused) {
    JwtCodec encrypting(kHmacKey, kJweKey);
    JwtCodec plain(kHmacKey, "");
    const std::string jws = plain.encode(sample_claims());
    BOOST_TEST(plain.decode(jws, kNow).has_value());
    BOOST_TEST(!encrypting.decode(jws, kNow).has_value());
    BOOST_TEST(!encrypting.decode(hand_hs256(sample_payload()), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(a_jwe_under_another_key_is_refused) {
    JwtCodec codec(kHmacKey, kJweKey);
    JwtCodec other(kHmacKey, kOtherJweKey);
    BOOST_TEST(!codec.decode(other.encode(sample_claims()), kNow).has_value());
    BOOST_TEST(!other.decode(codec.encode(sample_claims()), kNow).has_value());
    // Under our JWE key but signed with another HMAC key inside.
    JwtCodec other_hmac("another-secret-key", kJweKey);
    BOOST_TEST(!codec.decode(other_hmac.encode(sample_claims()), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(a_tampered_jwe_is_refused) {
    JwtCodec codec(kHmacKey, kJweKey);
    const std::string token = codec.encode(sample_claims());
    const auto parts = segments(token);
    const std::size_t ciphertext_at = parts[0].size() + 1 + 1 + parts[2].size() + 1;
    BOOST_TEST(!codec.decode(flip_char(token, token.size() - 3), kNow).has_value());  // tag
    BOOST_TEST(!codec.decode(flip_char(token, ciphertext_at + 4), kNow).has_value());  // ciphertext
    BOOST_TEST(!codec.decode(flip_char(token, 5), kNow).has_value());                  // protected header
}

BOOST_AUTO_TEST_CASE(the_inner_token_is_the_hs256_jws_verify_hs256_accepts) {
    JwtCodec codec(kHmacKey, kJweKey);
    const auto claims = sample_claims("refresh");
    const std::string token = codec.encode(claims);
    const auto inner = decrypt_dir(token, kJweKey, "A256GCM");
    BOOST_REQUIRE(inner.has_value());
    const auto parts = segments(*inner);
    BOOST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(unb64(parts[0]) == R"({"alg":"HS256","typ":"JWT"})");
    const auto payload = verify_hs256(*inner, kHmacKey);
    BOOST_REQUIRE(payload.has_value());
    const auto json = nlohmann::json::parse(*payload);
    BOOST_TEST(json.at("token_type").get<std::string>() == "refresh");
    BOOST_TEST(json.at("sid").get<std::int64_t>() == 7);
    // The same inner JWS decodes with a non-encrypting codec of the same HMAC key.
    JwtCodec plain(kHmacKey, "");
    BOOST_TEST(plain.decode(*inner, kNow).has_value());
    // Wrong enc pinned, or another key: no inner token.
    BOOST_TEST(!decrypt_dir(token, kJweKey, "A128GCM").has_value());
    BOOST_TEST(!decrypt_dir(token, kOtherJweKey, "A256GCM").has_value());
}

BOOST_AUTO_TEST_CASE(a_jwe_wrapping_a_bad_inner_token_is_refused) {
    JwtCodec codec(kHmacKey, kJweKey);
    // Control: a hand-made JWE around a good inner token is accepted.
    BOOST_TEST(codec.decode(hand_jwe(kJweKey, hand_hs256(sample_payload())), kNow).has_value());
    // alg none inside.
    BOOST_TEST(!codec.decode(hand_jwe(kJweKey, hand_jws(R"({"alg":"none"})", sample_payload().dump(), nullptr, "")), kNow)
                    .has_value());
    // HS512 inside.
    BOOST_TEST(!codec.decode(hand_jwe(kJweKey, hand_jws(R"({"alg":"HS512","typ":"JWT"})", sample_payload().dump(),
                                                        EVP_sha512(), kHmacKey)),
                             kNow)
                    .has_value());
    // Bare claims inside, not a JWS.
    BOOST_TEST(!codec.decode(hand_jwe(kJweKey, sample_payload().dump()), kNow).has_value());
    // Another enc under the same 32-byte key (A256CBC-HS512 needs 64 bytes; A128GCM needs 16): cjose or the pin refuses.
    BOOST_TEST(!codec.decode(hand_jwe(kJweKey.substr(0, 16), hand_hs256(sample_payload()), CJOSE_HDR_ENC_A128GCM), kNow)
                    .has_value());
}

BOOST_AUTO_TEST_SUITE_END()
