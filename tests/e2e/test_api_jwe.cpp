// JWT on stacks of their own (README: *Configuration*, *JSON API*): encrypted tokens (GATEHOUSE_JWT_ENCRYPT=1, JWE dir/A256GCM)
// checked with jwcrypto and PyJWT, and the refresh blacklist surviving a memcached restart.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;
using namespace std::chrono_literals;

namespace {

// 32 bytes of our choosing, and their base64url: the JWE key the stack is given.
const std::string kJweKeyBytes = "gatehouse-e2e-jwe-key-32-bytes!!";

struct JweStack {
    static inline std::unique_ptr<Stack> instance;
    JweStack() {
        StackOptions o;
        o.env = {{"GATEHOUSE_JWT_ENCRYPT", "1"}, {"GATEHOUSE_JWE_KEY", b64url(kJweKeyBytes)}};
        instance = std::make_unique<Stack>(o);
    }
    ~JweStack() { instance.reset(); }
    static Stack& get() {
        if (!instance) throw std::runtime_error("the JWE stack did not start");
        return *instance;
    }
};

// Decrypts with jwcrypto (checking the protected header), verifies the inner JWS with PyJWT, then makes
// a token of its own the same way (PyJWT sign, jwcrypto encrypt). Prints one JSON line.
const char* kJweScript = R"py(
import sys, json, re, time, jwt
from jwcrypto import jwe, jwk
token, hmac_key, jwe_key, user_id, kind = sys.argv[1], sys.argv[2].encode(), sys.argv[3], int(sys.argv[4]), sys.argv[5]
key = jwk.JWK(kty="oct", k=jwe_key)
parts = token.split(".")
assert len(parts) == 5, len(parts)
assert parts[1] == "", "dir: no encrypted key"
e = jwe.JWE()
e.deserialize(token, key=key)
protected = json.loads(e.objects["protected"])
assert protected == {"alg": "dir", "enc": "A256GCM", "cty": "JWT"}, protected
inner = e.payload.decode()
assert jwt.get_unverified_header(inner) == {"alg": "HS256", "typ": "JWT"}, inner
claims = jwt.decode(inner, hmac_key, algorithms=["HS256"])
assert claims["token_type"] == kind and claims["user_id"] == user_id, claims
assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"]) and isinstance(claims["sid"], int), claims
assert claims["exp"] > time.time() >= claims["iat"] - 5, claims
try:
    jwe.JWE().deserialize(token, key=jwk.JWK(kty="oct", k=jwk.base64url_encode(b"x" * 32)))
    raise SystemExit("decrypted with a wrong key")
except Exception as err:
    if isinstance(err, SystemExit): raise
now = int(time.time())
mine = jwt.encode({"token_type": "access", "exp": now + 120, "iat": now, "jti": "ab" * 16,
                   "user_id": claims["user_id"], "sid": claims["sid"]}, hmac_key, algorithm="HS256",
                  headers={"typ": "JWT"})
out = jwe.JWE(mine.encode(), json.dumps({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}))
out.add_recipient(key)
print(json.dumps({"inner": inner, "ours": out.serialize(compact=True), "claims": claims}))
)py";

json run_jwe_script(const Stack& stack, const std::string& token, std::int64_t user_id, const char* kind) {
    const auto result = run_python(kJweScript, {token, secret_key(stack), b64url(kJweKeyBytes), std::to_string(user_id), kind},
                                   stack.dir());
    BOOST_TEST_REQUIRE(result.status == 0, "python: " << result.output);
    std::string output = result.output;
    while (!output.empty() && output.back() == '\n') output.pop_back();
    const auto nl = output.rfind('\n');
    return json::parse(nl == std::string::npos ? output : output.substr(nl + 1));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_jwe, *boost::unit_test::fixture<JweStack>())

BOOST_AUTO_TEST_CASE(tokens_are_jwe_dir_a256gcm_readable_by_jwcrypto_and_pyjwt) {
    auto& stack = JweStack::get();
    ApiClient api(stack);
    const std::string email = unique_email("jwe");
    const json user = verified_user(api, email);
    const Pair p = obtain(api, email);
    for (const auto* token : {&p.access, &p.refresh}) {
        const auto parts = split_dots(*token);
        BOOST_TEST_REQUIRE(parts.size() == 5u, *token);
        BOOST_TEST(json::parse(unb64url(parts[0])) == (json{{"alg", "dir"}, {"enc", "A256GCM"}, {"cty", "JWT"}}));
        BOOST_TEST(lacks(unb64url(parts[3]), "token_type"));  // the claims are not readable
    }
    const std::int64_t user_id = user["id"];
    BOOST_TEST(me_status(api, bearer(p.access)) == 200);

    const json access = run_jwe_script(stack, p.access, user_id, "access");
    const json refreshed = run_jwe_script(stack, p.refresh, user_id, "refresh");
    BOOST_TEST(access["claims"]["sid"] == refreshed["claims"]["sid"]);

    // A token made by jwcrypto + PyJWT with the same keys is accepted.
    BOOST_TEST(me_status(api, bearer(access["ours"])) == 200);
    // The plain signed JWT inside — valid in every other respect — is refused: encryption is required.
    BOOST_TEST(is_error(api.get("/api/me/", bearer(access["inner"])), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, refreshed["inner"]), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", access["inner"]}}), 401, "token_not_valid"));
    // So is one forged here with the secret key.
    json claims = access["claims"];
    claims["exp"] = unix_now() + 120;
    BOOST_TEST(is_error(api.get("/api/me/", bearer(forge({{"alg", "HS256"}, {"typ", "JWT"}}, claims, secret_key(stack), "HS256"))),
                        401, "token_not_valid"));
    // A tampered ciphertext.
    auto parts = split_dots(p.access);
    parts[3][parts[3].size() / 2] = parts[3][parts[3].size() / 2] == 'A' ? 'B' : 'A';
    const std::string tampered = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3] + "." + parts[4];
    BOOST_TEST(is_error(api.get("/api/me/", bearer(tampered)), 401, "token_not_valid"));

    // Rotation and reuse detection work the same with encrypted tokens.
    const auto rotated = refresh(api, p.refresh);
    BOOST_TEST_REQUIRE(rotated.status == 200, show(rotated));
    BOOST_TEST(split_dots(rotated.json()["refresh"]).size() == 5u);
    BOOST_TEST(is_error(refresh(api, p.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(rotated.json()["access"])), 401, "token_not_valid"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_blacklist)

BOOST_AUTO_TEST_CASE(blacklist_survives_a_memcached_restart) {
    Stack stack;  // its own: memcached is stopped here
    ApiClient api(stack);
    const std::string email = unique_email("blacklist");
    verified_user(api, email);
    const Pair p = obtain(api, email);
    const auto rotated = refresh(api, p.refresh);
    BOOST_TEST_REQUIRE(rotated.status == 200, show(rotated));
    const std::string access2 = rotated.json()["access"], refresh2 = rotated.json()["refresh"];

    stack.stop_memcached();
    // While it is down: /healthz names it, and what needs a code or a counter answers 503, both with
    // Retry-After; what needs only SQLite goes on.
    const auto health = api.get("/healthz");
    BOOST_TEST(health.status == 503, show(health));
    BOOST_TEST(body_of(health)["db"] == "ok");
    BOOST_TEST(body_of(health)["memcached"] != "ok");
    BOOST_TEST(!health.header("Retry-After").value_or("").empty());
    const auto t0 = std::chrono::steady_clock::now();
    BOOST_TEST(is_error(api.post("/api/auth/phone/login/", {{"phone", unique_phone()}}), 503, "service_unavailable"));
    BOOST_TEST(!api.post("/api/auth/phone/login/", {{"phone", unique_phone()}}).header("Retry-After").value_or("").empty());
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 10s), "503 answers should not hang");
    BOOST_TEST(me_status(api, bearer(access2)) == 200);
    stack.start_memcached();
    HttpClient probe({.cookies = false, .timeout_seconds = 3, .connect_timeout_seconds = 1});
    BOOST_TEST_REQUIRE(wait_until(15s, [&] {
                           try {
                               return probe.get(stack.https_url("/healthz")).status == 200;
                           } catch (const HttpError&) {
                               return false;
                           }
                       }, 100ms),
                       "not healthy again after memcached came back");
    BOOST_TEST(me_status(api, bearer(access2)) == 200);  // the login itself lives on

    // The rotated refresh token is still known as rotated: refused, and it still ends its family.
    BOOST_TEST(is_error(refresh(api, p.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, refresh2), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(access2)), 401, "token_not_valid"));
}

BOOST_AUTO_TEST_SUITE_END()
