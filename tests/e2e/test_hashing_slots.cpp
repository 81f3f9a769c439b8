// The hashing slots in the running service (GATEHOUSE_HASH_SLOTS, GATEHOUSE_ARGON2_ARENA): logins
// through nginx and real workers hash in the arena and queue for a slot instead of failing, and a
// worker killed with SIGKILL in the middle of a hash gives its slot back through the master.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <map>
#include <mutex>
#include <thread>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;
using namespace std::chrono_literals;

namespace {

// One slot for every worker, with the arena: every login waits its turn for the same memory.
StackOptions one_slot(int workers, std::vector<std::pair<std::string, std::string>> more = {}) {
    StackOptions options;
    options.workers = workers;
    options.env = {{"GATEHOUSE_HASH_SLOTS", "1"}, {"GATEHOUSE_ARGON2_ARENA", "1"}};
    options.env.insert(options.env.end(), more.begin(), more.end());
    return options;
}

// The pid of a worker /status says is busy (0: none is).
pid_t busy_worker(HttpClient& client, const Stack& stack) {
    const auto r = client.get(stack.https_url("/status"));
    if (r.status != 200) return 0;
    const auto body = r.json();
    for (const auto& worker : body.at("workers"))
        if (worker.value("state", "") == "busy") return worker.at("pid").get<pid_t>();
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hashing_slots_stack)

BOOST_AUTO_TEST_CASE(concurrent_logins_queue_for_one_slot_and_all_succeed) {
    Stack stack(one_slot(3));
    const std::string email = unique_email("slots");
    {
        ApiClient api(stack);
        verified_user(api, email);
        BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", "Wrong-Passw0rd"}}), 401,
                            "no_active_account"));
    }
    std::mutex mutex;
    std::map<long, int> statuses;
    {
        std::vector<std::jthread> clients;
        for (int c = 0; c < 6; ++c) {
            clients.emplace_back([&] {
                ApiClient api(stack);
                for (int i = 0; i < 3; ++i) {
                    const auto r = api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}});
                    std::lock_guard lock(mutex);
                    ++statuses[r.status];
                }
            });
        }
    }
    BOOST_TEST(statuses[200] == 18, "answers: " << nlohmann::json(statuses).dump() << "\n" << stack.log_tail());
}

// A slow hash (t=20, about ten times the default) so that a worker killed while it answers a login is
// killed in the middle of the hash. With one slot, a slot lost with the worker would leave every later
// login waiting and then answered 503.
BOOST_AUTO_TEST_CASE(a_worker_killed_while_hashing_gives_its_slot_back) {
    Stack stack(one_slot(2, {{"GATEHOUSE_ARGON2_T", "20"}}));
    const std::string email = unique_email("slots-kill");
    {
        ApiClient api(stack);
        verified_user(api, email);
    }
    HttpClient watcher;
    bool freed = false;
    for (int attempt = 0; attempt < 10 && !freed; ++attempt) {
        std::jthread login([&] {
            ApiClient api(stack);
            (void)api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}});
        });
        pid_t victim = 0;
        wait_until(2s, [&] { return (victim = busy_worker(watcher, stack)) != 0; });
        std::this_thread::sleep_for(30ms);  // into the hash
        if (victim) kill(victim, SIGKILL);
        login.join();
        freed = wait_until(2s, [&] { return contains(stack.log(), "died hashing a password"); });
    }
    BOOST_TEST_REQUIRE(freed, "no worker was killed while hashing:\n" << stack.log_tail());

    ApiClient api(stack);
    for (int i = 0; i < 3; ++i) {
        const auto started = std::chrono::steady_clock::now();
        const auto r = api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST(r.status == 200, show(r));
        BOOST_TEST((std::chrono::steady_clock::now() - started < 3s), "a login waited for a lost slot");
    }
}

BOOST_AUTO_TEST_SUITE_END()
