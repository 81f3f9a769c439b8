// What nginx and the workers answer for the basic pages, errors and headers (the shared stack).
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

using namespace gatehouse::e2e;

namespace {

const nlohmann::json kAllOk = {{"status", "ok"}, {"db", "ok"}, {"memcached", "ok"}};

void check_security_headers(const HttpResponse& r, const std::string& what) {
    BOOST_TEST_CONTEXT(what << " (status " << r.status << ")") {
        const std::string hsts = r.header("Strict-Transport-Security").value_or("");
        BOOST_TEST(contains(hsts, "max-age="));
        BOOST_TEST(lacks(hsts, "max-age=0"));
        BOOST_TEST(r.header("X-Content-Type-Options").value_or("") == "nosniff");
        BOOST_TEST(r.header("X-Frame-Options").value_or("") == "DENY");
        BOOST_TEST(r.header("Referrer-Policy").value_or("") == "same-origin");
        const std::string csp = r.header("Content-Security-Policy").value_or("");
        BOOST_TEST(contains(csp, "default-src"));
        BOOST_TEST(contains(csp, "frame-ancestors 'none'"));
        BOOST_TEST(r.header_values("Strict-Transport-Security").size() == 1u);  // not added twice
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(site)

BOOST_AUTO_TEST_CASE(home_page_renders_in_the_layout) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.https_url("/"));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
    BOOST_TEST(contains(r.body, "<h1>Welcome to Gatehouse</h1>"));
    BOOST_TEST(contains(r.body, "<header class=\"site-header\">"));
    BOOST_TEST(contains(r.body, "href=\"/static/gatehouse/style.css\""));
    BOOST_TEST(contains(r.body, "href=\"/accounts/login/\""));
}

BOOST_AUTO_TEST_CASE(pages_satisfy_their_content_security_policy) {
    // The CSP allows no inline script or style: the pages must not need any.
    auto& stack = shared_stack();
    HttpClient client;
    for (const char* path : {"/", "/no/such/page"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = client.get(stack.https_url(path));
            BOOST_TEST(lacks(r.body, "<script"));
            BOOST_TEST(lacks(r.body, "<style"));
            BOOST_TEST(lacks(r.body, " style="));
            BOOST_TEST(lacks(r.body, " onclick="));
            BOOST_TEST(lacks(r.body, "javascript:"));
        }
    }
}

BOOST_AUTO_TEST_CASE(healthz_reports_every_part_ok) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.https_url("/healthz"));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
    BOOST_TEST(r.json() == kAllOk, "body: " << r.body);
}

BOOST_AUTO_TEST_CASE(healthz_answers_on_plain_http_without_redirect) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.http_url("/healthz"));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(!r.has_header("Location"));
    BOOST_TEST(r.json() == kAllOk, "body: " << r.body);
}

BOOST_AUTO_TEST_CASE(plain_http_redirects_to_https) {
    auto& stack = shared_stack();
    HttpClient client;
    for (const char* path : {"/anything", "/accounts/login/?next=/x", "/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = client.get(stack.http_url(path));
            BOOST_TEST(r.status == 301);
            BOOST_TEST(r.header("Location").value_or("") == stack.https_url(path));
        }
    }
}

BOOST_AUTO_TEST_CASE(security_headers_on_every_kind_of_answer) {
    auto& stack = shared_stack();
    HttpClient client;
    check_security_headers(client.get(stack.https_url("/")), "page");
    check_security_headers(client.get(stack.https_url("/healthz")), "/healthz");
    const auto missing = client.get(stack.https_url("/no/such/page"));
    BOOST_TEST(missing.status == 404);
    check_security_headers(missing, "404");
    const auto api_missing = client.get(stack.https_url("/api/nope"));
    check_security_headers(api_missing, "API 404");
    const auto too_large = client.post(stack.https_url("/"), std::string(1536 * 1024, 'x'));
    BOOST_TEST(too_large.status == 413);
    check_security_headers(too_large, "nginx's own 413");

    const auto css = client.get(stack.https_url("/static/gatehouse/style.css"));
    BOOST_TEST(css.status == 200);
    BOOST_TEST(css.header("Content-Type").value_or("").starts_with("text/css"));
    BOOST_TEST(!css.body.empty());
    check_security_headers(css, "static file");
}

BOOST_AUTO_TEST_CASE(unknown_page_is_an_html_404) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.https_url("/no/such/page"));
    BOOST_TEST(r.status == 404);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
    BOOST_TEST(contains(r.body, "Not Found"));
    BOOST_TEST(contains(r.body, "<header class=\"site-header\">"));
}

BOOST_AUTO_TEST_CASE(unknown_api_path_is_a_json_404) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.https_url("/api/nope"));
    BOOST_TEST(r.status == 404);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
    const auto body = r.json();
    BOOST_TEST(body.value("code", "") == "not_found", "body: " << r.body);
    BOOST_TEST(body.contains("detail"));
    BOOST_TEST(body["detail"].is_string());
    BOOST_TEST(!body["detail"].get<std::string>().empty());
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.post(stack.https_url("/healthz"), "");
    BOOST_TEST(r.status == 405);
    BOOST_TEST(contains(r.header("Allow").value_or(""), "GET"));
}

BOOST_AUTO_TEST_CASE(body_over_one_mib_is_413) {
    auto& stack = shared_stack();
    HttpClient client;
    const std::string body(1536 * 1024, 'a');  // 1.5 MiB
    const auto page = client.post(stack.https_url("/"), body);
    BOOST_TEST(page.status == 413);
    BOOST_TEST(contains(page.header("Content-Type").value_or(""), "text/html"));
    // Under /api/ even nginx's own refusal is DRF-style JSON.
    const auto api = client.post(stack.https_url("/api/auth/token/"), body, {{"Content-Type", "application/json"}});
    BOOST_TEST(api.status == 413);
    BOOST_TEST(contains(api.header("Content-Type").value_or(""), "application/json"));
    BOOST_TEST(api.json().value("code", "") == "request_too_large");
    BOOST_TEST(api.json().value("detail", "") == "Request body too large.");
    // In Persian for a visitor who reads it (Accept-Language, or the switch's cookie, which wins).
    const auto persian_api = client.post(stack.https_url("/api/auth/token/"), body,
                                         {{"Content-Type", "application/json"}, {"Accept-Language", "fa-IR,fa;q=0.9,en;q=0.5"}});
    BOOST_TEST(persian_api.status == 413);
    BOOST_TEST(persian_api.json().value("code", "") == "request_too_large");
    BOOST_TEST(persian_api.json().value("detail", "") == "بدنهٔ درخواست بیش از حد بزرگ است.");
    const auto persian_page = client.post(stack.https_url("/"), body, {{"Cookie", "django_language=fa"}});
    BOOST_TEST(persian_page.status == 413);
    BOOST_TEST(contains(persian_page.body, "<html lang=\"fa\" dir=\"rtl\">"));
    BOOST_TEST(contains(persian_page.body, "<h1>413 محتوا بیش از حد بزرگ است</h1>"));
    const auto chose_english = client.post(stack.https_url("/"), body, {{"Cookie", "django_language=en"}, {"Accept-Language", "fa"}});
    BOOST_TEST(contains(chose_english.body, "<h1>413 Content Too Large</h1>"));
    // Just under the limit is not refused for its size.
    const std::string fits(1000 * 1024, 'a');
    BOOST_TEST(client.post(stack.https_url("/"), fits).status != 413);
}

BOOST_AUTO_TEST_CASE(malformed_json_body_is_400) {
    // The worker parses the body before routing, so the path need not exist.
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.post(stack.https_url("/api/whatever"), "{bad json", {{"Content-Type", "application/json"}});
    BOOST_TEST(r.status == 400);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
    const auto body = r.json();
    BOOST_TEST(body.value("code", "") == "parse_error", "body: " << r.body);
    BOOST_TEST(body.contains("detail"));
}

BOOST_AUTO_TEST_CASE(malformed_percent_encoding_is_400) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.https_url("/?a=%zz"));
    BOOST_TEST(r.status == 400);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
    // The worker is fine afterwards.
    BOOST_TEST(client.get(stack.https_url("/")).status == 200);
}

BOOST_AUTO_TEST_CASE(status_lists_the_workers) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto r = client.get(stack.https_url("/status"));
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
    const auto body = r.json();
    BOOST_TEST_REQUIRE(body.contains("workers"));
    BOOST_TEST_REQUIRE(body["workers"].is_array());
    BOOST_TEST(body["workers"].size() == 2u, "GATEHOUSE_WORKERS=2; body: " << r.body);
    for (const auto& worker : body["workers"]) {
        BOOST_TEST_CONTEXT(worker.dump()) {
            BOOST_TEST(worker.contains("pid"));
            BOOST_TEST(worker.value("pid", 0) > 0);
            BOOST_TEST(worker.contains("state"));
            BOOST_TEST(worker["state"].is_string());
            BOOST_TEST(worker.contains("requests"));
            BOOST_TEST(worker["requests"].is_number_integer());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nginx_limits)

// nginx's flood guard (POSTs under /accounts/ and /api/auth/, 30 a second per address, bursts of
// 60) answers a flood before any worker: still DRF-style JSON with Retry-After under /api/, and HTML
// with Retry-After on the pages.
BOOST_AUTO_TEST_CASE(a_flood_is_cut_by_nginx_in_the_dialect_of_the_path) {
    StackOptions options;
    options.throttle = true;
    Stack stack(options);
    HttpClient client;
    std::optional<HttpResponse> api_refusal;
    int sent = 0;
    const auto start = std::chrono::steady_clock::now();
    for (; sent < 400 && !api_refusal; ++sent) {
        auto r = client.post(stack.https_url("/api/auth/token/verify/"), R"({"token":"x"})",
                             {{"Content-Type", "application/json"}, {"Accept-Language", "fa"}});
        if (r.status == 429) api_refusal = std::move(r);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_MESSAGE("nginx refused the flood after " << sent << " POSTs (" << sent / seconds << " a second)");
    BOOST_REQUIRE(api_refusal.has_value());
    BOOST_TEST(sent > 60, "refused within the burst of 60");
    BOOST_TEST(contains(api_refusal->header("Content-Type").value_or(""), "application/json"));
    BOOST_TEST(api_refusal->json().value("code", "") == "throttled");
    BOOST_TEST(api_refusal->json().value("detail", "") == "درخواست‌ها بیش از حد مجاز بود. 1 ثانیهٔ دیگر دوباره تلاش کنید.");
    BOOST_TEST(api_refusal->header("Retry-After").value_or("") == "1", "nginx's own answer");
    BOOST_TEST(api_refusal->header("X-Frame-Options").value_or("") == "DENY");

    std::optional<HttpResponse> page_refusal;
    for (int i = 0; i < 400 && !page_refusal; ++i) {
        auto r = client.post(stack.https_url("/accounts/password/reset/"), "email=x",
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
        if (r.status == 429) page_refusal = std::move(r);
    }
    BOOST_REQUIRE(page_refusal.has_value());
    BOOST_TEST(contains(page_refusal->header("Content-Type").value_or(""), "text/html"));
    BOOST_TEST(contains(page_refusal->body, "<h1>429 Too Many Requests</h1>"));
    BOOST_TEST(page_refusal->has_header("Retry-After"));
}

// The guard never refuses a client that keeps within the application's limits: pages are not
// counted at all, and 30 logins in a minute from one address all get the application's answer —
// the 31st its own 429 with the Retry-After of its one-minute window.
BOOST_AUTO_TEST_CASE(a_client_within_the_limits_gets_the_applications_answers) {
    StackOptions options;
    options.throttle = true;
    Stack stack(options);
    HttpClient client;
    for (int i = 0; i < 300; ++i) {  // a busy office behind one address, browsing
        const auto r = client.get(stack.https_url(i % 2 ? "/accounts/login/" : "/accounts/signup/"));
        BOOST_TEST_REQUIRE(r.status == 200, "page view " << i << " got " << r.status);
    }
    for (int i = 1; i <= 31; ++i) {
        const auto r = client.post(stack.https_url("/api/auth/token/"),
                                   nlohmann::json{{"email", "nobody-" + std::to_string(i) + "@example.com"},
                                                  {"password", "Wrong-Passw0rd"}}.dump(),
                                   {{"Content-Type", "application/json"}});
        BOOST_TEST_CONTEXT("login " << i) {
            if (i <= 30) {
                BOOST_TEST(r.status == 401, r.body);
                BOOST_TEST(r.json().value("code", "") == "no_active_account");
            } else {
                BOOST_TEST(r.status == 429, r.body);
                BOOST_TEST(r.json().value("code", "") == "throttled");
                const int retry_after = std::stoi(r.header("Retry-After").value_or("0"));
                BOOST_TEST(retry_after > 1, "the application's Retry-After (its minute), not nginx's 1 s");
                BOOST_TEST(retry_after <= 60);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fastcgi_socket)

// Like php-fpm's listen.mode 0660: only nginx's workers (group www-data) may speak FastCGI to the
// workers. Any other local user could otherwise send any REMOTE_ADDR, past every per-address limit
// and the localhost-only /status.
BOOST_AUTO_TEST_CASE(only_nginxs_group_can_connect_to_the_workers) {
    if (::geteuid() != 0) {
        BOOST_TEST_MESSAGE("skipped: needs root to connect as other users");
        return;
    }
    auto& stack = shared_stack();
    const std::string path = stack.var_dir() + "/run/gatehouse.sock";
    struct stat info {};
    BOOST_TEST_REQUIRE(::stat(path.c_str(), &info) == 0);
    BOOST_TEST((info.st_mode & 0777) == 0660u);
    const group* www_data = ::getgrnam("www-data");
    BOOST_TEST_REQUIRE(www_data != nullptr);
    BOOST_TEST(info.st_gid == www_data->gr_gid);
    const auto connect_as = [&](const std::string& user) {
        const std::string command = "runuser -u " + user +
                                    " -- /usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' '" +
                                    path + "' 2>/dev/null";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    };
    BOOST_TEST(connect_as("www-data"), "nginx's user cannot connect");
    BOOST_TEST(!connect_as("nobody"), "another local user can connect to the workers");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tls)

// openssl s_client, not our own client, asks for each suite: TLS 1.2 offers AEAD suites with forward
// secrecy only; CBC suites (LUCKY13) and TLS 1.1 are refused.
BOOST_AUTO_TEST_CASE(only_aead_suites_with_forward_secrecy) {
    auto& stack = shared_stack();
    const auto handshake = [&](const std::string& options) {
        const std::string command = "echo | timeout 10 openssl s_client -connect 127.0.0.1:" +
                                    std::to_string(stack.https_port()) + " " + options + " >/dev/null 2>&1";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    };
    BOOST_TEST(handshake("-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256"));
    BOOST_TEST(handshake("-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305"));
    BOOST_TEST(handshake("-tls1_3"));
    for (const char* cbc : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256",
                            "ECDHE-RSA-AES128-SHA", "AES128-SHA"})
        BOOST_TEST(!handshake(std::string("-tls1_2 -cipher ") + cbc), cbc << " is offered");
    BOOST_TEST(!handshake("-tls1_1 -cipher DEFAULT@SECLEVEL=0"), "TLS 1.1 is offered");
}

BOOST_AUTO_TEST_SUITE_END()
