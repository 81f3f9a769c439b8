// The process side: worker respawn, rolling restart, memcached outage, SIGTERM drain and a clean stop.
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;

namespace {

// The worker pids /status lists, sorted; empty when it does not answer 200.
std::vector<pid_t> worker_pids(HttpClient& client, const Stack& stack) {
    std::vector<pid_t> pids;
    try {
        const auto r = client.get(stack.https_url("/status"));
        if (r.status != 200) return pids;
        const auto body = r.json();  // named: a range-for over a temporary's member would dangle
        for (const auto& worker : body.at("workers")) pids.push_back(worker.at("pid").get<pid_t>());
    } catch (const std::exception&) {
        return {};
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

// GETs a URL over and over on its own thread and client until stopped; remembers every answer that
// was not 200 (or no answer at all).
class Load {
public:
    explicit Load(std::string url)
        : thread_([this, url = std::move(url)](std::stop_token stop) {
              HttpClient client;
              while (!stop.stop_requested()) {
                  try {
                      const auto r = client.get(url);
                      if (r.status == 200) {
                          ++ok_;
                      } else {
                          note("status " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
                      }
                  } catch (const std::exception& e) {
                      note(e.what());
                  }
              }
          }) {}

    void finish() {
        thread_.request_stop();
        if (thread_.joinable()) thread_.join();
    }
    int ok() const { return ok_; }
    std::vector<std::string> failures() {
        std::lock_guard lock(mutex_);
        return failures_;
    }

private:
    void note(std::string failure) {
        std::lock_guard lock(mutex_);
        failures_.push_back(std::move(failure));
    }
    std::atomic<int> ok_{0};
    std::mutex mutex_;
    std::vector<std::string> failures_;
    std::jthread thread_;  // last: joined before the members it uses go
};

// The children of pid: one read of /proc, cheap enough for a tight loop.
std::vector<pid_t> children_of(pid_t pid) {
    const std::string id = std::to_string(pid);
    std::ifstream in("/proc/" + id + "/task/" + id + "/children");
    std::vector<pid_t> out;
    for (pid_t child; in >> child;) out.push_back(child);
    return out;
}

std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += "\n  " + line;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(workers)

BOOST_AUTO_TEST_CASE(killed_worker_is_replaced) {
    auto& stack = shared_stack();
    HttpClient client;
    const auto status = client.get(stack.https_url("/status"));
    BOOST_TEST_REQUIRE(status.status == 200);
    pid_t victim = 0;
    std::set<pid_t> before;
    const auto body = status.json();
    for (const auto& worker : body.at("workers")) {
        const pid_t pid = worker.at("pid").get<pid_t>();
        before.insert(pid);
        if (!victim || worker.value("state", "") == "idle") victim = pid;  // prefer one with no request in flight
    }
    BOOST_TEST_REQUIRE(victim > 0);
    BOOST_TEST_REQUIRE(::kill(victim, SIGKILL) == 0);

    int good = 0;
    std::vector<std::string> bad;
    for (int i = 0; i < 20; ++i) {
        const auto r = client.get(stack.https_url("/"));
        if (r.status == 200) ++good;
        else bad.push_back(std::to_string(r.status));
    }
    BOOST_TEST(good == 20, "answers other than 200:" << join(bad));

    std::vector<pid_t> now;
    const bool replaced = wait_until(10s, [&] {
        now = worker_pids(client, stack);
        const bool victim_gone = std::find(now.begin(), now.end(), victim) == now.end();
        const bool has_new = std::any_of(now.begin(), now.end(), [&](pid_t p) { return !before.count(p); });
        return now.size() == 2 && victim_gone && has_new;
    });
    BOOST_TEST(replaced, "workers now: " << nlohmann::json(now).dump() << "\n" << stack.log_tail());
    const std::string line = "worker " + std::to_string(victim) + " killed by SIGKILL";
    BOOST_TEST(wait_until(10s, [&] { return stack.log().find(line) != std::string::npos; }),
               "no \"" << line << "\" in the log:\n" << stack.log_tail());
}

BOOST_AUTO_TEST_CASE(sighup_rolls_every_worker_without_dropping_requests) {
    auto& stack = shared_stack();
    HttpClient client;
    const std::vector<pid_t> old = worker_pids(client, stack);
    BOOST_TEST_REQUIRE(old.size() == 2u);

    Load load(stack.https_url("/"));
    std::this_thread::sleep_for(200ms);  // the load is flowing before the roll starts
    BOOST_TEST_REQUIRE(::kill(stack.master_pid(), SIGHUP) == 0);

    std::vector<pid_t> now;
    int status_failures = 0;
    const bool rolled = wait_until(30s, [&] {
        now = worker_pids(client, stack);
        if (now.empty()) ++status_failures;
        const bool none_old = std::none_of(now.begin(), now.end(),
                                           [&](pid_t p) { return std::find(old.begin(), old.end(), p) != old.end(); });
        return now.size() == 2 && none_old;
    }, 100ms);
    std::this_thread::sleep_for(300ms);  // and keeps flowing after it
    load.finish();

    BOOST_TEST(rolled, "old " << nlohmann::json(old).dump() << ", now " << nlohmann::json(now).dump() << "\n"
                              << stack.log_tail());
    BOOST_TEST(status_failures == 0);
    BOOST_TEST(load.failures().empty(), load.failures().size() << " failed requests during the roll:"
                                                                << join(load.failures()));
    BOOST_TEST(load.ok() > 0);
    BOOST_TEST(contains(stack.log(), "rolling restart"));
}

BOOST_AUTO_TEST_SUITE_END()

// Each of these signals or stops something, so each has a stack of its own.
BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(healthz_follows_memcached_down_and_up) {
    Stack stack;
    HttpClient client;
    const std::string healthz = stack.https_url("/healthz");
    BOOST_TEST_REQUIRE(client.get(healthz).status == 200);

    stack.stop_memcached();
    HttpResponse down;
    const bool saw_503 = wait_until(15s, [&] {
        down = client.get(healthz);
        return down.status == 503;
    });
    BOOST_TEST_REQUIRE(saw_503, "last answer " << down.status << ": " << down.body);
    const auto body = down.json();
    BOOST_TEST(body.value("memcached", "") != "ok", "body: " << down.body);
    BOOST_TEST(body.value("status", "") != "ok");
    BOOST_TEST(body.value("db", "") == "ok");
    BOOST_TEST(down.header("Content-Type").value_or("").starts_with("application/json"));
    const std::string retry_after = down.header("Retry-After").value_or("");
    BOOST_TEST(!retry_after.empty());
    BOOST_TEST(retry_after.find_first_not_of("0123456789") == std::string::npos, "Retry-After: " << retry_after);

    stack.start_memcached();
    // Back to 200, and steadily: ten in a row, so every worker has its connection again (each retries a
    // dead server after libmemcached's retry timeout, so they may come back a moment apart).
    HttpResponse up;
    int in_a_row = 0;
    const bool back = wait_until(20s, [&] {
        up = client.get(healthz);
        in_a_row = up.status == 200 ? in_a_row + 1 : 0;
        return in_a_row >= 10;
    }, 50ms);
    BOOST_TEST(back, "last answer " << up.status << ": " << up.body << "\n" << stack.log_tail());
    BOOST_TEST(up.json() == nlohmann::json({{"status", "ok"}, {"db", "ok"}, {"memcached", "ok"}}));
}

BOOST_AUTO_TEST_CASE(sigterm_lets_the_request_in_flight_finish) {
    Stack stack;
    const pid_t master = stack.master_pid();
    auto slow = std::async(std::launch::async, [url = stack.https_url("/__test__/sleep?ms=2000")] {
        HttpClient client;
        return client.get(url);
    });
    // The TERM comes once a worker has the request, however slow the machine: the scoreboard shows two
    // busy workers, the one answering /status and the one sleeping.
    HttpClient watcher;
    const bool in_flight = wait_until(10s, [&] {
        try {
            const auto status = watcher.get(stack.https_url("/status"));
            if (status.status != 200) return false;
            const auto body = status.json();
            int busy = 0;
            for (const auto& worker : body.at("workers")) busy += worker.value("state", "") == "busy";
            return busy >= 2;
        } catch (const std::exception&) {
            return false;
        }
    }, 20ms);
    BOOST_TEST_REQUIRE(in_flight, "the slow request never reached a worker\n" << stack.log_tail());
    BOOST_TEST_REQUIRE(::kill(master, SIGTERM) == 0);

    BOOST_TEST_REQUIRE((slow.wait_for(15s) == std::future_status::ready), "the slow request did not finish");
    const auto r = slow.get();
    BOOST_TEST(r.status == 200, "body: " << r.body << "\n" << stack.log_tail());
    BOOST_TEST(r.body == R"({"slept_ms":2000})");
    BOOST_TEST(wait_until(15s, [&] { return !process_running(master); }),
               "the master is still running after its drain\n" << stack.log_tail());
    BOOST_TEST(contains(stack.log(), "draining"));
}

BOOST_AUTO_TEST_CASE(sigterm_to_the_stack_leaves_no_process_behind) {
    // As `make run`: stack.sh starts memcached itself, and the test hooks are off.
    StackOptions options;
    options.own_memcached = false;
    options.test_hooks = false;
    Stack stack(options);
    std::vector<pid_t> workers;
    {
        // Closed before the stop: nginx lingers up to 5 s on an idle kept-alive client when it quits.
        HttpClient client;
        BOOST_TEST(client.get(stack.https_url("/__test__/sleep?ms=1")).status == 404, "test hooks are off by default");
        workers = worker_pids(client, stack);
    }
    BOOST_TEST(workers.size() == 2u);

    const pid_t master = stack.master_pid();
    const pid_t nginx = stack.run_pid("nginx");
    const pid_t memcached = stack.run_pid("memcached");
    BOOST_TEST_REQUIRE(process_running(master));
    BOOST_TEST_REQUIRE(process_running(nginx));
    BOOST_TEST_REQUIRE(process_running(memcached));
    std::vector<pid_t> everything = descendants(stack.stack_pid());  // servers, workers, nginx's workers
    everything.insert(everything.end(), workers.begin(), workers.end());
    BOOST_TEST(everything.size() >= 6u, "process tree: " << nlohmann::json(everything).dump());

    const int status = stack.stop(15s);
    BOOST_TEST_REQUIRE(status != -1, "stack.sh did not stop within 15s");
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0, stack.log_tail());
    for (pid_t pid : everything) BOOST_TEST(!process_running(pid), "process " << pid << " is still running");
    for (const char* name : {"gatehouse", "nginx", "memcached"})
        BOOST_TEST(stack.run_pid(name) == 0, name << ".pid is left behind");
}

// A TERM that reaches a worker between its fork and its own handlers must not be lost: the master
// sends one to every worker, fresh ones included, when it starts to drain. Each round kills workers
// as fast as they come so the master keeps forking, then TERMs the master while it forks a batch of
// replacements, at a different point of that batch each time. A lost TERM leaves a worker running
// until the drain timeout kills it, which the master logs.
BOOST_AUTO_TEST_CASE(sigterm_while_the_master_forks_loses_no_signal) {
    constexpr int drain_timeout = 3;
    // From the first replacement of the last batch appearing to the TERM.
    for (const auto delay : {0us, 100us, 400us, 2000us, 20000us}) {
        BOOST_TEST_CONTEXT("TERM " << delay.count() << "us into a batch of forks") {
            StackOptions options;
            options.workers = 6;
            options.env = {{"GATEHOUSE_DRAIN_TIMEOUT", std::to_string(drain_timeout)}};
            Stack stack(options);
            const pid_t master = stack.master_pid();
            pid_t mailer = 0;
            const std::regex mailer_started(R"(mailer (\d+) started)");
            BOOST_TEST_REQUIRE(wait_until(10s, [&] {
                std::smatch m;
                const std::string log = stack.log();
                if (std::regex_search(log, m, mailer_started)) mailer = std::stoi(m[1]);
                return mailer > 0;
            }), "the mailer did not start\n" << stack.log_tail());
            std::set<pid_t> seen{mailer};

            // The storm: every worker dies as soon as it shows up.
            const auto storm_end = std::chrono::steady_clock::now() + 1200ms;
            while (std::chrono::steady_clock::now() < storm_end) {
                for (pid_t pid : children_of(master)) {
                    if (pid == mailer) continue;
                    seen.insert(pid);
                    ::kill(pid, SIGKILL);
                }
            }
            // The next batch: TERM the master once it is forking again.
            pid_t fresh = 0;
            const bool forking = wait_until(5s, [&] {
                for (pid_t pid : children_of(master))
                    if (!seen.count(pid)) fresh = pid;
                return fresh > 0;
            }, 0ms);
            BOOST_TEST_REQUIRE(forking, "the master forked no replacement\n" << stack.log_tail());
            const auto spin_until = std::chrono::steady_clock::now() + delay;
            while (std::chrono::steady_clock::now() < spin_until) {
            }
            BOOST_TEST_REQUIRE(::kill(master, SIGTERM) == 0);
            const auto termed = std::chrono::steady_clock::now();
            for (pid_t pid : children_of(master)) seen.insert(pid);

            const bool exited = wait_until(std::chrono::seconds(drain_timeout) + 3s,
                                           [&] { return !process_running(master); }, 10ms);
            const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - termed);
            BOOST_TEST(exited, "the master is still running " << took.count() << "ms after its TERM\n"
                                                                << stack.log_tail());
            // Idle workers and the mailer go at once on TERM; only one that lost it waits for the KILL.
            BOOST_TEST(lacks(stack.log(), "drain timeout"), stack.log_tail(30));
            BOOST_TEST(lacks(stack.log(), "killed by SIGTERM"), "a TERM that missed the child's own handler");
            for (pid_t pid : seen)
                BOOST_TEST(session_of(pid) != master, "process " << pid << " of the stack is still running");
            const auto left = session_members(master);
            BOOST_TEST(left.empty(), "left in the master's session: " << nlohmann::json(left).dump());
            BOOST_TEST_MESSAGE("TERM " << delay.count() << "us into a batch: the master exited in " << took.count()
                                       << "ms; " << seen.size() << " processes seen");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
