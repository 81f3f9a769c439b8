// The API docs pages, /api/schema/ui/ (Swagger UI) and /api/schema/redoc/ (ReDoc), opened in a real
// browser: Debian's headless Chromium renders each page against the stack, and the test reads the DOM
// it dumps (the operations of templates/openapi.json must be listed there, which they are not in the
// page's own HTML) and the browser's console (no Content-Security-Policy violation but the one the
// ReDoc page is meant to have: ReDoc's attribution logo from its CDN, refused so no visitor's browser
// calls out). The headers of both pages are checked against the site's own.
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace gatehouse::e2e;

namespace {

const char* const kChromium = "/usr/bin/chromium";
// ReDoc's page may also hold empty <style> elements (the hash is the empty string's: styled-components
// fills them through the CSSOM) and load data: fonts; nothing else differs from the site's policy.
const char* const kEmptyStyleHash = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";
const char* const kRedocLogo = "https://cdn.redoc.ly/";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Rendered {
    int status = -1;                       // chromium's exit status
    std::string dom;                       // --dump-dom: the DOM once the page's scripts ran
    std::vector<std::string> csp_reports;  // console lines that report a CSP violation
    std::vector<std::string> errors;       // console lines with an uncaught script error
};

// Opens the URL in a fresh headless Chromium (new profile each time) and lets it run up to 15 s of
// virtual time, then reads the DOM and the console from its output.
Rendered render(const Stack& stack, const std::string& url) {
    const auto dir = std::filesystem::path(stack.dir()) / "chromium";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "profile");
    const std::string command =
        std::string("timeout 90 ") + kChromium +
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
        " --disable-component-update --disable-sync --ignore-certificate-errors --user-data-dir='" +
        (dir / "profile").string() + "' --enable-logging=stderr --v=0 --virtual-time-budget=15000 --dump-dom '" + url +
        "' >'" + (dir / "dom.html").string() + "' 2>'" + (dir / "console.log").string() + "'";
    Rendered out;
    const int status = std::system(command.c_str());
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out.dom = read_file(dir / "dom.html");
    std::istringstream log(read_file(dir / "console.log"));
    for (std::string line; std::getline(log, line);) {
        if (line.find("Content Security Policy") != std::string::npos) out.csp_reports.push_back(line);
        if (line.find(":CONSOLE") != std::string::npos && line.find("Uncaught") != std::string::npos) out.errors.push_back(line);
    }
    return out;
}

nlohmann::json schema(const Stack& stack) {
    std::ifstream in(stack.home() + "/templates/openapi.json");
    return nlohmann::json::parse(in);
}

struct Operation {
    std::string path, method, summary;
    std::vector<std::string> tags;
};

std::vector<Operation> operations(const nlohmann::json& doc) {
    std::vector<Operation> out;
    for (const auto& [path, item] : doc["paths"].items())
        for (const auto& [method, op] : item.items()) {
            if (!op.is_object() || !op.contains("summary")) continue;
            out.push_back({path, method, op["summary"].get<std::string>(), op.value("tags", std::vector<std::string>{})});
        }
    return out;
}

// Text as the DOM dump writes it.
std::string html_text(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

// Every <script> of a page loads a file (the CSP allows no inline script).
bool only_script_files(const std::string& html) {
    for (auto at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1))
        if (html.substr(at, html.find('>', at) - at).find(" src=\"/static/gatehouse/") == std::string::npos) return false;
    return true;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line.substr(0, 400) + "\n";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_docs)

BOOST_AUTO_TEST_CASE(both_pages_load_files_only_and_keep_the_site_headers) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto site = client.get(stack.https_url("/api/schema/"));
    BOOST_TEST_REQUIRE(site.status == 200);
    const std::string site_csp = site.header("Content-Security-Policy").value_or("");
    BOOST_TEST_REQUIRE(contains(site_csp, "style-src 'self';"));

    for (const std::string page : {"/api/schema/ui/", "/api/schema/redoc/"}) {
        BOOST_TEST_CONTEXT(page) {
            const auto r = client.get(stack.https_url(page));
            BOOST_TEST(r.status == 200);
            BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
            BOOST_TEST(only_script_files(r.body));
            BOOST_TEST(lacks(r.body, "style="));
            // The operations come from /api/schema/ at run time, not from the page itself.
            BOOST_TEST(lacks(r.body, "/api/auth/token/refresh/"));
            BOOST_TEST(lacks(r.body, "Rotate a refresh token"));
            for (const char* name : {"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"})
                BOOST_TEST(r.header_values(name) == site.header_values(name), name);
            BOOST_TEST(r.header_values("Content-Security-Policy").size() == 1u);
        }
    }
    const auto ui = client.get(stack.https_url("/api/schema/ui/"));
    BOOST_TEST(ui.header("Content-Security-Policy").value_or("") == site_csp);
    BOOST_TEST(contains(ui.body, "/static/gatehouse/vendor/swagger-ui-dist-"));

    // ReDoc's page: the site's policy with exactly the empty-style hash and data: fonts added.
    std::string expected = site_csp;
    expected.replace(expected.find("style-src 'self';"), std::string("style-src 'self';").size(),
                     std::string("style-src 'self' ") + kEmptyStyleHash + "; font-src 'self' data:;");
    const auto redoc = client.get(stack.https_url("/api/schema/redoc/"));
    BOOST_TEST(redoc.header("Content-Security-Policy").value_or("") == expected);

    // The vendored files the pages load (Swagger UI's from its page, ReDoc's from our init script) are
    // served, each with its licence beside it in the checkout.
    const auto redoc_init = client.get(stack.https_url("/static/gatehouse/docs/redoc-init.js"));
    BOOST_TEST(redoc_init.status == 200);
    const std::regex vendored(R"(/static/gatehouse(/vendor/[a-z-]+-[0-9.]+/)([A-Za-z.-]+))");
    int files = 0;
    for (const std::string& text : {ui.body, redoc_init.body})
        for (std::sregex_iterator m(text.begin(), text.end(), vendored), end; m != end; ++m, ++files) {
            BOOST_TEST(client.get(stack.https_url(m->str())).status == 200, m->str());
            BOOST_TEST(std::filesystem::exists(stack.home() + "/nginx/static" + (*m)[1].str() + "LICENSE"), m->str());
        }
    BOOST_TEST(files == 3);
}

BOOST_AUTO_TEST_CASE(swagger_ui_lists_every_operation_with_no_csp_violation) {
    auto& stack = shared_stack();
    const auto page = render(stack, stack.https_url("/api/schema/ui/"));
    BOOST_TEST(page.status == 0);
    BOOST_TEST(page.csp_reports.empty(), joined(page.csp_reports));
    BOOST_TEST(page.errors.empty(), joined(page.errors));
    const auto ops = operations(schema(stack));
    BOOST_TEST_REQUIRE(ops.size() >= 25u);
    for (const auto& op : ops) {
        BOOST_TEST(contains(page.dom, "data-path=\"" + op.path + "\""), op.method << " " << op.path);
        BOOST_TEST(contains(page.dom, html_text(op.summary)), op.method << " " << op.path);
    }
}

BOOST_AUTO_TEST_CASE(redoc_lists_the_operations_of_each_tag_it_opens) {
    auto& stack = shared_stack();
    const auto doc = schema(stack);
    const auto ops = operations(doc);
    for (const std::string tag : {"tokens", "users"}) {
        BOOST_TEST_CONTEXT(tag) {
            const auto page = render(stack, stack.https_url("/api/schema/redoc/#/" + tag));
            BOOST_TEST(page.status == 0);
            BOOST_TEST(page.errors.empty(), joined(page.errors));
            // The one violation allowed: ReDoc's logo, which the policy keeps from loading.
            for (const auto& report : page.csp_reports)
                BOOST_TEST((report.find("Loading the image '" + std::string(kRedocLogo)) != std::string::npos), report);
            for (const auto& t : doc["tags"]) BOOST_TEST(contains(page.dom, "data-text=\"" + t["name"].get<std::string>() + "\""));
            int listed = 0;
            for (const auto& op : ops) {
                if (std::find(op.tags.begin(), op.tags.end(), tag) == op.tags.end()) continue;
                BOOST_TEST(contains(page.dom, html_text(op.summary)), op.method << " " << op.path);
                BOOST_TEST(contains(page.dom, op.path), op.method << " " << op.path);
                ++listed;
            }
            BOOST_TEST(listed >= 3);
        }
    }
}

// The check above can fail: the same ReDoc page under the site's strict policy (as a plain static
// file) has its styles refused, and the console says so.
BOOST_AUTO_TEST_CASE(the_console_check_sees_a_violation_under_the_strict_policy) {
    auto& stack = shared_stack();
    const auto page = render(stack, stack.https_url("/static/gatehouse/docs/redoc.html#/tokens"));
    BOOST_TEST(page.status == 0);
    bool style_refused = false;
    for (const auto& report : page.csp_reports) style_refused = style_refused || report.find("style-src") != std::string::npos;
    BOOST_TEST(style_refused, joined(page.csp_reports));
    BOOST_TEST(lacks(page.dom, "Rotate a refresh token"));
}

BOOST_AUTO_TEST_SUITE_END()
