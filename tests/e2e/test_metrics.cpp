// GET /metrics, as Prometheus scrapes it: Prometheus' own promtool accepts the exposition; a login, a
// token refresh, a throttle refusal and a request move exactly their series; the counters outlive
// the workers that counted them; and the workers themselves refuse a caller that is not local.
#include "api_client.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;
using namespace std::chrono_literals;

namespace {

using Labels = std::map<std::string, std::string>;

struct Sample {
    std::string name;
    Labels labels;
    double value = 0;
};

// The samples of a text exposition (label values without escapes: ours have none).
std::vector<Sample> parse_exposition(const std::string& text) {
    std::vector<Sample> samples;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        Sample s;
        const auto brace = line.find('{');
        const auto space = line.rfind(' ');
        BOOST_TEST_REQUIRE(space != std::string::npos, "no value: " << line);
        if (brace != std::string::npos && brace < space) {
            s.name = line.substr(0, brace);
            const auto close = line.rfind('}');
            std::string inner = line.substr(brace + 1, close - brace - 1);
            std::size_t at = 0;
            while (at < inner.size()) {
                const auto eq = inner.find("=\"", at);
                const auto end = inner.find('"', eq + 2);
                s.labels[inner.substr(at, eq - at)] = inner.substr(eq + 2, end - eq - 2);
                at = end + 2;  // past '",'
            }
        } else {
            s.name = line.substr(0, space);
        }
        s.value = std::stod(line.substr(space + 1));
        samples.push_back(std::move(s));
    }
    return samples;
}

// The value of the one series with this name and these labels (all of them); 0 when it is absent,
// as a Prometheus counter is before it first moves.
double value_of(const std::string& exposition, const std::string& name, const Labels& labels = {}) {
    for (const auto& s : parse_exposition(exposition))
        if (s.name == name && s.labels == labels) return s.value;
    return 0;
}

std::string scrape(const Stack& stack) {
    HttpClient client;
    const auto r = client.get(stack.https_url("/metrics"));
    BOOST_TEST_REQUIRE(r.status == 200, "GET /metrics: " << r.status << " " << r.body.substr(0, 300));
    return r.body;
}

// Runs a shell command; its exit status and what it printed.
ProcessResult run(const std::string& command) {
    ProcessResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    BOOST_TEST_REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

// One FastCGI request straight to the workers' socket (Debian's cgi-fcgi), past nginx and its
// allow/deny, claiming to come from remote_addr.
ProcessResult fastcgi_get(const Stack& stack, const std::string& uri, const std::string& remote_addr) {
    return run("env -i REQUEST_METHOD=GET REQUEST_URI=" + uri + " SCRIPT_NAME=" + uri + " SERVER_PROTOCOL=HTTP/1.1 HTTPS=on" +
               " REMOTE_ADDR=" + remote_addr + " timeout 10 cgi-fcgi -bind -connect " + stack.var_dir() +
               "/run/gatehouse.sock");
}

std::vector<pid_t> worker_pids(const Stack& stack) {
    std::vector<pid_t> pids;
    HttpClient client;
    const auto r = client.get(stack.https_url("/status"));
    if (r.status != 200) return pids;
    const auto body = r.json();
    for (const auto& worker : body.at("workers")) pids.push_back(worker.at("pid").get<pid_t>());
    std::sort(pids.begin(), pids.end());
    return pids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

// promtool (Prometheus' own parser and linter, Debian's prometheus package) accepts what we expose,
// after traffic has filled the request series and the histogram.
BOOST_AUTO_TEST_CASE(promtool_accepts_the_exposition) {
    auto& stack = shared_stack();
    HttpClient client;
    client.get(stack.https_url("/"));
    client.get(stack.https_url("/healthz"));
    client.get(stack.https_url("/no/such/page"));
    ApiClient api(stack);
    api.post("/api/auth/token/", {{"email", "nobody@example.com"}, {"password", "Wrong-Passw0rd"}});

    const auto r = client.get(stack.https_url("/metrics"));
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST(r.header("Content-Type").value_or("") == "text/plain; version=0.0.4; charset=utf-8");
    const std::string path = stack.dir() + "/metrics.txt";
    std::ofstream(path) << r.body;
    const auto check = run("promtool check metrics < " + path);
    BOOST_TEST(check.status == 0, "promtool check metrics: " << check.output << "\n" << r.body.substr(0, 2000));
    BOOST_TEST(value_of(r.body, "gatehouse_build_info", {{"version", "0.1.0"}}) == 1);
    BOOST_TEST(value_of(r.body, "gatehouse_workers_configured") == 2);
    // The worker answering the scrape is busy; the other may still be finishing its last request.
    const double busy = value_of(r.body, "gatehouse_workers", {{"state", "busy"}});
    BOOST_TEST(busy >= 1);
    BOOST_TEST(busy + value_of(r.body, "gatehouse_workers", {{"state", "idle"}}) == 2);
    BOOST_TEST(r.body.find("gatehouse_outbox_pending ") != std::string::npos);
    BOOST_TEST(r.body.find("gatehouse_outbox_oldest_pending_age_seconds ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_request_moves_its_route_method_and_status) {
    auto& stack = shared_stack();
    HttpClient client;
    const Labels healthz = {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}};
    const Labels unmatched = {{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}};
    const Labels bad_method = {{"route", "unmatched"}, {"method", "DELETE"}, {"status", "405"}};
    const std::string before = scrape(stack);
    BOOST_TEST_REQUIRE(client.get(stack.https_url("/healthz")).status == 200);
    BOOST_TEST_REQUIRE(client.get(stack.https_url("/no/such/page/")).status == 404);
    BOOST_TEST_REQUIRE(client.request("DELETE", stack.https_url("/healthz")).status == 405);
    const std::string after = scrape(stack);
    BOOST_TEST(value_of(after, "gatehouse_http_requests_total", healthz) ==
               value_of(before, "gatehouse_http_requests_total", healthz) + 1);
    BOOST_TEST(value_of(after, "gatehouse_http_requests_total", unmatched) ==
               value_of(before, "gatehouse_http_requests_total", unmatched) + 1);
    BOOST_TEST(value_of(after, "gatehouse_http_requests_total", bad_method) ==
               value_of(before, "gatehouse_http_requests_total", bad_method) + 1);
    const Labels route = {{"route", "/healthz"}};
    BOOST_TEST(value_of(after, "gatehouse_http_request_duration_seconds_count", route) ==
               value_of(before, "gatehouse_http_request_duration_seconds_count", route) + 1);
    BOOST_TEST(value_of(after, "gatehouse_http_request_duration_seconds_bucket", {{"route", "/healthz"}, {"le", "+Inf"}}) ==
               value_of(after, "gatehouse_http_request_duration_seconds_count", route));
    BOOST_TEST(value_of(after, "gatehouse_http_request_duration_seconds_sum", route) >
               value_of(before, "gatehouse_http_request_duration_seconds_sum", route));
}

// Each login moves its result by exactly one, and only it; a JWT pair and an API token are counted
// as issued, a refresh as a refresh, a rotated refresh presented again as a reuse.
BOOST_AUTO_TEST_CASE(logins_and_tokens_move_exactly_their_counters) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("metrics");
    verified_user(api, email);
    const std::string unverified = unique_email("metrics-unverified");
    register_user(api, unverified);
    const auto logins = [](const std::string& text, const char* result) {
        return value_of(text, "gatehouse_logins_total", {{"result", result}});
    };

    std::string before = scrape(stack);
    BOOST_TEST_REQUIRE(api.post("/api/auth/token/", {{"email", email}, {"password", "Wrong-Passw0rd"}}).status == 401);
    std::string after = scrape(stack);
    BOOST_TEST(logins(after, "wrong_password") == logins(before, "wrong_password") + 1);
    BOOST_TEST(logins(after, "ok") == logins(before, "ok"));

    before = after;
    const Pair pair = obtain(api, email);
    after = scrape(stack);
    BOOST_TEST(logins(after, "ok") == logins(before, "ok") + 1);
    BOOST_TEST(logins(after, "wrong_password") == logins(before, "wrong_password"));
    BOOST_TEST(value_of(after, "gatehouse_tokens_issued_total", {{"kind", "jwt"}}) ==
               value_of(before, "gatehouse_tokens_issued_total", {{"kind", "jwt"}}) + 1);

    before = after;
    BOOST_TEST_REQUIRE(api.post("/api/auth/token/", {{"email", unverified}, {"password", kPassword}}).status == 403);
    api_token(api, email);
    after = scrape(stack);
    BOOST_TEST(logins(after, "unverified") == logins(before, "unverified") + 1);
    BOOST_TEST(logins(after, "ok") == logins(before, "ok") + 1);
    BOOST_TEST(value_of(after, "gatehouse_tokens_issued_total", {{"kind", "api_token"}}) ==
               value_of(before, "gatehouse_tokens_issued_total", {{"kind", "api_token"}}) + 1);

    before = after;
    BOOST_TEST_REQUIRE(refresh(api, pair.refresh).status == 200);
    after = scrape(stack);
    BOOST_TEST(value_of(after, "gatehouse_token_refreshes_total") == value_of(before, "gatehouse_token_refreshes_total") + 1);
    BOOST_TEST(value_of(after, "gatehouse_refresh_token_reuses_total") ==
               value_of(before, "gatehouse_refresh_token_reuses_total"));
}

// The workers answer /metrics only to a local caller, whatever nginx's config says: straight to
// their socket, REMOTE_ADDR 192.0.2.9 gets the 404 page, 127.0.0.1 the metrics.
BOOST_AUTO_TEST_CASE(a_caller_that_is_not_local_is_refused_by_the_workers) {
    auto& stack = shared_stack();
    const auto remote = fastcgi_get(stack, "/metrics", "192.0.2.9");
    BOOST_TEST(remote.output.find("Status: 404") != std::string::npos, remote.output.substr(0, 400));
    BOOST_TEST(remote.output.find("gatehouse_") == std::string::npos);
    const auto local = fastcgi_get(stack, "/metrics", "127.0.0.1");
    BOOST_TEST(local.output.find("Status: 200") != std::string::npos, local.output.substr(0, 400));
    BOOST_TEST(local.output.find("gatehouse_build_info{version=") != std::string::npos);

    // And through the site's nginx from another address than localhost: refused by nginx itself.
    HttpClient client;
    const auto eth = run("ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1");
    std::string address = eth.output.substr(0, eth.output.find('\n'));
    if (address.empty()) return;
    const auto r = client.get("https://" + address + ":" + std::to_string(stack.https_port()) + "/metrics");
    BOOST_TEST(r.status == 403, "from " << address << ": " << r.status);
}

// Own stack (its workers are killed), with the throttles on: the counters live in the master's
// shared memory, so SIGKILLing every worker that counted them loses nothing.
BOOST_AUTO_TEST_CASE(counters_survive_killed_workers_and_throttles_are_counted) {
    StackOptions options;
    options.throttle = true;
    Stack stack(options);
    ApiClient api(stack);
    // 30 failed logins a minute from one address, then the 31st is refused by the login-ip limit.
    for (int i = 1; i <= 31; ++i) {
        const auto r = api.post("/api/auth/token/", {{"email", "nobody-" + std::to_string(i) + "@example.com"},
                                                     {"password", "Wrong-Passw0rd"}});
        BOOST_TEST_REQUIRE(r.status == (i <= 30 ? 401 : 429), "login " << i << ": " << show(r));
    }
    const std::string before = scrape(stack);
    BOOST_TEST(value_of(before, "gatehouse_logins_total", {{"result", "wrong_password"}}) == 30);
    BOOST_TEST(value_of(before, "gatehouse_logins_total", {{"result", "throttled"}}) == 1);
    BOOST_TEST(value_of(before, "gatehouse_throttle_refusals_total", {{"limit", "login-ip"}}) == 1);
    BOOST_TEST(value_of(before, "gatehouse_throttle_refusals_total", {{"limit", "login-fail"}}) == 0);
    const Labels token_401 = {{"route", "/api/auth/token/"}, {"method", "POST"}, {"status", "401"}};
    BOOST_TEST(value_of(before, "gatehouse_http_requests_total", token_401) == 30);
    BOOST_TEST(value_of(before, "gatehouse_worker_restarts_total", {{"reason", "crashed"}}) == 0);

    const auto old_pids = worker_pids(stack);
    BOOST_TEST_REQUIRE(old_pids.size() == 2u);
    for (const pid_t pid : old_pids) BOOST_TEST_REQUIRE(::kill(pid, SIGKILL) == 0);
    std::vector<pid_t> new_pids;
    const bool replaced = wait_until(15s, [&] {
        new_pids = worker_pids(stack);
        if (new_pids.size() != 2u) return false;
        for (const pid_t pid : new_pids)
            if (std::find(old_pids.begin(), old_pids.end(), pid) != old_pids.end()) return false;
        return true;
    });
    BOOST_TEST_REQUIRE(replaced, "the master did not replace both workers");

    const std::string after = scrape(stack);
    BOOST_TEST(value_of(after, "gatehouse_logins_total", {{"result", "wrong_password"}}) == 30);
    BOOST_TEST(value_of(after, "gatehouse_logins_total", {{"result", "throttled"}}) == 1);
    BOOST_TEST(value_of(after, "gatehouse_throttle_refusals_total", {{"limit", "login-ip"}}) == 1);
    BOOST_TEST(value_of(after, "gatehouse_http_requests_total", token_401) == 30);
    BOOST_TEST(value_of(after, "gatehouse_worker_restarts_total", {{"reason", "crashed"}}) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
