// web CORS (GATEHOUSE_CORS_ORIGINS): the origin match, the preflight answer and the headers on /api/
// answers; and the CSRF check's trusted origins, which the refresh cookie relies on.
#include "gatehouse/accounts/csrf.hpp"
#include "gatehouse/web/browser.hpp"
#include "gatehouse/web/cors.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;

namespace {

const std::vector<std::string> kAllowed = {"https://app.example.org", "http://localhost:5173"};

core::Config cors_config() {
    core::Config config;
    config.cors_origins = kAllowed;
    return config;
}

http::Request request(std::string method, std::string path, std::map<std::string, std::string> headers) {
    http::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.headers = std::move(headers);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cors)

BOOST_AUTO_TEST_CASE(origin_match_is_exact) {
    BOOST_TEST(web::cors_origin_allowed(kAllowed, "https://app.example.org"));
    BOOST_TEST(web::cors_origin_allowed(kAllowed, "http://localhost:5173"));
    BOOST_TEST(web::cors_origin_allowed(kAllowed, "HTTPS://APP.example.org"));  // case of letters only
    for (const char* other : {"", "null", "http://app.example.org", "https://app.example.org:8443",
                              "https://app.example.org/", "https://app.example.org.evil.net", "https://evil.app.example.org",
                              "https://example.org", "http://localhost:5174", "http://localhost", "*"})
        BOOST_TEST(!web::cors_origin_allowed(kAllowed, other), other);
    BOOST_TEST(!web::cors_origin_allowed({}, "https://app.example.org"));
}

BOOST_AUTO_TEST_CASE(preflight_only_under_api_with_origin_and_requested_method_while_configured) {
    const auto config = cors_config();
    const std::map<std::string, std::string> preflight = {{"origin", "https://app.example.org"},
                                                          {"access-control-request-method", "POST"}};
    BOOST_TEST(web::is_cors_preflight(config, request("OPTIONS", "/api/auth/token/", preflight)));
    BOOST_TEST(!web::is_cors_preflight(config, request("OPTIONS", "/accounts/login/", preflight)));
    BOOST_TEST(!web::is_cors_preflight(config, request("POST", "/api/auth/token/", preflight)));
    BOOST_TEST(!web::is_cors_preflight(config, request("OPTIONS", "/api/auth/token/", {{"origin", "https://app.example.org"}})));
    BOOST_TEST(!web::is_cors_preflight(config, request("OPTIONS", "/api/auth/token/", {{"access-control-request-method", "POST"}})));
    BOOST_TEST(!web::is_cors_preflight(core::Config{}, request("OPTIONS", "/api/auth/token/", preflight)));
}

BOOST_AUTO_TEST_CASE(preflight_answer_allows_only_a_listed_origin) {
    const auto config = cors_config();
    auto allowed = web::cors_preflight(config, request("OPTIONS", "/api/me/", {{"origin", "https://app.example.org"},
                                                                              {"access-control-request-method", "PATCH"}}),
                                       "DELETE, GET, HEAD, PATCH");
    BOOST_TEST(allowed.status == 204);
    BOOST_TEST(allowed.body.empty());
    BOOST_TEST(allowed.header("Access-Control-Allow-Origin").value_or("") == "https://app.example.org");
    BOOST_TEST(allowed.header("Access-Control-Allow-Credentials").value_or("") == "true");
    BOOST_TEST(allowed.header("Access-Control-Allow-Methods").value_or("") == "DELETE, GET, HEAD, PATCH");
    BOOST_TEST(allowed.header("Access-Control-Allow-Headers").value_or("") == "Authorization, Content-Type, X-CSRFToken");
    BOOST_TEST(allowed.header("Access-Control-Max-Age").value_or("") == "86400");
    BOOST_TEST(allowed.header("Vary").value_or("") == "Origin");

    auto refused = web::cors_preflight(config, request("OPTIONS", "/api/me/", {{"origin", "https://evil.example.net"},
                                                                              {"access-control-request-method", "PATCH"}}),
                                       "DELETE, GET, HEAD, PATCH");
    BOOST_TEST(refused.status == 204);
    for (const char* name : {"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
                             "Access-Control-Allow-Headers", "Access-Control-Max-Age"})
        BOOST_TEST(!refused.header(name), name);
    BOOST_TEST(refused.header("Vary").value_or("") == "Origin");
}

BOOST_AUTO_TEST_CASE(answers_get_the_headers_for_listed_origins_under_api_only) {
    const auto config = cors_config();
    auto throttled = http::Response::json(429, {{"detail", "slow down"}});
    throttled.set_header("Retry-After", "7");
    web::add_cors_headers(config, request("POST", "/api/auth/token/", {{"origin", "http://localhost:5173"}}), throttled);
    BOOST_TEST(throttled.header("Access-Control-Allow-Origin").value_or("") == "http://localhost:5173");
    BOOST_TEST(throttled.header("Access-Control-Allow-Credentials").value_or("") == "true");
    BOOST_TEST(throttled.header("Access-Control-Expose-Headers").value_or("") == "Retry-After");
    BOOST_TEST(throttled.header("Vary").value_or("") == "Origin");

    auto plain = http::Response::json(200, {});
    plain.set_header("Vary", "Cookie");
    web::add_cors_headers(config, request("GET", "/api/me/", {{"origin", "https://app.example.org"}}), plain);
    BOOST_TEST(!plain.header("Access-Control-Expose-Headers"));
    BOOST_TEST(plain.header("Vary").value_or("") == "Cookie, Origin");

    auto other = http::Response::json(200, {});
    web::add_cors_headers(config, request("GET", "/api/me/", {{"origin", "https://evil.example.net"}}), other);
    BOOST_TEST(!other.header("Access-Control-Allow-Origin"));
    BOOST_TEST(!other.header("Access-Control-Allow-Credentials"));

    auto page = http::Response::html(200, "<p>");
    web::add_cors_headers(config, request("GET", "/accounts/login/", {{"origin", "https://app.example.org"}}), page);
    BOOST_TEST(page.headers.size() == 1u);  // Content-Type only

    auto unconfigured = http::Response::json(200, {});
    web::add_cors_headers(core::Config{}, request("GET", "/api/me/", {{"origin", "https://app.example.org"}}), unconfigured);
    BOOST_TEST(unconfigured.headers.size() == 1u);
}

BOOST_AUTO_TEST_CASE(csrf_check_trusts_a_listed_origin_only_when_asked) {
    const std::string secret = accounts::new_csrf_secret();
    auto post = [&](std::string origin) {
        auto r = request("POST", "/api/auth/token/refresh/",
                         {{"origin", std::move(origin)}, {"host", "accounts.example.org"},
                          {"x-csrftoken", accounts::mask_csrf_secret(secret)}});
        r.cookies["csrftoken"] = secret;
        return r;
    };
    BOOST_TEST(!web::csrf_refusal(post("https://accounts.example.org")));
    BOOST_TEST(web::csrf_refusal(post("https://app.example.org")).has_value());  // pages trust no other origin
    BOOST_TEST(!web::csrf_refusal(post("https://app.example.org"), kAllowed));
    BOOST_TEST(web::csrf_refusal(post("https://evil.example.net"), kAllowed).has_value());

    auto no_header = post("https://app.example.org");
    no_header.headers.erase("x-csrftoken");
    BOOST_TEST(web::csrf_refusal(no_header, kAllowed).value_or("") == "CSRF token missing or incorrect.");
    auto no_cookie = post("https://app.example.org");
    no_cookie.cookies.clear();
    BOOST_TEST(web::csrf_refusal(no_cookie, kAllowed).value_or("").starts_with("CSRF cookie not set."));
}

BOOST_AUTO_TEST_SUITE_END()
