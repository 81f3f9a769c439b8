// The shared counters and their text exposition (core/metrics.hpp): the exact lines of the format,
// label values escaped, histogram buckets cumulative, out-of-list methods and statuses as "other",
// counts made in a forked child seen by the parent; and login_result, the one mapping of a login's
// outcome to its result label.
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/core/version.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

core::MetricsLayout layout() { return {{"/a/", "/users/<int:id>/"}, {"login-ip", "login-fail"}}; }

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);)
        if (l == line) return true;
    return false;
}

int count_lines_starting(const std::string& text, const std::string& prefix) {
    int n = 0;
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);) n += l.starts_with(prefix);
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(a_request_is_one_sample_and_one_histogram_observation) {
    core::Metrics m(layout());
    m.count_request(1, "GET", 200, 3ms);
    const std::string text = m.render({});
    BOOST_TEST(has_line(text, "# TYPE gatehouse_http_requests_total counter"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="/users/<int:id>/",method="GET",status="200"} 1)"), text);
    BOOST_TEST(count_lines_starting(text, "gatehouse_http_requests_total{") == 1, "only series that occurred");
    BOOST_TEST(has_line(text, "# TYPE gatehouse_http_request_duration_seconds histogram"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_bucket{route="/users/<int:id>/",le="0.0025"} 0)"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_bucket{route="/users/<int:id>/",le="0.005"} 1)"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_bucket{route="/users/<int:id>/",le="+Inf"} 1)"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_sum{route="/users/<int:id>/"} 0.003)"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_count{route="/users/<int:id>/"} 1)"));
    BOOST_TEST(count_lines_starting(text, "gatehouse_http_request_duration_seconds_count{") == 1);
    BOOST_TEST(has_line(text, std::string(R"(gatehouse_build_info{version=")") + core::kVersion + R"("} 1)"));
}

BOOST_AUTO_TEST_CASE(buckets_are_cumulative_and_the_count_is_the_inf_bucket) {
    core::Metrics m(layout());
    m.count_request(0, "GET", 200, 500us);   // ≤ 0.001
    m.count_request(0, "GET", 200, 1ms);     // ≤ 0.001 (the bound is inclusive)
    m.count_request(0, "GET", 200, 40ms);    // ≤ 0.05
    m.count_request(0, "POST", 302, 2s);     // ≤ 2.5
    m.count_request(0, "POST", 302, 10s);    // +Inf only
    const std::string text = m.render({});
    const auto bucket = [&](const char* le, int n) {
        return has_line(text, std::string(R"(gatehouse_http_request_duration_seconds_bucket{route="/a/",le=")") + le +
                                  "\"} " + std::to_string(n));
    };
    BOOST_TEST(bucket("0.001", 2));
    BOOST_TEST(bucket("0.0025", 2));
    BOOST_TEST(bucket("0.025", 2));
    BOOST_TEST(bucket("0.05", 3));
    BOOST_TEST(bucket("1", 3));
    BOOST_TEST(bucket("2.5", 4));
    BOOST_TEST(bucket("+Inf", 5));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_count{route="/a/"} 5)"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_request_duration_seconds_sum{route="/a/"} 12.0415)"), text);
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="/a/",method="GET",status="200"} 3)"));
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="/a/",method="POST",status="302"} 2)"));
}

BOOST_AUTO_TEST_CASE(unknown_routes_methods_and_statuses_are_bounded) {
    core::Metrics m(layout());
    m.count_request(core::Metrics::kUnmatched, "BREW", 418, 1ms);
    m.count_request(99, "get", 200, 1ms);  // an id past the table, a method not spelled as HTTP's
    const std::string text = m.render({});
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="unmatched",method="other",status="other"} 1)"), text);
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="unmatched",method="other",status="200"} 1)"), text);
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
    core::Metrics m({{"/a\"b\\c\nd/"}, {"we\"ird"}});
    m.count_request(0, "GET", 200, 1ms);
    m.count_throttled("we\"ird");
    const std::string text = m.render({});
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="/a\"b\\c\nd/",method="GET",status="200"} 1)"), text);
    BOOST_TEST(has_line(text, R"(gatehouse_throttle_refusals_total{limit="we\"ird"} 1)"), text);
}

BOOST_AUTO_TEST_CASE(fixed_families_show_every_label_value_from_zero) {
    core::Metrics m(layout());
    m.count_login(core::LoginResult::WrongPassword);
    m.count_login(core::LoginResult::WrongPassword);
    m.count_token(core::TokenEvent::ApiTokenIssued);
    m.count_token(core::TokenEvent::RefreshReused);
    m.count_throttled("login-fail");
    m.count_throttled("reset-email");  // not in the layout
    m.count_unavailable(core::Backend::Memcached);
    m.count_worker_restart(core::WorkerExit::Crashed);
    core::MetricsGauges gauges;
    gauges.workers_busy = 1;
    gauges.workers_idle = 3;
    gauges.workers_configured = 4;
    gauges.outbox_pending = 7;
    gauges.outbox_oldest_pending_seconds = 42;
    const std::string text = m.render(gauges);
    for (const char* line : {R"(gatehouse_logins_total{result="ok"} 0)", R"(gatehouse_logins_total{result="wrong_password"} 2)",
                             R"(gatehouse_logins_total{result="throttled"} 0)", R"(gatehouse_logins_total{result="unverified"} 0)",
                             R"(gatehouse_tokens_issued_total{kind="jwt"} 0)", R"(gatehouse_tokens_issued_total{kind="api_token"} 1)",
                             "gatehouse_token_refreshes_total 0", "gatehouse_refresh_token_reuses_total 1",
                             R"(gatehouse_throttle_refusals_total{limit="login-ip"} 0)",
                             R"(gatehouse_throttle_refusals_total{limit="login-fail"} 1)",
                             R"(gatehouse_throttle_refusals_total{limit="other"} 1)",
                             R"(gatehouse_backend_errors_total{backend="sqlite"} 0)",
                             R"(gatehouse_backend_errors_total{backend="memcached"} 1)",
                             R"(gatehouse_worker_restarts_total{reason="crashed"} 1)",
                             R"(gatehouse_worker_restarts_total{reason="recycled"} 0)", R"(gatehouse_workers{state="busy"} 1)",
                             R"(gatehouse_workers{state="idle"} 3)", R"(gatehouse_workers{state="draining"} 0)",
                             "gatehouse_workers_configured 4", "gatehouse_outbox_pending 7",
                             "gatehouse_outbox_oldest_pending_age_seconds 42"})
        BOOST_TEST(has_line(text, line), line);
    // Each family is introduced once, HELP before TYPE; no requests yet: no request samples.
    BOOST_TEST(count_lines_starting(text, "# TYPE gatehouse_logins_total ") == 1);
    BOOST_TEST(count_lines_starting(text, "# HELP gatehouse_logins_total ") == 1);
    BOOST_TEST(text.find("# HELP gatehouse_logins_total") < text.find("# TYPE gatehouse_logins_total"));
    BOOST_TEST(count_lines_starting(text, "gatehouse_http_requests_total{") == 0);
}

BOOST_AUTO_TEST_CASE(without_the_database_the_outbox_gauges_are_left_out) {
    core::Metrics m(layout());
    const std::string text = m.render({});
    BOOST_TEST(text.find("gatehouse_outbox_pending") == std::string::npos);
    BOOST_TEST(text.find("gatehouse_outbox_oldest_pending_age_seconds") == std::string::npos);
}

// What a worker (a forked child) counts, the master (the parent) reads after the child is gone.
BOOST_AUTO_TEST_CASE(counts_of_a_forked_child_outlive_it) {
    core::Metrics m(layout());
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 1000; ++i) m.count_login(core::LoginResult::Ok);
        m.count_request(0, "GET", 200, 1ms);
        ::_exit(0);
    }
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    const std::string text = m.render({});
    BOOST_TEST(has_line(text, R"(gatehouse_logins_total{result="ok"} 1000)"), text);
    BOOST_TEST(has_line(text, R"(gatehouse_http_requests_total{route="/a/",method="GET",status="200"} 1)"));
}

// Prometheus' own linter (promtool, Debian's prometheus package) accepts a full exposition.
BOOST_AUTO_TEST_CASE(promtool_accepts_a_rendering) {
    core::Metrics m(layout());
    m.count_request(0, "GET", 200, 3ms);
    m.count_request(core::Metrics::kUnmatched, "POST", 404, 30ms);
    m.count_login(core::LoginResult::Ok);
    core::MetricsGauges gauges;
    gauges.outbox_pending = 0;
    gauges.outbox_oldest_pending_seconds = 0;
    test::TempDir dir;
    dir.write("metrics.txt", m.render(gauges));
    const std::string command = "promtool check metrics < " + dir.file("metrics.txt") + " > " + dir.file("out.txt") + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream out(dir.file("out.txt"));
    std::stringstream said;
    said << out.rdbuf();
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "promtool: " << said.str());
}

BOOST_AUTO_TEST_CASE(login_result_maps_each_outcome_once) {
    using accounts::Outcome;
    const auto of = [](Outcome o) {
        return accounts::login_result(std::expected<accounts::LoggedIn, accounts::Refusal>(
            std::unexpected(accounts::refuse(o))));
    };
    BOOST_TEST((accounts::login_result(accounts::LoggedIn{}) == core::LoginResult::Ok));
    BOOST_TEST((of(Outcome::BadCredentials) == core::LoginResult::WrongPassword));
    BOOST_TEST((of(Outcome::Throttled) == core::LoginResult::Throttled));
    BOOST_TEST((of(Outcome::Unverified) == core::LoginResult::Unverified));
    BOOST_TEST((of(Outcome::CodeInvalid) == core::LoginResult::CodeInvalid));
    BOOST_TEST((of(Outcome::CodeExpired) == core::LoginResult::CodeExpired));
    BOOST_TEST((of(Outcome::BadPhoneNumber) == core::LoginResult::BadPhoneNumber));
    BOOST_TEST((of(Outcome::MfaRequired) == core::LoginResult::MfaRequired));
    BOOST_TEST((of(Outcome::Invalid) == core::LoginResult::Other));
}

BOOST_AUTO_TEST_SUITE_END()
