// Browser apps on another origin (README: *JSON API*, *Browser apps on another origin*): CORS
// preflights and headers for GATEHOUSE_CORS_ORIGINS, and the refresh token in a cookie
// (GATEHOUSE_JWT_COOKIE=1) with its CSRF check, rotation, reuse detection and logout.
// One stack of the suite's own with both settings.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <regex>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

const std::string kApp = "https://app.example.org";  // listed
const std::string kEvil = "https://evil.example.net";  // not listed

struct CorsStack {
    static inline std::unique_ptr<Stack> instance;
    CorsStack() {
        StackOptions o;
        o.env = {{"GATEHOUSE_CORS_ORIGINS", kApp + ", http://localhost:5173"},
                 {"GATEHOUSE_JWT_COOKIE", "1"},
                 {"GATEHOUSE_REQUIRE_VERIFIED", "0"},
                 {"GATEHOUSE_REFRESH_TTL", "7200"}};
        instance = std::make_unique<Stack>(o);
    }
    ~CorsStack() { instance.reset(); }
    static Stack& get() {
        if (!instance) throw std::runtime_error("the suite's stack did not start");
        return *instance;
    }
};

std::string self_origin(const Stack& stack) { return "https://127.0.0.1:" + std::to_string(stack.https_port()); }

HttpResponse preflight(HttpClient& client, const Stack& stack, const std::string& path, const std::string& origin,
                       const std::string& method) {
    return client.request("OPTIONS", stack.https_url(path), {},
                          {{"Origin", origin},
                           {"Access-Control-Request-Method", method},
                           {"Access-Control-Request-Headers", "authorization,content-type"}});
}

bool varies_on_origin(const HttpResponse& r) { return r.header("Vary").value_or("").find("Origin") != std::string::npos; }

// The one Set-Cookie for `name`, if the answer has it.
std::optional<std::string> set_cookie(const HttpResponse& r, const std::string& name) {
    for (const auto& value : r.header_values("Set-Cookie"))
        if (value.starts_with(name + "=")) return value;
    return std::nullopt;
}

std::string cookie_value(const std::string& set_cookie_header) {
    const auto eq = set_cookie_header.find('='), semi = set_cookie_header.find(';');
    return set_cookie_header.substr(eq + 1, semi - eq - 1);
}

// Registers a user and logs in through POST /api/auth/token/ with `browser` (a cookie-keeping client).
HttpResponse cookie_login(HttpClient& browser, const Stack& stack, std::string& email) {
    ApiClient api(stack);
    email = unique_email("cors");
    register_user(api, email);
    return browser.post(stack.https_url("/api/auth/token/"), json{{"email", email}, {"password", kPassword}}.dump(),
                        {{"Content-Type", "application/json"}});
}

// POST /api/auth/token/refresh/ with no body token: the browser's cookies, and these headers.
HttpResponse cookie_refresh(HttpClient& browser, const Stack& stack, const HeaderList& headers) {
    HeaderList all = {{"Content-Type", "application/json"}};
    all.insert(all.end(), headers.begin(), headers.end());
    return browser.post(stack.https_url("/api/auth/token/refresh/"), "{}", all);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_cors, *boost::unit_test::fixture<CorsStack>())

BOOST_AUTO_TEST_CASE(preflight_from_a_listed_origin_gets_exact_headers) {
    auto& stack = CorsStack::get();
    HttpClient client({.cookies = false});
    const auto me = preflight(client, stack, "/api/me/", kApp, "PATCH");
    BOOST_TEST(me.status == 204, show(me));
    BOOST_TEST(me.body.empty());
    BOOST_TEST(me.header("Access-Control-Allow-Origin").value_or("") == kApp);
    BOOST_TEST(me.header_values("Access-Control-Allow-Origin").size() == 1u);
    BOOST_TEST(me.header("Access-Control-Allow-Credentials").value_or("") == "true");
    BOOST_TEST(me.header("Access-Control-Allow-Methods").value_or("") == "DELETE, GET, HEAD, PATCH");
    BOOST_TEST(me.header("Access-Control-Allow-Headers").value_or("") == "Authorization, Content-Type, X-CSRFToken");
    BOOST_TEST(me.header("Access-Control-Max-Age").value_or("") == "86400");
    BOOST_TEST(varies_on_origin(me));

    const auto token = preflight(client, stack, "/api/auth/token/refresh/", "http://localhost:5173", "POST");
    BOOST_TEST(token.status == 204, show(token));
    BOOST_TEST(token.header("Access-Control-Allow-Origin").value_or("") == "http://localhost:5173");
    BOOST_TEST(token.header("Access-Control-Allow-Methods").value_or("") == "POST");

    // A routed path with an <int:id>, and an OPTIONS that is no preflight (still 405, as before).
    const auto device = preflight(client, stack, "/api/me/devices/12/", kApp, "DELETE");
    BOOST_TEST(device.status == 204, show(device));
    BOOST_TEST(device.header("Access-Control-Allow-Methods").value_or("") == "DELETE");
    const auto bare = client.request("OPTIONS", stack.https_url("/api/me/"), {}, {{"Origin", kApp}});
    BOOST_TEST(is_error(bare, 405, "method_not_allowed"));
}

BOOST_AUTO_TEST_CASE(preflight_from_another_origin_gets_no_cors_headers) {
    auto& stack = CorsStack::get();
    HttpClient client({.cookies = false});
    for (const std::string& origin : {kEvil, std::string("http://app.example.org"), std::string("https://app.example.org:8443"),
                                      std::string("null")}) {
        const auto r = preflight(client, stack, "/api/me/", origin, "GET");
        BOOST_TEST(r.status == 204, origin << ": " << show(r));  // as django-cors-headers: success, no headers
        BOOST_TEST(!r.has_header("Access-Control-Allow-Origin"), origin);
        BOOST_TEST(!r.has_header("Access-Control-Allow-Credentials"), origin);
        BOOST_TEST(!r.has_header("Access-Control-Allow-Methods"), origin);
        BOOST_TEST(!r.has_header("Access-Control-Allow-Headers"), origin);
    }
}

BOOST_AUTO_TEST_CASE(api_answers_carry_the_headers_for_a_listed_origin_only) {
    auto& stack = CorsStack::get();
    HttpClient client({.cookies = false});
    const auto schema = client.get(stack.https_url("/api/schema/"), {{"Origin", kApp}});
    BOOST_TEST(schema.status == 200);
    BOOST_TEST(schema.header("Access-Control-Allow-Origin").value_or("") == kApp);
    BOOST_TEST(schema.header("Access-Control-Allow-Credentials").value_or("") == "true");
    BOOST_TEST(varies_on_origin(schema));

    // A POST, refused (401), still readable by the app.
    const auto wrong = client.post(stack.https_url("/api/auth/token/"),
                                   json{{"email", "nobody@example.org"}, {"password", "wrong-Passw0rd"}}.dump(),
                                   {{"Content-Type", "application/json"}, {"Origin", kApp}});
    BOOST_TEST(wrong.status >= 400, show(wrong));
    BOOST_TEST(wrong.header("Access-Control-Allow-Origin").value_or("") == kApp);
    BOOST_TEST(wrong.header("Access-Control-Allow-Credentials").value_or("") == "true");

    // A real authenticated GET.
    HttpClient browser;
    std::string email;
    const auto in = cookie_login(browser, stack, email);
    BOOST_TEST_REQUIRE(in.status == 200, show(in));
    const auto me = client.get(stack.https_url("/api/me/"),
                               {{"Origin", kApp}, {"Authorization", bearer(in.json().at("access"))}});
    BOOST_TEST(me.status == 200, show(me));
    BOOST_TEST(me.json().value("email", "") == email);
    BOOST_TEST(me.header("Access-Control-Allow-Origin").value_or("") == kApp);

    const auto evil = client.get(stack.https_url("/api/schema/"), {{"Origin", kEvil}});
    BOOST_TEST(evil.status == 200);
    BOOST_TEST(!evil.has_header("Access-Control-Allow-Origin"));
    BOOST_TEST(!evil.has_header("Access-Control-Allow-Credentials"));
    const auto none = client.get(stack.https_url("/api/schema/"));
    BOOST_TEST(!none.has_header("Access-Control-Allow-Origin"));
}

BOOST_AUTO_TEST_CASE(pages_outside_api_never_get_cors_headers) {
    auto& stack = CorsStack::get();
    HttpClient client({.cookies = false});
    for (const char* path : {"/accounts/login/", "/", "/healthz", "/accounts/signup/"}) {
        const auto page = client.get(stack.https_url(path), {{"Origin", kApp}});
        BOOST_TEST(page.status < 500, path);
        BOOST_TEST(!page.has_header("Access-Control-Allow-Origin"), path);
        BOOST_TEST(!page.has_header("Access-Control-Allow-Credentials"), path);
        const auto options = preflight(client, stack, path, kApp, "POST");
        BOOST_TEST(options.status == 405, path << ": " << show(options));
        BOOST_TEST(!options.has_header("Access-Control-Allow-Origin"), path);
    }
}

BOOST_AUTO_TEST_CASE(login_sets_the_refresh_cookie_and_leaves_it_out_of_the_json) {
    auto& stack = CorsStack::get();
    HttpClient browser;
    std::string email;
    const auto in = cookie_login(browser, stack, email);
    BOOST_TEST_REQUIRE(in.status == 200, show(in));
    const json body = in.json();
    BOOST_TEST((keys_of(body) == std::set<std::string>{"access", "csrf_token", "user"}), body.dump());
    BOOST_TEST(body.at("user").value("email", "") == email);
    const auto cookie = set_cookie(in, "refresh_token");
    BOOST_TEST_REQUIRE(cookie.has_value());
    static const std::regex exact(
        R"(refresh_token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Max-Age=7200; Path=/api/auth/token/refresh/; HttpOnly; Secure; SameSite=Strict)");
    BOOST_TEST(std::regex_match(*cookie, exact), *cookie);
    BOOST_TEST(in.header("Cache-Control").value_or("") == "no-store");
    // A csrftoken cookie came with it (there was none), and csrf_token is that secret, masked.
    const auto csrf = set_cookie(in, "csrftoken");
    BOOST_TEST_REQUIRE(csrf.has_value());
    BOOST_TEST(body.at("csrf_token").get<std::string>().size() == 64u);
    // The refresh token is a live one.
    ApiClient api(stack);
    const auto verify = api.post("/api/auth/token/verify/", {{"token", cookie_value(*cookie)}});
    BOOST_TEST(verify.status == 200, show(verify));
}

BOOST_AUTO_TEST_CASE(refresh_by_cookie_with_csrf_rotates_the_cookie) {
    auto& stack = CorsStack::get();
    HttpClient browser;
    std::string email;
    const auto in = cookie_login(browser, stack, email);
    BOOST_TEST_REQUIRE(in.status == 200, show(in));
    const std::string first = cookie_value(*set_cookie(in, "refresh_token"));
    const std::string csrf_token = in.json().at("csrf_token");

    // Same site, with the token from the login answer.
    const auto r1 = cookie_refresh(browser, stack, {{"Origin", self_origin(stack)}, {"X-CSRFToken", csrf_token}});
    BOOST_TEST_REQUIRE(r1.status == 200, show(r1));
    BOOST_TEST((keys_of(r1.json()) == std::set<std::string>{"access", "csrf_token"}), r1.body);
    const auto c1 = set_cookie(r1, "refresh_token");
    BOOST_TEST_REQUIRE(c1.has_value());
    BOOST_TEST(c1->find("; Max-Age=7200; Path=/api/auth/token/refresh/; HttpOnly; Secure; SameSite=Strict") != std::string::npos);
    const std::string second = cookie_value(*c1);
    BOOST_TEST(second != first);
    BOOST_TEST(browser.cookie("refresh_token").value_or("") == second);
    BOOST_TEST(!set_cookie(r1, "csrftoken"));  // the browser had one already
    ApiClient api(stack);
    BOOST_TEST(me_status(api, bearer(r1.json().at("access"))) == 200);

    // From the listed other origin, with the csrftoken cookie's secret as the header (what a
    // same-origin app reads from document.cookie).
    const auto r2 = cookie_refresh(browser, stack, {{"Origin", kApp}, {"X-CSRFToken", *browser.cookie("csrftoken")}});
    BOOST_TEST_REQUIRE(r2.status == 200, show(r2));
    BOOST_TEST(r2.header("Access-Control-Allow-Origin").value_or("") == kApp);
    BOOST_TEST(browser.cookie("refresh_token").value_or("") != second);

    // A body token still wins over the cookie (dj-rest-auth), and needs no CSRF token.
    HttpClient plain({.cookies = false});
    const auto r3 = plain.post(stack.https_url("/api/auth/token/refresh/"),
                               json{{"refresh", *browser.cookie("refresh_token")}}.dump(), {{"Content-Type", "application/json"}});
    BOOST_TEST(r3.status == 200, show(r3));
    BOOST_TEST(!r3.json().contains("refresh"));
    BOOST_TEST(set_cookie(r3, "refresh_token").has_value());
}

BOOST_AUTO_TEST_CASE(refresh_by_cookie_without_csrf_is_refused) {
    auto& stack = CorsStack::get();
    HttpClient browser;
    std::string email;
    const auto in = cookie_login(browser, stack, email);
    BOOST_TEST_REQUIRE(in.status == 200, show(in));
    const std::string csrf_token = in.json().at("csrf_token");

    const auto no_header = cookie_refresh(browser, stack, {{"Origin", self_origin(stack)}});
    BOOST_TEST(is_error(no_header, 403, "permission_denied"));
    BOOST_TEST(body_of(no_header).value("detail", "") == "CSRF Failed: CSRF token missing or incorrect.");
    BOOST_TEST(!set_cookie(no_header, "refresh_token"));

    const auto wrong = cookie_refresh(browser, stack, {{"Origin", self_origin(stack)}, {"X-CSRFToken", std::string(64, 'a')}});
    BOOST_TEST(is_error(wrong, 403, "permission_denied"));
    const auto evil = cookie_refresh(browser, stack, {{"Origin", kEvil}, {"X-CSRFToken", csrf_token}});
    BOOST_TEST(is_error(evil, 403, "permission_denied"));
    BOOST_TEST(!evil.has_header("Access-Control-Allow-Origin"));
    const auto no_origin = cookie_refresh(browser, stack, {{"X-CSRFToken", csrf_token}});
    BOOST_TEST(is_error(no_origin, 403, "permission_denied"));

    // Without the csrftoken cookie the header alone is not enough.
    HttpClient stripped({.cookies = false});
    const auto lone = stripped.post(stack.https_url("/api/auth/token/refresh/"), "{}",
                                    {{"Content-Type", "application/json"}, {"Origin", self_origin(stack)},
                                     {"X-CSRFToken", csrf_token},
                                     {"Cookie", "refresh_token=" + *browser.cookie("refresh_token")}});
    BOOST_TEST(is_error(lone, 403, "permission_denied"));
    BOOST_TEST(body_of(lone).value("detail", "").starts_with("CSRF Failed: CSRF cookie not set."));

    // None of that spent the token: with the header it rotates.
    const auto ok = cookie_refresh(browser, stack, {{"Origin", self_origin(stack)}, {"X-CSRFToken", csrf_token}});
    BOOST_TEST(ok.status == 200, show(ok));
}

BOOST_AUTO_TEST_CASE(a_rotated_cookie_value_presented_again_ends_the_family) {
    auto& stack = CorsStack::get();
    HttpClient browser;
    std::string email;
    const auto in = cookie_login(browser, stack, email);
    BOOST_TEST_REQUIRE(in.status == 200, show(in));
    const std::string old_value = cookie_value(*set_cookie(in, "refresh_token"));
    const std::string csrf_token = in.json().at("csrf_token");
    const HeaderList csrf = {{"Origin", self_origin(stack)}, {"X-CSRFToken", csrf_token}};
    const auto rotated = cookie_refresh(browser, stack, csrf);
    BOOST_TEST_REQUIRE(rotated.status == 200, show(rotated));
    const std::string access = rotated.json().at("access");

    // An attacker's copy of the old cookie, with a valid CSRF pair of its own.
    HttpClient thief({.cookies = false});
    const auto reuse = thief.post(stack.https_url("/api/auth/token/refresh/"), "{}",
                                  {{"Content-Type", "application/json"}, {"Origin", self_origin(stack)},
                                   {"X-CSRFToken", csrf_token},
                                   {"Cookie", "refresh_token=" + old_value + "; csrftoken=" + *browser.cookie("csrftoken")}});
    BOOST_TEST(is_error(reuse, 401, "token_not_valid"));
    const auto expired = set_cookie(reuse, "refresh_token");
    BOOST_TEST_REQUIRE(expired.has_value());
    BOOST_TEST(expired->starts_with("refresh_token=; Max-Age=0; Path=/api/auth/token/refresh/"), *expired);

    // The whole family is over: the browser's current cookie and its access token too.
    BOOST_TEST(is_error(cookie_refresh(browser, stack, csrf), 401, "token_not_valid"));
    ApiClient api(stack);
    BOOST_TEST(me_status(api, bearer(access)) == 401);
}

BOOST_AUTO_TEST_CASE(logout_expires_the_cookie_and_blacklists_its_token) {
    auto& stack = CorsStack::get();
    HttpClient browser;
    std::string email;
    const auto in = cookie_login(browser, stack, email);
    BOOST_TEST_REQUIRE(in.status == 200, show(in));
    const std::string refresh_token = cookie_value(*set_cookie(in, "refresh_token"));
    const std::string access = in.json().at("access");

    // The cookie's path keeps it off /api/auth/logout/: the Bearer's own login ends.
    const auto out = browser.post(stack.https_url("/api/auth/logout/"), "{}",
                                  {{"Content-Type", "application/json"}, {"Authorization", bearer(access)}, {"Origin", kApp}});
    BOOST_TEST_REQUIRE(out.status == 200, show(out));
    BOOST_TEST(out.header("Access-Control-Allow-Origin").value_or("") == kApp);
    const auto expired = set_cookie(out, "refresh_token");
    BOOST_TEST_REQUIRE(expired.has_value());
    BOOST_TEST(*expired == "refresh_token=; Max-Age=0; Path=/api/auth/token/refresh/; HttpOnly; Secure; SameSite=Strict");
    BOOST_TEST(browser.cookie("refresh_token").value_or("").empty());  // the jar forgot it: nothing to send
    const auto after = cookie_refresh(browser, stack, {{"Origin", self_origin(stack)}, {"X-CSRFToken", *browser.cookie("csrftoken")}});
    BOOST_TEST(is_validation(after, {"refresh"}), show(after));

    ApiClient api(stack);
    BOOST_TEST(is_error(refresh(api, refresh_token), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/token/verify/", {{"token", refresh_token}}), 401, "token_not_valid"));
    BOOST_TEST(me_status(api, bearer(access)) == 401);
}

BOOST_AUTO_TEST_SUITE_END()
