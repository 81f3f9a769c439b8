// Faults under load, through nginx/stack.sh as `make run` runs it. A bounded load generator on
// loopback (signups, logins, refreshes, logouts, page views, code mails) runs while, one after
// another: two workers are killed, memcached is killed, the mailer is killed, nginx is killed, the
// master is told to roll (SIGHUP), and the whole stack is killed at once and started again (a power
// cut). After each: every answer was 2xx/3xx/4xx — but 503 while memcached was away, connection
// errors while nginx was down or the stack restarting, and 502 for a request a killed worker had in
// hand — and the service is back (/healthz 200 and a login) soon after the fault. At the end: every
// mail queued was delivered exactly once to the file backend, every signup answered 201 can log in,
// the engine's integrity check (SQLite's `PRAGMA integrity_check`) is ok, and no login answered as ended came back.
#include "api_client.hpp"
#include "checks.hpp"

#include "gatehouse/store/database.hpp"

#include <boost/test/unit_test.hpp>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

struct Answer {
    Clock::time_point start, end;
    int status;  // 0: no answer (refused, reset, timed out)
    std::string what;
};

// One thread per caller, each a loop of actions with a pause between them; records every answer.
class LoadGenerator {
public:
    LoadGenerator(const Stack& stack, std::vector<std::string> users, int callers) : stack_(stack) {
        for (int i = 0; i < callers; ++i)
            threads_.emplace_back([this, i, user = users[i % users.size()]](std::stop_token stop) { run(stop, i, user); });
    }
    void finish() {
        for (auto& t : threads_) t.request_stop();
        threads_.clear();
    }
    std::vector<Answer> answers() {
        std::lock_guard lock(mutex_);
        return answers_;
    }
    std::vector<std::string> signed_up() {
        std::lock_guard lock(mutex_);
        return signed_up_;
    }
    std::vector<std::string> ended_tokens() {
        std::lock_guard lock(mutex_);
        return ended_;
    }

private:
    HttpResponse call(ApiClient& api, std::string_view method, const std::string& path, const json& body,
                      const std::string& auth, const std::string& what) {
        const auto start = Clock::now();
        HttpResponse r;
        try {
            r = api.call(method, path, body, auth);
        } catch (const std::exception&) {
            r.status = 0;
        }
        std::lock_guard lock(mutex_);
        answers_.push_back({start, Clock::now(), static_cast<int>(r.status), what});
        return r;
    }

    void run(std::stop_token stop, int caller, const std::string& user) {
        ApiClient api(stack_);
        std::string refresh, token;
        for (int n = 0; !stop.stop_requested(); ++n) {
            switch (n % 6) {
                case 0: call(api, "GET", "/accounts/login/", nullptr, {}, "page"); break;
                case 1: {
                    const std::string email = unique_email("load-" + std::to_string(caller));
                    const auto r = call(api, "POST", "/api/auth/register/",
                                        {{"email", email}, {"password", kPassword}, {"password2", kPassword}}, {}, "register");
                    if (r.status == 201) {
                        std::lock_guard lock(mutex_);
                        signed_up_.push_back(email);
                    }
                    break;
                }
                case 2: {
                    const auto r = call(api, "POST", "/api/auth/token/", {{"email", user}, {"password", kPassword}}, {}, "login");
                    if (r.status == 200) refresh = r.json().value("refresh", "");
                    break;
                }
                case 3:
                    if (!refresh.empty()) {
                        const auto r = call(api, "POST", "/api/auth/token/refresh/", {{"refresh", refresh}}, {}, "refresh");
                        if (r.status == 200) refresh = r.json().value("refresh", "");
                    }
                    break;
                case 4: {
                    const auto r = call(api, "POST", "/api/auth/login/", {{"email", user}, {"password", kPassword}}, {}, "token login");
                    if (r.status == 200) token = r.json().value("token", "");
                    if (!token.empty()) call(api, "POST", "/api/auth/otp/send/", {{"channel", "email"}}, token_auth(token), "code mail");
                    break;
                }
                case 5:
                    if (!token.empty()) {
                        const auto r = call(api, "POST", "/api/auth/logout/", json::object(), token_auth(token), "logout");
                        if (r.status == 200) {
                            std::lock_guard lock(mutex_);
                            ended_.push_back(token);
                        }
                        token.clear();
                    }
                    break;
            }
            std::this_thread::sleep_for(5ms);
        }
    }

    const Stack& stack_;
    std::mutex mutex_;
    std::vector<Answer> answers_;
    std::vector<std::string> signed_up_, ended_;
    std::vector<std::jthread> threads_;  // last: joined before the members they use go
};

// Where an answer other than 2xx/3xx/4xx is expected.
struct Window {
    std::string fault;
    Clock::time_point from, to;
    std::set<int> allowed;   // statuses allowed in it (0: no answer)
    bool in_hand_only;       // only for requests in flight at `from`
};

bool service_is_back(const Stack& stack, const std::string& user) {
    try {
        HttpClient probe({.follow_redirects = false, .cookies = false, .timeout_seconds = 2, .connect_timeout_seconds = 1});
        if (probe.get(stack.https_url("/healthz")).status != 200) return false;
        const auto r = probe.post(stack.https_url("/api/auth/token/"),
                                  json{{"email", user}, {"password", kPassword}}.dump(), {{"Content-Type", "application/json"}});
        return r.status == 200;
    } catch (const std::exception&) {
        return false;
    }
}

// How long until /healthz answers 200 and a login works again.
std::chrono::milliseconds recovery(const Stack& stack, const std::string& user, Clock::time_point since) {
    wait_until(30s, [&] { return service_is_back(stack, user); }, 20ms);
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
}

std::vector<pid_t> worker_pids(const Stack& stack) {
    std::vector<pid_t> pids;
    try {
        HttpClient client;
        const auto body = client.get(stack.https_url("/status")).json();
        for (const auto& worker : body.at("workers")) pids.push_back(worker.at("pid").get<pid_t>());
    } catch (const std::exception&) {
    }
    return pids;
}

// The master's child that is not a worker.
pid_t mailer_pid(const Stack& stack) {
    const auto workers = worker_pids(stack);
    for (pid_t pid : session_members(stack.master_pid()))
        if (std::find(workers.begin(), workers.end(), pid) == workers.end()) return pid;
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(faults_under_load_lose_nothing_and_the_service_comes_back) {
    StackOptions options;
    options.own_memcached = false;  // stack.sh's own, as `make run`
    options.workers = 4;
    options.env = {{"GATEHOUSE_REQUIRE_VERIFIED", "0"}, {"GATEHOUSE_DRAIN_TIMEOUT", "5"}};
    Stack stack(options);
    std::vector<std::string> users;
    {
        ApiClient api(stack);
        for (int i = 0; i < 4; ++i) {
            users.push_back(unique_email("fault-user"));
            register_user(api, users.back());
        }
    }
    const std::string probe_user = users.front();

    LoadGenerator load(stack, users, 4);
    std::vector<Window> windows;
    std::vector<std::pair<std::string, std::chrono::milliseconds>> recoveries;
    const auto settle = [] { std::this_thread::sleep_for(1500ms); };
    // `after`: how long past the recovery the fault may still show (answers in flight then).
    const auto fault = [&](const std::string& name, auto&& act, std::set<int> allowed, bool in_hand_only,
                           std::chrono::milliseconds budget, std::chrono::milliseconds after = 500ms) {
        settle();
        const auto at = Clock::now();
        act();
        const auto took = recovery(stack, probe_user, at);
        recoveries.emplace_back(name, took);
        windows.push_back({name, at, Clock::now() + after, std::move(allowed), in_hand_only});
        BOOST_TEST(took <= budget, name << ": back after " << took.count() << " ms (budget " << budget.count() << ")");
    };

    std::mt19937 random(std::random_device{}());
    fault("kill -9 two workers", [&] {
        auto workers = worker_pids(stack);
        BOOST_TEST_REQUIRE(workers.size() >= 2u);
        std::shuffle(workers.begin(), workers.end(), random);
        ::kill(workers[0], SIGKILL);
        ::kill(workers[1], SIGKILL);
    }, {502}, true, 2000ms);
    fault("kill -9 memcached", [&] { ::kill(stack.run_pid("memcached"), SIGKILL); }, {503}, false, 2000ms);
    fault("kill -9 the mailer", [&] {
        const pid_t mailer = mailer_pid(stack);
        BOOST_TEST_REQUIRE(mailer > 0);
        ::kill(mailer, SIGKILL);
    }, {}, false, 2000ms);
    fault("kill -9 nginx", [&] { ::kill(stack.run_pid("nginx"), SIGKILL); }, {0}, false, 2000ms);
    fault("SIGHUP the master", [&] { ::kill(stack.master_pid(), SIGHUP); }, {}, false, 2000ms);
    // The power cut: everything at once; the fault ends when stack.sh is started again, and start-up
    // (migrations, TLS, the first workers) is part of coming back.
    fault("power cut", [&] {
        stack.power_cut();
        stack.start_again();
    }, {0, 502, 503}, false, 15000ms);
    settle();
    load.finish();

    // Every answer, against the windows where a fault explains it.
    const auto answers = load.answers();
    std::map<int, int> by_status;
    std::vector<std::string> unexplained;
    for (const auto& a : answers) {
        ++by_status[a.status];
        if (a.status >= 200 && a.status < 500) continue;
        const bool explained = std::any_of(windows.begin(), windows.end(), [&](const Window& w) {
            if (!w.allowed.count(a.status)) return false;
            // In hand: started before the kill landed (a worker can take a connection in the instant
            // between the signal's sending and its delivery) and ended after it.
            if (w.in_hand_only) return a.start <= w.from + 100ms && a.end >= w.from;
            return a.end >= w.from && a.start <= w.to;
        });
        if (!explained) {
            std::string near;  // the fault it came closest after, for the message
            for (const auto& w : windows)
                if (w.from <= a.start)
                    near = w.fault + " +" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(a.start - w.from).count()) + " ms";
            unexplained.push_back(a.what + " → " + std::to_string(a.status) + " (" + near + ")");
        }
    }
    std::string statuses, times;
    for (const auto& [status, count] : by_status) statuses += " " + std::to_string(status) + "×" + std::to_string(count);
    for (const auto& [name, took] : recoveries) times += "\n  " + name + ": back after " + std::to_string(took.count()) + " ms";
    BOOST_TEST_MESSAGE("faults under load: " << answers.size() << " requests, answers by status (0: none):" << statuses
                                             << "; recovery:" << times);
    const std::string example = unexplained.empty() ? "" : unexplained.front();
    BOOST_TEST(unexplained.empty(), unexplained.size() << " answers no fault explains, e.g. " << example);

    // Every mail queued was delivered exactly once: one file per outbox row.
    gatehouse::store::Database db(stack.database_location());
    BOOST_TEST(wait_until(30s, [&] {
        auto q = db.query("SELECT count(*) FROM outbox WHERE sent_at IS NULL");
        return q.step() && q.row().column_int(0) == 0;
    }), "the mailer did not catch up");
    std::map<std::int64_t, int> files_per_id;
    for (const char* dir : {"/mail", "/sms"}) {
        if (!fs::exists(stack.var_dir() + dir)) continue;
        for (const auto& entry : fs::directory_iterator(stack.var_dir() + dir)) {
            const std::string name = entry.path().filename().string();
            const auto dash = name.find('-'), dot = name.find('.');
            if (dash == std::string::npos || dot == std::string::npos || name.starts_with(".")) continue;
            ++files_per_id[std::stoll(name.substr(dash + 1, dot - dash - 1))];
        }
    }
    std::int64_t queued = 0;
    {
        auto q = db.query("SELECT id FROM outbox ORDER BY id");
        while (q.step()) {
            ++queued;
            const auto id = q.row().column_int(0);
            BOOST_TEST(files_per_id[id] == 1, "outbox row " << id << " delivered " << files_per_id[id] << " times");
        }
    }
    BOOST_TEST(files_per_id.size() == static_cast<std::size_t>(queued), "files for no outbox row");
    BOOST_TEST_MESSAGE("mails and texts queued " << queued << ", delivered " << files_per_id.size());

    // The engine's own check (SQLite: PRAGMA integrity_check) finds nothing wrong.
    BOOST_TEST(db.integrity_problems().empty());

    // Every signup answered 201 is there and logs in; every token answered as logged out stays out.
    ApiClient api(stack);
    const auto signed_up = load.signed_up();
    BOOST_TEST(!signed_up.empty());
    for (const auto& email : signed_up)
        BOOST_TEST(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}).status == 200, email);
    const auto ended = load.ended_tokens();
    BOOST_TEST(!ended.empty());
    for (const auto& token : ended) BOOST_TEST(api.get("/api/me/", token_auth(token)).status == 401);
    BOOST_TEST_MESSAGE(signed_up.size() << " signups all log in after the power cut; " << ended.size()
                                        << " logged-out tokens all stay out");
}

BOOST_AUTO_TEST_SUITE_END()
