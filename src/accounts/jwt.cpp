#include "gatehouse/accounts/jwt.hpp"

#include "gatehouse/core/crypto.hpp"

#include <cjose/cjose.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace gatehouse::accounts {
namespace {

constexpr std::size_t kMaxTokenBytes = 8192;

struct HeaderRelease { void operator()(cjose_header_t* h) const { cjose_header_release(h); } };
struct JwsRelease { void operator()(cjose_jws_t* j) const { cjose_jws_release(j); } };
struct JweRelease { void operator()(cjose_jwe_t* j) const { cjose_jwe_release(j); } };
struct FreeRelease { void operator()(void* p) const { std::free(p); } };
using Header = std::unique_ptr<cjose_header_t, HeaderRelease>;
using Jws = std::unique_ptr<cjose_jws_t, JwsRelease>;
using Jwe = std::unique_ptr<cjose_jwe_t, JweRelease>;

cjose_jwk_t* oct_key(std::string_view bytes) {
    cjose_err err;
    auto* jwk = cjose_jwk_create_oct_spec(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &err);
    if (!jwk) throw std::runtime_error(std::string("cjose: cannot make a key: ") + err.message);
    return jwk;
}

Header header(std::initializer_list<std::pair<const char*, const char*>> fields) {
    cjose_err err;
    Header h(cjose_header_new(&err));
    if (!h) throw std::runtime_error("cjose: cannot make a header");
    for (const auto& [name, value] : fields)
        if (!cjose_header_set(h.get(), name, value, &err)) throw std::runtime_error("cjose: cannot set a header");
    return h;
}

bool header_is(cjose_header_t* h, const char* name, std::string_view expected) {
    cjose_err err;
    const char* value = h ? cjose_header_get(h, name, &err) : nullptr;
    return value && expected == value;
}

// Compact JOSE is unpadded base64url parts between dots, each in its one canonical spelling. cjose
// would also take "token=" and a last character with stray low bits (…A and …B can carry the same
// signature): other spellings of one token. And Debian's cjose 0.6.1 aborts the process (assert in
// its base64 decoder) on a '=' inside a part, e.g. "eyJhbGciOiJub25lIiwid=Hlw…" (found by fuzzing):
// nothing but canonical parts reaches it.
bool compact_parts_ok(std::string_view compact) {
    if (compact.find('=') != std::string_view::npos) return false;  // JOSE never pads
    for (;;) {
        const auto dot = compact.find('.');
        if (!core::is_canonical_base64url(compact.substr(0, dot))) return false;  // strict: one spelling per value
        if (dot == std::string_view::npos) return true;
        compact.remove_prefix(dot + 1);
    }
}

bool is_hex32(const std::string& s) {
    return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

struct JwkRelease { void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); } };
using Jwk = std::unique_ptr<cjose_jwk_t, JwkRelease>;

std::optional<std::string> verify_with(std::string_view compact, const cjose_jwk_t* key) {
    if (!compact_parts_ok(compact)) return std::nullopt;
    cjose_err err;
    Jws jws(cjose_jws_import(compact.data(), compact.size(), &err));
    if (!jws) return std::nullopt;
    // Pinned: HS256 only. "none", HS512, RS256 … never reach the key.
    if (!header_is(cjose_jws_get_protected(jws.get()), CJOSE_HDR_ALG, CJOSE_HDR_ALG_HS256)) return std::nullopt;
    if (!cjose_jws_verify(jws.get(), key, &err)) return std::nullopt;
    uint8_t* plain = nullptr;
    size_t length = 0;
    if (!cjose_jws_get_plaintext(jws.get(), &plain, &length, &err)) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(plain), length);
}

std::optional<std::string> decrypt_with(std::string_view compact, const cjose_jwk_t* key, std::string_view enc) {
    if (!compact_parts_ok(compact)) return std::nullopt;
    cjose_err err;
    Jwe jwe(cjose_jwe_import(compact.data(), compact.size(), &err));
    if (!jwe) return std::nullopt;
    cjose_header_t* h = cjose_jwe_get_protected(jwe.get());
    if (!header_is(h, CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR) || !header_is(h, CJOSE_HDR_ENC, enc)) return std::nullopt;
    size_t length = 0;
    std::unique_ptr<uint8_t, FreeRelease> plain(cjose_jwe_decrypt(jwe.get(), key, &length, &err));
    if (!plain) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(plain.get()), length);
}

}  // namespace

std::optional<std::string> verify_hs256(std::string_view compact, std::string_view key) {
    if (compact.size() > kMaxTokenBytes || key.empty()) return std::nullopt;
    Jwk jwk(oct_key(key));
    return verify_with(compact, jwk.get());
}

std::optional<std::string> decrypt_dir(std::string_view compact, std::string_view key, std::string_view enc) {
    if (compact.size() > kMaxTokenBytes || key.empty()) return std::nullopt;
    Jwk jwk(oct_key(key));
    return decrypt_with(compact, jwk.get(), enc);
}

void JwtCodec::KeyRelease::operator()(void* jwk) const { cjose_jwk_release(static_cast<cjose_jwk_t*>(jwk)); }

JwtCodec::JwtCodec(std::string_view hmac_key, std::string_view jwe_key) : hmac_key_(oct_key(hmac_key)) {
    if (!jwe_key.empty()) {
        if (jwe_key.size() != 32) throw std::invalid_argument("the JWE key must be 32 bytes");
        jwe_key_.reset(oct_key(jwe_key));
    }
}

JwtCodec::~JwtCodec() = default;

std::string JwtCodec::encode(const JwtClaims& c) const {
    const nlohmann::ordered_json payload = {{"token_type", c.token_type}, {"exp", c.exp}, {"iat", c.iat},
                                            {"jti", c.jti},               {"user_id", c.user_id}, {"sid", c.sid}};
    const std::string text = payload.dump();
    auto jws_header = header({{CJOSE_HDR_ALG, CJOSE_HDR_ALG_HS256}, {"typ", "JWT"}});
    cjose_err err;
    Jws jws(cjose_jws_sign(static_cast<cjose_jwk_t*>(hmac_key_.get()), jws_header.get(),
                           reinterpret_cast<const uint8_t*>(text.data()), text.size(), &err));
    const char* compact = nullptr;
    if (!jws || !cjose_jws_export(jws.get(), &compact, &err)) throw std::runtime_error("cjose: cannot sign");
    std::string signed_token(compact);
    if (!jwe_key_) return signed_token;
    auto jwe_header = header({{CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR}, {CJOSE_HDR_ENC, CJOSE_HDR_ENC_A256GCM}, {CJOSE_HDR_CTY, "JWT"}});
    Jwe jwe(cjose_jwe_encrypt(static_cast<cjose_jwk_t*>(jwe_key_.get()), jwe_header.get(),
                              reinterpret_cast<const uint8_t*>(signed_token.data()), signed_token.size(), &err));
    if (!jwe) throw std::runtime_error("cjose: cannot encrypt");
    std::unique_ptr<char, FreeRelease> out(cjose_jwe_export(jwe.get(), &err));
    if (!out) throw std::runtime_error("cjose: cannot export the JWE");
    return std::string(out.get());
}

std::optional<JwtClaims> JwtCodec::decode(std::string_view token, std::int64_t now) const {
    if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
    if (!compact_parts_ok(token)) return std::nullopt;
    const auto dots = std::count(token.begin(), token.end(), '.');
    std::optional<std::string> signed_token;
    if (jwe_key_) {
        if (dots != 4) return std::nullopt;  // encryption on: a plain JWS is refused
        signed_token = decrypt_with(token, static_cast<cjose_jwk_t*>(jwe_key_.get()), CJOSE_HDR_ENC_A256GCM);
    } else if (dots == 2) {
        signed_token = std::string(token);
    }
    if (!signed_token) return std::nullopt;
    const auto text = verify_with(*signed_token, static_cast<cjose_jwk_t*>(hmac_key_.get()));
    if (!text) return std::nullopt;
    const auto payload = nlohmann::json::parse(*text, nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) return std::nullopt;
    JwtClaims c;
    try {
        if (!payload.at("exp").is_number_integer() || !payload.at("iat").is_number_integer() ||
            !payload.at("user_id").is_number_integer() || !payload.at("sid").is_number_integer())
            return std::nullopt;
        c.token_type = payload.at("token_type").get<std::string>();
        c.exp = payload.at("exp").get<std::int64_t>();
        c.iat = payload.at("iat").get<std::int64_t>();
        c.jti = payload.at("jti").get<std::string>();
        c.user_id = payload.at("user_id").get<std::int64_t>();
        c.sid = payload.at("sid").get<std::int64_t>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    if (c.exp <= now || !is_hex32(c.jti) || (c.token_type != "access" && c.token_type != "refresh")) return std::nullopt;
    return c;
}

}  // namespace gatehouse::accounts
