// The JSON API (README: *JSON API*): registration, JWT obtain/refresh/verify, forged tokens, API token login,
// logout, logout-all, and email verification — against the shared stack (real nginx, SQLite, memcached).
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

const std::set<std::string> kUserFields = {"id",     "email",         "name",   "first_name",  "last_name",
                                           "phone",  "date_of_birth", "gender", "is_verified", "is_staff",
                                           "date_joined", "last_login", "image"};

bool is_hex(const std::string& s, std::size_t length) {
    return s.size() == length && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_register)

BOOST_AUTO_TEST_CASE(register_answers_201_with_exactly_the_user_fields_and_mails_a_link) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("Reg");
    const std::string mixed = email.substr(0, email.find('@')) + "@Example.COM";
    const auto r = api.post("/api/auth/register/", {{"email", mixed},
                                                    {"password", kPassword},
                                                    {"password2", kPassword},
                                                    {"first_name", "Ada"},
                                                    {"last_name", "Lovelace"},
                                                    {"gender", "female"},
                                                    {"date_of_birth", "1990-12-10"}});
    BOOST_TEST_REQUIRE(r.status == 201, show(r));
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
    const json user = r.json();
    BOOST_TEST((keys_of(user) == kUserFields), r.body);
    BOOST_TEST(lacks(r.body, "password"));
    BOOST_TEST(lacks(r.body, "argon2"));
    BOOST_TEST(lacks(r.body, "pbkdf2"));
    BOOST_TEST(lacks(r.body, kPassword));
    BOOST_TEST(user["id"].is_number_integer());
    BOOST_TEST(user["email"] == email);  // domain part lower-cased on save
    BOOST_TEST(user["first_name"] == "Ada");
    BOOST_TEST(user["last_name"] == "Lovelace");
    BOOST_TEST(user["gender"] == "female");
    BOOST_TEST(user["date_of_birth"] == "1990-12-10");
    BOOST_TEST(user["name"].is_null());
    BOOST_TEST(user["phone"].is_null());
    BOOST_TEST(user["is_verified"] == false);
    BOOST_TEST(user["is_staff"] == false);
    BOOST_TEST(user["last_login"].is_null());
    BOOST_TEST(std::regex_match(user["date_joined"].get<std::string>(),
                                std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00))")),
               user["date_joined"]);

    // The verification mail: a link (host "localhost:<port>") and a code.
    const std::string mail = Outbox(stack).wait_mail(email);
    BOOST_TEST(contains(mail, "/accounts/verify/"));
    BOOST_TEST(code_in(mail).size() == 6u);
}

BOOST_AUTO_TEST_CASE(register_refuses_bad_input_field_by_field) {
    auto& stack = shared_stack();
    ApiClient api(stack);

    // Nothing at all: each required field names itself.
    BOOST_TEST(is_validation(api.post("/api/auth/register/", json::object()), {"email", "password", "password2"}));

    const auto bad_email = api.post("/api/auth/register/",
                                    {{"email", "not-an-email"}, {"password", kPassword}, {"password2", kPassword}});
    BOOST_TEST(is_validation(bad_email, {"email"}));
    BOOST_TEST(!body_of(bad_email).contains("password"));

    const auto mismatch = api.post("/api/auth/register/", {{"email", unique_email("mismatch")},
                                                           {"password", kPassword},
                                                           {"password2", std::string(kPassword) + "x"}});
    BOOST_TEST(is_validation(mismatch, {"password2"}));
    BOOST_TEST(!body_of(mismatch).contains("email"));

    // A weak password: each failed rule gives its own message, all at once.
    const auto weak = api.post("/api/auth/register/",
                               {{"email", unique_email("weak")}, {"password", "abc"}, {"password2", "abc"}});
    BOOST_TEST(is_validation(weak, {"password"}));
    const json weak_body = body_of(weak);
    BOOST_TEST(weak_body["password"].size() >= 3u, weak.body);  // too short, no uppercase, no digit
    BOOST_TEST(contains(weak.body, "too short"));

    const auto common = api.post("/api/auth/register/", {{"email", unique_email("common")},
                                                         {"password", "Password123"},
                                                         {"password2", "Password123"}});
    BOOST_TEST(is_validation(common, {"password"}));
    BOOST_TEST(contains(common.body, "too common"));

    // The email is taken whatever its case.
    const std::string email = unique_email("taken");
    register_user(api, email);
    std::string upper = email;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto taken = api.post("/api/auth/register/", {{"email", upper}, {"password", kPassword}, {"password2", kPassword}});
    BOOST_TEST(is_validation(taken, {"email"}));
    BOOST_TEST(contains(taken.body, "already exists"));

    // So is a display name.
    const std::string name = "Api Name " + std::to_string(::getpid()) + "-" + std::to_string(next_serial());
    register_user(api, unique_email("named"), kPassword, {{"name", name}});
    std::string other_case = name;
    for (auto& c : other_case) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto taken_name = api.post("/api/auth/register/", {{"email", unique_email("named2")},
                                                             {"name", other_case},
                                                             {"password", kPassword},
                                                             {"password2", kPassword}});
    BOOST_TEST(is_validation(taken_name, {"name"}));
}

BOOST_AUTO_TEST_CASE(register_accepts_a_form_body_and_refuses_text_plain_with_415) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("form");
    const auto form = api.post_raw("/api/auth/register/",
                                   form_encode({{"email", email}, {"password", kPassword}, {"password2", kPassword},
                                                {"name", "Form User " + std::to_string(next_serial())}}),
                                   "application/x-www-form-urlencoded");
    BOOST_TEST_REQUIRE(form.status == 201, show(form));
    BOOST_TEST(form.json()["email"] == email);
    BOOST_TEST(form.json()["name"].get<std::string>().starts_with("Form User "));

    const auto text = api.post_raw("/api/auth/register/",
                                   "email=" + unique_email("text") + "&password=x&password2=x", "text/plain");
    BOOST_TEST(is_error(text, 415, "unsupported_media_type"));

    // Over 1 MiB: 413, still in JSON under /api/.
    const std::string huge = json{{"email", unique_email("huge")}, {"password", std::string(1024 * 1024, 'A')}}.dump();
    const auto too_large = api.post_raw("/api/auth/register/", huge, "application/json");
    BOOST_TEST(is_error(too_large, 413, "request_too_large"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_jwt)

BOOST_AUTO_TEST_CASE(obtain_gives_a_pair_and_refuses_bad_credentials_and_unverified_users) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("obtain");
    verified_user(api, email);

    std::string upper = email;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto r = api.post("/api/auth/token/", {{"email", upper}, {"password", kPassword}});  // emails ignore case
    BOOST_TEST_REQUIRE(r.status == 200, show(r));
    const json body = r.json();
    BOOST_TEST((keys_of(body) == std::set<std::string>{"access", "refresh", "user"}), r.body);
    BOOST_TEST((keys_of(body["user"]) == kUserFields));
    BOOST_TEST(body["user"]["email"] == email);
    BOOST_TEST(body["user"]["is_verified"] == true);
    BOOST_TEST(body["user"]["last_login"].is_string());
    BOOST_TEST(split_dots(body["access"]).size() == 3u);
    BOOST_TEST(me_status(api, bearer(body["access"])) == 200);

    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", "Wrong-Passw0rd"}}), 401,
                        "no_active_account"));
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", unique_email("nobody")}, {"password", kPassword}}), 401,
                        "no_active_account"));
    BOOST_TEST(is_validation(api.post("/api/auth/token/", {{"email", email}}), {"password"}));

    // Right password, email not verified: 403 not_verified; a wrong password still says 401.
    const std::string unverified = unique_email("unverified");
    register_user(api, unverified);
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", unverified}, {"password", kPassword}}), 403,
                        "not_verified"));
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", unverified}, {"password", "Wrong-Passw0rd"}}), 401,
                        "no_active_account"));
    BOOST_TEST(is_error(api.post("/api/auth/login/", {{"email", unverified}, {"password", kPassword}}), 403,
                        "not_verified"));
}

BOOST_AUTO_TEST_CASE(refresh_rotates_and_reusing_an_old_refresh_kills_the_whole_family) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("rotate");
    verified_user(api, email);
    const Pair first = obtain(api, email);
    const Pair other = obtain(api, email);  // a second device: another family

    const auto rotated = refresh(api, first.refresh);
    BOOST_TEST_REQUIRE(rotated.status == 200, show(rotated));
    const json pair = rotated.json();
    BOOST_TEST((keys_of(pair) == std::set<std::string>{"access", "refresh"}), rotated.body);
    const std::string access2 = pair["access"], refresh2 = pair["refresh"];
    BOOST_TEST(refresh2 != first.refresh);
    BOOST_TEST(access2 != first.access);
    BOOST_TEST(jws_payload(refresh2)["sid"] == jws_payload(first.refresh)["sid"]);  // the same login
    BOOST_TEST(me_status(api, bearer(access2)) == 200);
    BOOST_TEST(me_status(api, bearer(first.access)) == 200);  // rotation alone does not end the login

    // The rotated token again: refused, and the family is presumed stolen.
    BOOST_TEST(is_error(refresh(api, first.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, refresh2), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(access2)), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(first.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", access2}}), 401, "token_not_valid"));

    // The other device is untouched.
    BOOST_TEST(me_status(api, bearer(other.access)) == 200);
    BOOST_TEST(refresh(api, other.refresh).status == 200);

    BOOST_TEST(is_validation(api.post("/api/auth/token/refresh/", json::object()), {"refresh"}));
    BOOST_TEST(is_error(refresh(api, "not.a.token"), 401, "token_not_valid"));
}

BOOST_AUTO_TEST_CASE(verify_answers_200_empty_object_or_401) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("tverify");
    verified_user(api, email);
    const Pair p = obtain(api, email);
    for (const auto& token : {p.access, p.refresh}) {
        const auto r = api.post("/api/auth/token/verify/", {{"token", token}});
        BOOST_TEST(r.status == 200, show(r));
        BOOST_TEST(body_of(r) == json::object());
    }
    BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", "garbage"}}), 401, "token_not_valid"));
    std::string tampered = p.access;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", tampered}}), 401, "token_not_valid"));
    BOOST_TEST(is_validation(api.post("/api/auth/token/verify/", json::object()), {"token"}));
}

BOOST_AUTO_TEST_CASE(forged_and_misused_tokens_are_refused_with_token_not_valid) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("forge");
    verified_user(api, email);
    const Pair p = obtain(api, email);
    const std::string key = secret_key(stack);

    const json real = jws_payload(p.access);
    BOOST_TEST(jws_header(p.access) == (json{{"alg", "HS256"}, {"typ", "JWT"}}));
    const json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
    const auto now = unix_now();
    json claims = real;
    claims["jti"] = "0123456789abcdef0123456789abcdef";
    claims["iat"] = now;
    claims["exp"] = now + 120;

    // Control: with the right key and alg our own token is accepted — so the refusals below are real.
    const std::string good = forge(hs256, claims, key, "HS256");
    BOOST_TEST_REQUIRE(me_status(api, bearer(good)) == 200, "a correctly signed token was refused: the key is wrong?");

    struct Case {
        const char* what;
        std::string token;
        bool verify_refuses = true;  // token/verify takes either type: a live refresh is valid there
    };
    json expired = claims;
    expired["iat"] = now - 400;
    expired["exp"] = now - 100;
    // A changed signature: a character in its middle carries 6 bits of it (the last carries 4 and 2
    // unused ones, so changing it may only respell the same signature; that is its own case below).
    std::string bad_signature = good;
    char& inside = bad_signature[bad_signature.size() - 10];
    inside = inside == 'A' ? 'B' : 'A';
    static const std::string kBase64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string respelled = good;
    respelled.back() = kBase64url[kBase64url.find(good.back()) | 1];  // an unused bit set
    json refresh_claims = claims;
    refresh_claims["token_type"] = "refresh";
    const std::vector<Case> cases = {
        {"alg none, unsigned", forge({{"alg", "none"}, {"typ", "JWT"}}, claims, key, "none")},
        {"HS512 with the same key", forge({{"alg", "HS512"}, {"typ", "JWT"}}, claims, key, "HS512")},
        {"bad signature", bad_signature},
        {"the good signature spelled another way", respelled},
        {"signed with another key", forge(hs256, claims, key + "x", "HS256")},
        {"expired", forge(hs256, expired, key, "HS256")},
        {"refresh used as Bearer", p.refresh, false},
        {"forged refresh used as Bearer", forge(hs256, refresh_claims, key, "HS256")},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.what) {
            BOOST_TEST(is_error(api.get("/api/me/", bearer(c.token)), 401, "token_not_valid"));
            if (c.verify_refuses)
                BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", c.token}}), 401, "token_not_valid"));
        }
    }
    // An access token where a refresh is wanted.
    BOOST_TEST(is_error(refresh(api, p.access), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, good), 401, "token_not_valid"));
    // An unsigned refresh with the live family's jti is no refresh either.
    json refresh_real = jws_payload(p.refresh);
    BOOST_TEST(is_error(refresh(api, forge({{"alg", "none"}, {"typ", "JWT"}}, refresh_real, key, "none")), 401,
                        "token_not_valid"));
    // The real pair still works after all that.
    BOOST_TEST(me_status(api, bearer(p.access)) == 200);
    BOOST_TEST(refresh(api, p.refresh).status == 200);
}

BOOST_AUTO_TEST_CASE(pyjwt_verifies_our_access_token_independently) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("pyjwt");
    const json user = verified_user(api, email);
    const Pair p = obtain(api, email);
    static const char* script = R"py(
import sys, re, time, jwt
token, key, user_id, kind = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4]
header = jwt.get_unverified_header(token)
assert header == {"alg": "HS256", "typ": "JWT"}, header
claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "iat"]})
assert claims["token_type"] == kind, claims
assert claims["user_id"] == user_id and isinstance(claims["user_id"], int), claims
assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"]), claims
assert isinstance(claims["sid"], int), claims
now = time.time()
assert isinstance(claims["exp"], int) and isinstance(claims["iat"], int), claims
assert claims["iat"] <= now + 5 and claims["exp"] > now, claims
try:
    jwt.decode(token, key + b"x", algorithms=["HS256"])
    raise SystemExit("a wrong key verified")
except jwt.InvalidSignatureError:
    pass
print("OK", claims["exp"] - claims["iat"])
)py";
    const auto access = run_python(script, {p.access, secret_key(stack), std::to_string(user["id"].get<long>()), "access"},
                                   stack.dir());
    BOOST_TEST(access.status == 0, access.output);
    BOOST_TEST(contains(access.output, "OK 300"));  // GATEHOUSE_ACCESS_TTL default
    const auto refresh = run_python(script, {p.refresh, secret_key(stack), std::to_string(user["id"].get<long>()), "refresh"},
                                    stack.dir());
    BOOST_TEST(refresh.status == 0, refresh.output);
    BOOST_TEST(contains(refresh.output, "OK 86400"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_logins)

BOOST_AUTO_TEST_CASE(api_token_login_gives_one_token_per_device_and_logout_deletes_it) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("apitoken");
    const json user = verified_user(api, email);

    const auto r = api.post("/api/auth/login/", {{"email", email}, {"password", kPassword}});
    BOOST_TEST_REQUIRE(r.status == 200, show(r));
    const json body = r.json();
    BOOST_TEST((keys_of(body) == std::set<std::string>{"token", "user_id", "email"}), r.body);
    const std::string first = body["token"];
    BOOST_TEST(is_hex(first, 40), first);
    BOOST_TEST(body["user_id"] == user["id"]);
    BOOST_TEST(body["email"] == email);
    const auto me = api.get("/api/me/", token_auth(first));
    BOOST_TEST_REQUIRE(me.status == 200, show(me));
    BOOST_TEST(me.json()["email"] == email);

    const std::string second = api_token(api, email);
    BOOST_TEST(is_hex(second, 40));
    BOOST_TEST(second != first);
    const auto devices = api.get("/api/me/devices/", token_auth(first));
    BOOST_TEST_REQUIRE(devices.status == 200, show(devices));
    int tokens = 0;
    for (const auto& d : devices.json()) tokens += d["kind"] == "token";
    BOOST_TEST(tokens == 2);

    BOOST_TEST(is_error(api.post("/api/auth/login/", {{"email", email}, {"password", "Wrong-Passw0rd"}}), 401,
                        "no_active_account"));

    const auto out = api.post("/api/auth/logout/", json::object(), token_auth(first));
    BOOST_TEST(out.status == 200, show(out));
    BOOST_TEST(body_of(out) == (json{{"detail", "Logged out."}}));
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(first)), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/logout/", json::object(), token_auth(first)), 401, "token_not_valid"));
    BOOST_TEST(me_status(api, token_auth(second)) == 200);
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(std::string(40, 'a'))), 401, "token_not_valid"));

    // Stored hashed: the database holds the SHA-256 of the key, never the key.
    std::string db = stack.on_postgresql()
                         ? shell_output("pg_dump --data-only '" + stack.database_location() + "'")
                         : slurp(stack.var_dir() + "/gatehouse.db") + slurp(stack.var_dir() + "/gatehouse.db-wal");
    BOOST_TEST_REQUIRE(!db.empty());
    BOOST_TEST(lacks(db, second));
    BOOST_TEST(contains(db, sha256_hex(second)));
}

BOOST_AUTO_TEST_CASE(the_eleventh_login_revokes_the_oldest) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("maxdevices");
    verified_user(api, email);
    std::vector<std::string> keys;
    for (int i = 0; i < 11; ++i) keys.push_back(api_token(api, email));  // GATEHOUSE_MAX_DEVICES = 10
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(keys.front())), 401, "token_not_valid"));
    for (std::size_t i = 1; i < keys.size(); ++i) BOOST_TEST(me_status(api, token_auth(keys[i])) == 200, i);
    BOOST_TEST(api.get("/api/me/devices/", token_auth(keys.back())).json().size() == 10u);
}

BOOST_AUTO_TEST_CASE(bearer_logout_needs_this_users_refresh_and_ends_that_family) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("logout");
    const std::string someone = unique_email("logout-other");
    verified_user(api, email);
    verified_user(api, someone);
    const Pair p = obtain(api, email);
    const Pair kept = obtain(api, email);
    const Pair theirs = obtain(api, someone);

    BOOST_TEST(is_error(api.post("/api/auth/logout/", json::object()), 401, "not_authenticated"));
    BOOST_TEST(is_validation(api.post("/api/auth/logout/", json::object(), bearer(p.access)), {"refresh"}));
    BOOST_TEST(is_error(api.post("/api/auth/logout/", {{"refresh", theirs.refresh}}, bearer(p.access)), 401,
                        "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/logout/", {{"refresh", "garbage"}}, bearer(p.access)), 401,
                        "token_not_valid"));
    BOOST_TEST(me_status(api, bearer(theirs.access)) == 200);  // their login is untouched

    const auto out = api.post("/api/auth/logout/", {{"refresh", p.refresh}}, bearer(p.access));
    BOOST_TEST(out.status == 200, show(out));
    BOOST_TEST(body_of(out) == (json{{"detail", "Logged out."}}));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(p.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, p.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", p.refresh}}), 401, "token_not_valid"));
    BOOST_TEST(me_status(api, bearer(kept.access)) == 200);
    BOOST_TEST(me_status(api, bearer(theirs.access)) == 200);
}

BOOST_AUTO_TEST_CASE(logout_all_ends_sessions_families_and_tokens) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("logoutall");
    verified_user(api, email);
    const Pair a = obtain(api, email);
    const Pair b = obtain(api, email);
    const std::string key = api_token(api, email);
    HttpClient browser;
    session_login(browser, stack, email);
    BOOST_TEST_REQUIRE(browser.get(stack.https_url("/accounts/profile/")).status == 200);

    BOOST_TEST(is_error(api.post("/api/auth/logout/all/", json::object()), 401, "not_authenticated"));
    const auto out = api.post("/api/auth/logout/all/", json::object(), token_auth(key));
    BOOST_TEST(out.status == 200, show(out));
    BOOST_TEST(body_of(out).contains("detail"));

    BOOST_TEST(is_error(api.get("/api/me/", token_auth(key)), 401, "token_not_valid"));
    for (const auto* pair : {&a, &b}) {
        BOOST_TEST(is_error(api.get("/api/me/", bearer(pair->access)), 401, "token_not_valid"));
        BOOST_TEST(is_error(refresh(api, pair->refresh), 401, "token_not_valid"));
    }
    const auto profile = browser.get(stack.https_url("/accounts/profile/"));
    BOOST_TEST(profile.status == 302, "the browser session survived logout/all");
    BOOST_TEST(contains(profile.header("Location").value_or(""), "/accounts/login/"));
    // A new login still works.
    BOOST_TEST(me_status(api, bearer(obtain(api, email).access)) == 200);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_verify_email)

BOOST_AUTO_TEST_CASE(verify_email_with_the_link_token_once) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("vemail");
    register_user(api, email);
    const std::string token = token_after(Outbox(stack).wait_mail(email), "/accounts/verify/");

    BOOST_TEST(is_validation(api.post("/api/auth/verify-email/", json::object()), {"token"}));
    BOOST_TEST(is_error(api.post("/api/auth/verify-email/", {{"token", "garbage"}}), 400, "token_invalid"));
    std::string tampered = token;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    BOOST_TEST(is_error(api.post("/api/auth/verify-email/", {{"token", tampered}}), 400, "token_invalid"));
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}), 403, "not_verified"));

    const auto ok = api.post("/api/auth/verify-email/", {{"token", token}});
    BOOST_TEST(ok.status == 200, show(ok));
    BOOST_TEST(is_error(api.post("/api/auth/verify-email/", {{"token", token}}), 400, "already_verified"));
    BOOST_TEST(obtain(api, email).user["is_verified"] == true);
}

BOOST_AUTO_TEST_CASE(resend_answers_200_always_and_mails_only_an_unverified_user) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    Outbox outbox(stack);
    const std::string verified = unique_email("resend-done");
    const std::string unverified = unique_email("resend-todo");
    const std::string nobody = unique_email("resend-nobody");
    verified_user(api, verified);
    register_user(api, unverified);
    outbox.wait_mail(unverified, 1);

    std::string unverified_upper = unverified;  // emails match ignoring case everywhere
    for (auto& c : unverified_upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& email : {verified, nobody, unverified_upper}) {
        BOOST_TEST_CONTEXT(email) {
            const auto resend = api.post("/api/auth/verify-email/resend/", {{"email", email}});
            BOOST_TEST(resend.status == 200, show(resend));
            BOOST_TEST(body_of(resend).contains("detail"));
        }
    }
    // The unverified user's second mail arrives; the mailer delivers in order, so by then any mail
    // for the other two (asked for earlier) would have arrived too.
    const std::string second = outbox.wait_mail(unverified, 2);
    BOOST_TEST(contains(second, "/accounts/verify/"));
    BOOST_TEST(outbox.mails_to(verified).size() == 1u);
    BOOST_TEST(outbox.mails_to(nobody).empty());
    BOOST_TEST(is_validation(api.post("/api/auth/verify-email/resend/", json::object()), {"email"}));

    // The new link works.
    BOOST_TEST(api.post("/api/auth/verify-email/", {{"token", token_after(second, "/accounts/verify/")}}).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_schema)

BOOST_AUTO_TEST_CASE(schema_describes_every_row_and_every_row_answers) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const auto r = api.get("/api/schema/");
    BOOST_TEST_REQUIRE(r.status == 200, show(r));
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
    const json schema = body_of(r);
    BOOST_TEST_REQUIRE(schema.is_object(), r.body.substr(0, 200));
    BOOST_TEST(schema.value("openapi", std::string()).starts_with("3.1"), schema.value("openapi", std::string()));
    BOOST_TEST_REQUIRE(schema.contains("paths"));

    // The README's JSON API, row by row (path parameters in OpenAPI's spelling).
    const std::vector<std::pair<std::string, std::vector<std::string>>> rows = {
        {"/api/auth/register/", {"post"}},
        {"/api/auth/token/", {"post"}},
        {"/api/auth/token/refresh/", {"post"}},
        {"/api/auth/token/verify/", {"post"}},
        {"/api/auth/login/", {"post"}},
        {"/api/auth/logout/", {"post"}},
        {"/api/auth/logout/all/", {"post"}},
        {"/api/auth/verify-email/", {"post"}},
        {"/api/auth/verify-email/resend/", {"post"}},
        {"/api/auth/otp/send/", {"post"}},
        {"/api/auth/otp/verify/", {"post"}},
        {"/api/auth/phone/login/", {"post"}},
        {"/api/auth/phone/verify/", {"post"}},
        {"/api/auth/phone/resend/", {"post"}},
        {"/api/auth/password/change/", {"post"}},
        {"/api/auth/password/reset/", {"post"}},
        {"/api/auth/password/reset/check-otp/", {"post"}},
        {"/api/auth/password/reset/confirm/", {"post"}},
        {"/api/me/", {"get", "patch", "delete"}},
        {"/api/me/devices/", {"get"}},
        {"/api/me/devices/{id}/", {"delete"}},
        {"/api/users/", {"get", "post"}},
        {"/api/users/{id}/", {"get", "patch", "delete"}},
        {"/api/schema/", {"get"}},
        {"/healthz", {"get"}},
    };
    const json& paths = schema["paths"];
    for (const auto& [path, methods] : rows) {
        BOOST_TEST_CONTEXT(path) {
            BOOST_TEST_REQUIRE(paths.contains(path));
            for (const auto& method : methods) BOOST_TEST(paths[path].contains(method), method);
            if (path.starts_with("/api/users/")) continue;  // not this file's subject
            // And the server has the route: neither 404 nor 405 (and no 5xx) for an empty call.
            std::string real = path;
            if (auto at = real.find("{id}"); at != std::string::npos) real.replace(at, 4, "1");
            for (const auto& method : methods) {
                std::string upper = method;
                for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                const auto answer = api.call(upper, real, method == "get" ? json(nullptr) : json::object());
                BOOST_TEST((answer.status != 404 && answer.status != 405 && answer.status < 500),
                           upper << " " << real << ": " << show(answer));
                BOOST_TEST(answer.header("Content-Type").value_or("").starts_with("application/json"),
                           upper << " " << real);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(healthz_reports_every_part_ok) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const auto r = api.get("/healthz");
    BOOST_TEST(r.status == 200, show(r));
    BOOST_TEST(body_of(r) == (json{{"status", "ok"}, {"db", "ok"}, {"memcached", "ok"}}));
}

BOOST_AUTO_TEST_SUITE_END()
