// The auth_request gate and the nginx snippets (README: Installing on a server): a host's own nginx,
// configured the way the README tells an operator to — its own site with a public static part, a
// protected static directory and a protected FastCGI application (tests/apps/fcgi_app.cpp), plus the
// three include lines — in front of the real stack. The snippets are the ones the stack's own
// nginx/render.sh rendered, as `make install` renders them for a host.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <memory>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string first_line_starting(const std::string& path, const std::string& prefix) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(prefix)) return line;
    return {};
}

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

std::string program_beside_tests(const std::string& name) {
    return (fs::read_symlink("/proc/self/exe").parent_path() / name).string();
}

// A host site: its own nginx (HTTPS on a port of its own, the stack's certificate) and its own
// FastCGI application, with Gatehouse added by the README's three lines.
class HostSite {
public:
    explicit HostSite(const Stack& stack) : stack_(stack) {
        char tmpl[] = "/tmp/gatehouse-host-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        fs::permissions(dir_, fs::perms(0755));
        port_ = free_port();
        write_file(dir_ / "site/index.html", "<h1>the host's own front page</h1>\n");
        write_file(dir_ / "site/members/page.html", "<h1>members only</h1>\n");
        for (const char* d : {"tmp/body", "tmp/fastcgi", "tmp/proxy", "tmp/uwsgi", "tmp/scgi"})
            fs::create_directories(dir_ / d);
        for (const auto& entry : fs::recursive_directory_iterator(dir_))
            fs::permissions(entry.path(), fs::perms(entry.is_directory() ? 0755 : 0644));

        const std::string app_socket = (dir_ / "app.sock").string();
        app_ = std::make_unique<ChildProcess>(program_beside_tests("fcgi_app"),
                                              std::vector<std::string>{"fcgi_app", app_socket},
                                              (dir_ / "app.log").string());
        const std::string var = stack.var_dir(), snippets = var + "/nginx", d = dir_.string();
        // nginx's workers run as the stack's do (www-data when started as root).
        const std::string user_line = first_line_starting(var + "/nginx/nginx.conf", "user ");
        write_file(dir_ / "nginx.conf", user_line + R"(
worker_processes 1;
pid )" + d + R"(/nginx.pid;
error_log )" + d + R"(/error.log warn;
daemon off;
events { worker_connections 256; }
http {
    access_log )" + d + R"(/access.log;
    client_body_temp_path )" + d + R"(/tmp/body;
    fastcgi_temp_path )" + d + R"(/tmp/fastcgi;
    proxy_temp_path )" + d + R"(/tmp/proxy;
    uwsgi_temp_path )" + d + R"(/tmp/uwsgi;
    scgi_temp_path )" + d + R"(/tmp/scgi;
    include )" + snippets + R"(/gatehouse-http.conf;

    server {
        listen )" + std::to_string(port_) + R"( ssl;
        ssl_certificate )" + var + R"(/tls/cert.pem;
        ssl_certificate_key )" + var + R"(/tls/key.pem;
        root )" + d + R"(/site;

        location / { }
        location /members/ {
            include )" + snippets + R"(/gatehouse-protect.conf;
        }
        location /app/ {
            fastcgi_param REQUEST_URI $request_uri;
            fastcgi_pass unix:)" + app_socket + R"(;
            include )" + snippets + R"(/gatehouse-protect.conf;
        }
        location /staff-app/ {
            fastcgi_param REQUEST_URI $request_uri;
            fastcgi_pass unix:)" + app_socket + R"(;
            include )" + snippets + R"(/gatehouse-protect-staff.conf;
        }
        include )" + snippets + R"(/gatehouse-locations.conf;
    }
}
)");
        nginx_ = std::make_unique<ChildProcess>("/usr/sbin/nginx",
                                                std::vector<std::string>{"nginx", "-p", d, "-c", d + "/nginx.conf"},
                                                (dir_ / "nginx.log").string());
        HttpClient probe;
        const bool up = wait_until(10s, [&] {
            try {
                return probe.get(url("/")).status == 200 && unix_socket_accepts(app_socket);
            } catch (const HttpError&) {
                return false;
            }
        });
        if (!up) throw std::runtime_error("the host's nginx did not start: " + log());
    }

    ~HostSite() {
        nginx_.reset();
        app_.reset();
        std::error_code ec;
        if (!std::getenv("GATEHOUSE_KEEP_TEST_DIR")) fs::remove_all(dir_, ec);
    }

    std::string site() const { return "https://127.0.0.1:" + std::to_string(port_); }
    std::string url(const std::string& path) const { return site() + path; }
    std::string log() const {
        std::ifstream a(dir_ / "nginx.log"), b(dir_ / "error.log");
        std::stringstream text;
        text << a.rdbuf() << b.rdbuf();
        return text.str();
    }

private:
    const Stack& stack_;
    fs::path dir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> app_, nginx_;
};

// The app's answer as key → value (user_id=…, email=…, staff=…, uri=…).
std::map<std::string, std::string> app_saw(const HttpResponse& r) {
    std::map<std::string, std::string> out;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);)
        if (auto eq = line.find('='); eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    return out;
}

// A verified user, logged in through the host site's login page (reached by the gate's redirect).
struct LoggedIn {
    std::string email;
    long long id = 0;
};

LoggedIn make_user(const Stack& stack, const std::string& tag) {
    ApiClient api(stack);
    const std::string email = api::unique_email(tag);
    const auto user = verified_user(api, email);
    return {email, user.at("id").get<long long>()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gate)

// /auth/check itself, on the stack's own nginx: headers only, nothing set, nothing but who.
BOOST_AUTO_TEST_CASE(auth_check_answers_who_with_headers_and_no_body) {
    Stack& stack = shared_stack();
    HttpClient anonymous;
    const auto nobody = anonymous.get(stack.https_url("/auth/check"));
    BOOST_TEST(nobody.status == 401);
    BOOST_TEST(nobody.body.empty());
    BOOST_TEST(!nobody.has_header("set-cookie"));
    BOOST_TEST(nobody.header("x-gatehouse-login").value_or("") == "/accounts/login/");
    BOOST_TEST(!nobody.has_header("x-gatehouse-user-id"));

    ApiClient api(stack);
    const std::string email = api::unique_email("gate-check");
    const auto user = verified_user(api, email);
    const auto pair = obtain(api, email);
    const auto by_bearer = anonymous.get(stack.https_url("/auth/check"), {{"Authorization", bearer(pair.access)}});
    BOOST_TEST(by_bearer.status == 200);
    BOOST_TEST(by_bearer.body.empty());
    BOOST_TEST(!by_bearer.has_header("set-cookie"));
    BOOST_TEST(by_bearer.header("x-gatehouse-user-id").value_or("") == std::to_string(user.at("id").get<long long>()));
    BOOST_TEST(by_bearer.header("x-gatehouse-email").value_or("") == email);
    BOOST_TEST(by_bearer.header("x-gatehouse-staff").value_or("") == "false");
    BOOST_TEST(by_bearer.header("cache-control").value_or("") == "no-store");

    const auto by_token = anonymous.get(stack.https_url("/auth/check"), {{"Authorization", token_auth(api_token(api, email))}});
    BOOST_TEST(by_token.status == 200);
    BOOST_TEST(by_token.header("x-gatehouse-email").value_or("") == email);

    const auto forged = anonymous.get(stack.https_url("/auth/check"), {{"Authorization", bearer(pair.access + "x")}});
    BOOST_TEST(forged.status == 401);
    BOOST_TEST(forged.body.empty());
    // A refresh token is not an access token.
    BOOST_TEST(anonymous.get(stack.https_url("/auth/check"), {{"Authorization", bearer(pair.refresh)}}).status == 401);
    // Staff only: a user who is not staff is known (200 without ?staff) but refused with it.
    BOOST_TEST(anonymous.get(stack.https_url("/auth/check?staff=1"), {{"Authorization", bearer(pair.access)}}).status == 403);

    Browser browser(stack);
    BOOST_TEST_REQUIRE(browser.submit("/accounts/login/", {{"email", email}, {"password", kPassword}}).status == 302);
    const auto by_session = browser.get("/auth/check");
    BOOST_TEST(by_session.status == 200);
    BOOST_TEST(by_session.header("x-gatehouse-user-id").value_or("") == std::to_string(user.at("id").get<long long>()));
    BOOST_TEST(!by_session.has_header("set-cookie"));
}

// The whole story of a protected application, through the host's nginx: anonymous → login → back to
// the page → the app knows who → logout → refused again.
BOOST_AUTO_TEST_CASE(a_host_site_protects_its_apps_with_a_gatehouse_login) {
    Stack& stack = shared_stack();
    HostSite host(stack);
    const auto user = make_user(stack, "gate-host");
    Browser browser(stack, "Mozilla/5.0 (X11; Linux x86_64) e2e-gate", host.site());

    // The host's own pages stay its own and public.
    const auto front = browser.get("/");
    BOOST_TEST(front.status == 200);
    BOOST_TEST(contains(front.body, "the host's own front page"));

    // Anonymous: sent to the login page, the original URI (query included) kept as ?next=.
    const auto to_login = browser.get("/app/report?year=2026&month=12");
    BOOST_TEST_REQUIRE(to_login.status == 302, host.log());
    BOOST_TEST(to_login.header("location").value_or("") ==
               host.url("/accounts/login/?next=/app/report%3Fyear%3D2026%26month%3D12"));
    BOOST_TEST(lacks(to_login.body, "user_id="));
    const auto static_refused = browser.get("/members/page.html");
    BOOST_TEST(static_refused.status == 302);
    BOOST_TEST(static_refused.header("location").value_or("") == host.url("/accounts/login/?next=/members/page.html"));

    // The login page of the host site (Gatehouse's, through the snippet), and back where we were.
    const auto login_page = browser.follow(to_login);
    BOOST_TEST_REQUIRE(login_page.status == 200, login_page.body.substr(0, 300));
    BOOST_TEST(contains(login_page.body, "/app/report?year=2026&amp;month=12"));
    const auto logged_in = browser.post("/accounts/login/", {{"email", user.email},
                                                             {"password", kPassword},
                                                             {"next", "/app/report?year=2026&month=12"}});
    BOOST_TEST_REQUIRE(logged_in.status == 302, logged_in.body.substr(0, 300));
    BOOST_TEST(logged_in.header("location").value_or("") == "/app/report?year=2026&month=12");
    const auto page = browser.follow(logged_in);
    BOOST_TEST_REQUIRE(page.status == 200, page.body);
    const auto saw = app_saw(page);
    BOOST_TEST(saw.at("user_id") == std::to_string(user.id));
    BOOST_TEST(saw.at("email") == user.email);
    BOOST_TEST(saw.at("staff") == "false");
    BOOST_TEST(saw.at("uri") == "/app/report?year=2026&month=12");
    const auto members = browser.get("/members/page.html");
    BOOST_TEST(members.status == 200);
    BOOST_TEST(contains(members.body, "members only"));
    // The session serves Gatehouse's own pages on the host site as well.
    BOOST_TEST(browser.get("/accounts/profile/").status == 200);

    // Log out (the form of the profile page): the protected parts are closed again.
    browser.get("/accounts/profile/");
    const auto out = browser.post("/accounts/logout/", {});
    BOOST_TEST(out.status == 302);
    BOOST_TEST(browser.get("/app/report").status == 302);
    BOOST_TEST(browser.get("/members/page.html").status == 302);
}

// Who the application hears about is the gate's word only: a client's own X-Gatehouse-* headers are
// replaced, logged in or not, and an API client's Bearer token passes the gate as itself.
BOOST_AUTO_TEST_CASE(a_client_cannot_pose_as_another_user) {
    Stack& stack = shared_stack();
    HostSite host(stack);
    const auto user = make_user(stack, "gate-spoof");
    const HeaderList forged = {{"X-Gatehouse-User-Id", "1"}, {"X-Gatehouse-Email", "boss@example.com"},
                               {"X-Gatehouse-Staff", "true"}};
    HttpClient anonymous;
    BOOST_TEST(anonymous.get(host.url("/app/x"), forged).status == 302);

    ApiClient api(stack);
    const auto pair = obtain(api, user.email);
    HeaderList with_token = forged;
    with_token.emplace_back("Authorization", bearer(pair.access));
    const auto r = anonymous.get(host.url("/app/x"), with_token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    const auto saw = app_saw(r);
    BOOST_TEST(saw.at("user_id") == std::to_string(user.id));
    BOOST_TEST(saw.at("email") == user.email);
    BOOST_TEST(saw.at("staff") == "false");
}

// gatehouse-protect-staff.conf: a user who is not staff is refused (403) until the operator makes
// them staff.
BOOST_AUTO_TEST_CASE(a_staff_location_lets_only_staff_in) {
    Stack& stack = shared_stack();
    HostSite host(stack);
    const auto user = make_user(stack, "gate-staff");
    Browser browser(stack, "Mozilla/5.0 (X11; Linux x86_64) e2e-gate", host.site());
    BOOST_TEST(browser.get("/staff-app/").status == 302);
    BOOST_TEST_REQUIRE(browser.submit("/accounts/login/", {{"email", user.email}, {"password", kPassword}}).status == 302);
    BOOST_TEST(browser.get("/app/").status == 200);
    BOOST_TEST(browser.get("/staff-app/").status == 403);
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "users set-staff " + user.email) == 0);
    const auto r = browser.get("/staff-app/");
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(app_saw(r).at("staff") == "true");
}

BOOST_AUTO_TEST_SUITE_END()
