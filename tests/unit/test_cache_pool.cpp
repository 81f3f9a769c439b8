// store::Cache over a pool of three real memcached servers (unix sockets in temp dirs) with one
// replica: where each key lives, what survives the death of a server, and a server coming back.
// Each server is also asked directly, through a Cache made of that server alone.
#include "gatehouse/accounts/one_time_codes.hpp"
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/store/cache.hpp"
#include "memcached_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <chrono>
#include <set>
#include <thread>

using gatehouse::accounts::CodeCheck;
using gatehouse::accounts::OneTimeCodes;
using gatehouse::accounts::Throttle;
using gatehouse::core::ManualClock;
using gatehouse::store::Cache;
using namespace std::chrono_literals;

namespace {

// The setting under test; 0 makes every survival test below fail.
constexpr int kReplicas = 1;

// A server found down is skipped for 1 to 2 s before it is tried again.
constexpr auto kRetryAfter = 2200ms;

struct Pool {
    std::array<gatehouse::test::Memcached, 3> servers;
    std::string list() const { return servers[0].socket + "," + servers[1].socket + "," + servers[2].socket; }
    // What server i alone holds under `key`.
    std::optional<std::string> on(std::size_t i, const std::string& key) { return Cache(servers[i].socket).get(key); }
    std::set<std::uint32_t> holders(const std::string& key) {
        std::set<std::uint32_t> out;
        for (std::uint32_t i = 0; i < servers.size(); ++i)
            if (servers[i].pid > 0 && on(i, key)) out.insert(i);  // a stopped server holds nothing
        return out;
    }
};

// A key whose own server is `server`.
std::string key_on(Cache& cache, std::uint32_t server, const std::string& prefix) {
    for (int n = 0;; ++n) {
        std::string key = prefix + std::to_string(n);
        if (cache.servers_of(key).front() == server) return key;
    }
}

const std::string kSecret = "test-secret-key-of-some-length-0123456789";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cache_pool, Pool)

// The key's own server is the one libmemcached's ketama picks without replicas, its copy is on the
// next server of the list, and nowhere else.
BOOST_AUTO_TEST_CASE(a_key_lives_on_its_ketama_server_and_the_next, *boost::unit_test::timeout(30)) {
    Cache pool(list(), kReplicas);
    Cache plain(list());  // no replicas: libmemcached places the key by itself
    BOOST_TEST(pool.servers() == 3u);
    for (std::uint32_t server = 0; server < 3; ++server) {
        const std::string key = key_on(pool, server, "sess:placement");
        plain.set(key, "plain", 60);
        BOOST_TEST(holders(key) == std::set<std::uint32_t>{server}, "ketama without replicas puts it on its own server");
        BOOST_TEST(pool.remove(key));
        BOOST_TEST(pool.add(key, "record", 60));
        BOOST_TEST(holders(key) == (std::set<std::uint32_t>{server, (server + 1) % 3}));
        BOOST_TEST(pool.increment(key + ":n", 2, 60) == 2u);
        BOOST_TEST(pool.increment(key + ":n", 1, 60) == 3u);
        for (const std::uint32_t holder : pool.servers_of(key + ":n")) BOOST_TEST(on(holder, key + ":n").value_or("") == "3");
        const auto read = pool.gets(key);
        BOOST_TEST_REQUIRE(read.has_value());
        BOOST_TEST(pool.cas(key, "swapped", 60, *read));
        BOOST_TEST(on(server, key).value_or("") == "swapped");
        BOOST_TEST(on((server + 1) % 3, key).value_or("") == "swapped", "a swapped value reaches the replica");
        BOOST_TEST(pool.remove(key));
        BOOST_TEST(holders(key).empty(), "a removed key is gone from its replica too");
    }
}

// A session-like record (added once, read at every request, set when touched) is still read after its
// own server died, and one added meanwhile is stored and read too.
BOOST_AUTO_TEST_CASE(a_session_record_survives_its_server, *boost::unit_test::timeout(30)) {
    Cache pool(list(), kReplicas);
    const std::string key = key_on(pool, 1, "sess:");
    const std::string record = R"({"u":7,"l":3,"e":1900000000,"t":1700000000,"r":true,"p":"abc"})";
    BOOST_TEST_REQUIRE(pool.add(key, record, 600));
    BOOST_TEST_REQUIRE(on(1, key).value_or("") == record, "server 1 holds the first copy");
    servers[1].stop();
    BOOST_TEST(pool.get(key).value_or("") == record);
    pool.set(key, record + " ", 600);  // touched
    BOOST_TEST(pool.get(key).value_or("") == record + " ");
    const std::string another = key_on(pool, 1, "sess:new");
    BOOST_TEST(pool.add(another, "new session", 600));
    BOOST_TEST(pool.get(another).value_or("") == "new session");
    BOOST_TEST(!pool.ping(), "the check names the pool incomplete");
    BOOST_TEST(pool.every_key_has_a_copy(), "but no key is out of reach: /healthz stays up");
    servers[2].stop();
    BOOST_TEST(!pool.every_key_has_a_copy(), "two of three down: some keys have no server left");
}

// A code the user is about to type still checks after any one server died, single use included;
// and its tries counter keeps counting across the death.
BOOST_AUTO_TEST_CASE(a_one_time_code_survives_the_death_of_any_one_server, *boost::unit_test::timeout(60)) {
    for (std::size_t dead = 0; dead < 3; ++dead) {
        BOOST_TEST_CONTEXT("server " << dead << " dies") {
            Cache pool(list(), kReplicas);
            ManualClock clock;
            OneTimeCodes codes(pool, clock, kSecret);
            const std::string code = codes.issue("login", "user:7", 600);
            const std::string counted = codes.issue("reset", "user:7", 600);
            std::string wrong = counted;
            wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
            BOOST_TEST_REQUIRE((codes.check("reset", "user:7", wrong, 2) == CodeCheck::Invalid));
            servers[dead].stop();
            BOOST_TEST((codes.check("login", "user:7", code, 5) == CodeCheck::Valid));
            BOOST_TEST((codes.check("login", "user:7", code, 5) == CodeCheck::Expired), "still good once only");
            BOOST_TEST((codes.check("reset", "user:7", wrong, 2) == CodeCheck::Invalid));
            BOOST_TEST((codes.check("reset", "user:7", counted, 2) == CodeCheck::Expired), "the third try of two");
            servers[dead].start();
        }
    }
}

// Three attempts of three in the window: a fourth is refused after the server died, and after it came
// back empty (the attempts written while it was down live on the replica only).
BOOST_AUTO_TEST_CASE(a_throttle_count_survives_the_death_of_any_one_server, *boost::unit_test::timeout(60)) {
    for (std::size_t dead = 0; dead < 3; ++dead) {
        BOOST_TEST_CONTEXT("server " << dead << " dies") {
            Cache pool(list(), kReplicas);
            ManualClock clock;
            Throttle throttle(pool, clock, true);
            const std::string who = "someone-" + std::to_string(dead);
            BOOST_TEST_REQUIRE(throttle.hit("login-fail", who, 3, 300).allowed);
            BOOST_TEST_REQUIRE(throttle.hit("login-fail", who, 3, 300).allowed);
            servers[dead].stop();
            BOOST_TEST(throttle.hit("login-fail", who, 3, 300).allowed);
            BOOST_TEST(!throttle.hit("login-fail", who, 3, 300).allowed, "the count survived");
            servers[dead].start();
            std::this_thread::sleep_for(kRetryAfter);
            BOOST_TEST(!throttle.peek("login-fail", who, 3, 300).allowed, "and survives the empty server's return");
            BOOST_TEST(!throttle.hit("login-fail", who, 3, 300).allowed);
        }
    }
}

// A dead server is skipped, then used again once it is back: what is written after is on it.
BOOST_AUTO_TEST_CASE(a_server_that_comes_back_is_used_again, *boost::unit_test::timeout(30)) {
    Cache pool(list(), kReplicas);
    servers[0].stop();
    const std::string before = key_on(pool, 0, "sess:before");
    BOOST_TEST(pool.add(before, "while down", 600));
    BOOST_TEST(holders(before) == std::set<std::uint32_t>{1});
    servers[0].start();
    std::this_thread::sleep_for(kRetryAfter);
    const std::string after = key_on(pool, 0, "sess:after");
    BOOST_TEST(pool.add(after, "back", 600));
    BOOST_TEST(holders(after) == (std::set<std::uint32_t>{0, 1}), "server 0 is used again");
    BOOST_TEST(pool.get(before).value_or("") == "while down", "its own server is empty: the replica answers");
    BOOST_TEST(pool.ping());
}

BOOST_AUTO_TEST_CASE(replicas_must_be_fewer_than_servers) {
    BOOST_CHECK_THROW(Cache(list(), 3), std::invalid_argument);
    BOOST_CHECK_THROW(Cache(servers[0].socket, 1), std::invalid_argument);
    BOOST_CHECK_NO_THROW(Cache(list(), 2));
}

BOOST_AUTO_TEST_SUITE_END()
