// `make run`'s supervision, through nginx/stack.sh as `make run` runs it (stack.sh starts memcached
// itself): a killed server comes back while the others keep running, a crash loop stops the stack,
// and stop signals — two in a row at several gaps, or one during start-up — leave nothing running.
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

StackOptions as_make_run() {
    StackOptions options;
    options.own_memcached = false;
    options.env = {{"GATEHOUSE_DRAIN_TIMEOUT", "5"}};
    return options;
}

// GET /healthz: its status, or 0 when no answer came (connection refused, reset, timeout).
int healthz(HttpClient& client, const Stack& stack) {
    try {
        return client.get(stack.https_url("/healthz")).status;
    } catch (const HttpError&) {
        return 0;
    }
}

struct Recovery {
    std::set<int> seen;          // every status seen until healthy again (0: no answer)
    std::chrono::milliseconds took{};
    bool healthy = false;
};

// Polls /healthz with fresh connections until it answers 200 (or the timeout passes).
Recovery until_healthy(const Stack& stack, std::chrono::seconds timeout = 10s) {
    HttpClient client({.follow_redirects = false, .cookies = false, .timeout_seconds = 2, .connect_timeout_seconds = 1});
    Recovery recovery;
    const auto start = Clock::now();
    while (Clock::now() - start < timeout) {
        const int status = healthz(client, stack);
        if (status == 200) {
            recovery.healthy = true;
            break;
        }
        recovery.seen.insert(status);
        std::this_thread::sleep_for(20ms);
    }
    recovery.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return recovery;
}

// Every process the stack runs now: the servers and what runs in their sessions.
std::vector<pid_t> everything_of(const Stack& stack) {
    std::vector<pid_t> pids = descendants(stack.stack_pid());
    for (const char* name : {"gatehouse", "nginx", "memcached"})
        if (const pid_t server = stack.run_pid(name); server > 0) {
            pids.push_back(server);
            for (pid_t member : session_members(server)) pids.push_back(member);
        }
    return pids;
}

// A pid file's process, once it differs from `old` (a restarted server writes its new pid).
pid_t new_pid(const Stack& stack, const char* name, pid_t old) {
    pid_t now = 0;
    wait_until(10s, [&] {
        now = stack.run_pid(name);
        return now > 0 && now != old && process_running(now);
    });
    return now;
}

void expect_nothing_left(const std::vector<pid_t>& pids, const std::string& when) {
    for (pid_t pid : pids)
        BOOST_TEST(!process_running(pid), when << ": process " << pid << " is still running");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(supervision)

BOOST_AUTO_TEST_CASE(a_killed_server_is_restarted_and_the_others_keep_running) {
    Stack stack(as_make_run());
    for (const char* victim : {"memcached", "nginx", "gatehouse"}) {
        BOOST_TEST_CONTEXT(victim) {
            const pid_t old = stack.run_pid(victim);
            BOOST_TEST_REQUIRE(old > 0);
            std::vector<pid_t> others, old_session = session_members(old);
            for (const char* name : {"gatehouse", "nginx", "memcached"})
                if (std::string(name) != victim) others.push_back(stack.run_pid(name));

            BOOST_TEST_REQUIRE(::kill(old, SIGKILL) == 0);
            const auto recovery = until_healthy(stack);
            BOOST_TEST_MESSAGE(victim << " killed: healthy again after " << recovery.took.count() << " ms");
            BOOST_TEST(recovery.healthy, victim << " did not come back; " << stack.log_tail());
            BOOST_TEST(recovery.took < 3000ms);
            if (std::string(victim) == "memcached")  // the workers answer for themselves meanwhile
                for (int status : recovery.seen) BOOST_TEST(status == 503, "while memcached was away: " << status);

            const pid_t fresh = new_pid(stack, victim, old);
            BOOST_TEST(fresh > 0, "no new " << victim << " process");
            for (pid_t other : others) BOOST_TEST(process_running(other), "pid " << other << " did not keep running");
            BOOST_TEST(contains(stack.log(), "killed by SIGKILL; restarting it"));
            // What the dead server left in its session (a master's workers, nginx's workers) goes too.
            BOOST_TEST(wait_until(10s, [&] {
                for (pid_t pid : old_session)
                    if (process_running(pid)) return false;
                return true;
            }), "the old " << victim << "'s processes are still running");
        }
    }
    BOOST_TEST((stack.stack_pid() > 0 && process_running(stack.stack_pid())), "stack.sh itself is gone");
    const auto everything = everything_of(stack);
    const int status = stack.stop(30s);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), stack.log_tail());
    expect_nothing_left(everything, "after the stop");
}

BOOST_AUTO_TEST_CASE(a_crash_loop_stops_the_stack_with_an_error) {
    Stack stack(as_make_run());
    std::vector<pid_t> seen = everything_of(stack);
    int kills = 0;
    // memcached dies again each time it is back: the sixth death within 30 s is one too many.
    while (kills < 10 && process_running(stack.stack_pid())) {
        const pid_t memcached = stack.run_pid("memcached");
        if (memcached <= 0 || !process_running(memcached)) {
            std::this_thread::sleep_for(20ms);
            continue;
        }
        ::kill(memcached, SIGKILL);
        ++kills;
        wait_until(5s, [&] {
            const pid_t now = stack.run_pid("memcached");
            return !process_running(stack.stack_pid()) || (now != memcached && process_running(now));
        });
        for (pid_t pid : everything_of(stack)) seen.push_back(pid);
    }
    BOOST_TEST(kills == 6, "stack.sh gave up after " << kills << " deaths");
    BOOST_TEST(wait_until(30s, [&] { return !process_running(stack.stack_pid()); }));
    const int status = stack.stop(5s);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 1, stack.log_tail());
    BOOST_TEST(contains(stack.log(), "after 5 restarts in 30s: giving up"));
    expect_nothing_left(seen, "after the crash loop");
}

// make passes a Ctrl-C or a TERM on to the script after its process group already got it: two
// signals in a row must still stop everything, whatever the gap between them.
BOOST_AUTO_TEST_CASE(two_stop_signals_at_any_gap_stop_everything) {
    for (const auto gap : {0ms, 50ms, 300ms, 1500ms}) {
        BOOST_TEST_CONTEXT("gap " << gap.count() << " ms") {
            Stack stack(as_make_run());
            {
                HttpClient client;  // closed before the stop (nginx lingers on an idle kept-alive client)
                BOOST_TEST_REQUIRE(client.get(stack.https_url("/accounts/login/")).status == 200);
            }
            const auto everything = everything_of(stack);
            BOOST_TEST_REQUIRE(everything.size() >= 6u);
            ::kill(-stack.stack_pid(), SIGTERM);  // the whole group, as a terminal or make sends it
            std::this_thread::sleep_for(gap);
            ::kill(stack.stack_pid(), SIGTERM);
            const int status = stack.stop(40s);
            BOOST_TEST_REQUIRE(status != -1, "stack.sh did not end; " << stack.log_tail());
            BOOST_TEST(WIFEXITED(status));
            expect_nothing_left(everything, "after two TERMs");
            for (const char* name : {"gatehouse", "memcached"})
                BOOST_TEST(stack.run_pid(name) == 0, name << ".pid is left behind");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_stop_signal_during_start_up_stops_everything) {
    for (const auto after : {50ms, 250ms, 600ms, 1200ms}) {
        BOOST_TEST_CONTEXT("TERM " << after.count() << " ms after the start") {
            StackOptions options = as_make_run();
            options.wait_healthy = false;
            Stack stack(options);
            std::vector<pid_t> seen;
            const auto signal_at = Clock::now() + after;
            while (Clock::now() < signal_at) {  // whatever it has started so far
                for (pid_t pid : everything_of(stack)) seen.push_back(pid);
                std::this_thread::sleep_for(5ms);
            }
            for (pid_t pid : everything_of(stack)) seen.push_back(pid);
            ::kill(-stack.stack_pid(), SIGINT);  // Ctrl-C
            const int status = stack.stop(40s);
            BOOST_TEST_REQUIRE(status != -1, "stack.sh did not end; " << stack.log_tail());
            BOOST_TEST(WIFEXITED(status));
            BOOST_TEST(WEXITSTATUS(status) == 0, stack.log_tail());
            // Anything it started while the signal was on its way.
            for (const char* name : {"gatehouse", "nginx", "memcached"})
                BOOST_TEST(!process_running(stack.run_pid(name)), name << " is still running");
            expect_nothing_left(seen, "after a TERM during start-up");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
