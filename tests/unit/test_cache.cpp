// store::Cache against a real memcached on a unix socket in a temp dir.
#include "gatehouse/core/errors.hpp"
#include "gatehouse/store/cache.hpp"
#include "memcached_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

using gatehouse::core::Unavailable;
using gatehouse::store::Cache;
using namespace std::chrono_literals;

using gatehouse::test::Memcached;

BOOST_FIXTURE_TEST_SUITE(cache, Memcached)

BOOST_AUTO_TEST_CASE(get_set_remove) {
    Cache cache(socket);
    BOOST_TEST(!cache.get("missing").has_value());
    cache.set("k", "v1", 60);
    BOOST_TEST(cache.get("k").value_or("") == "v1");
    cache.set("k", std::string("v\0\xff", 3), 60);  // set overwrites; values are bytes
    BOOST_TEST(cache.get("k").value_or("") == std::string("v\0\xff", 3));
    BOOST_TEST(cache.remove("k"));
    BOOST_TEST(!cache.remove("k"));
    BOOST_TEST(!cache.get("k").has_value());
    BOOST_TEST(cache.ping());
}

BOOST_AUTO_TEST_CASE(ping_asks_every_server) {
    BOOST_TEST(Cache(socket).ping());
    // Two servers, one of them gone: the health check must say so, whatever a key would hash to.
    BOOST_TEST(!Cache(socket + "," + tmp.file("nobody.sock")).ping());
}

BOOST_AUTO_TEST_CASE(add_does_not_overwrite) {
    Cache cache(socket);
    BOOST_TEST(cache.add("session:1", "first", 60));
    BOOST_TEST(!cache.add("session:1", "second", 60));
    BOOST_TEST(cache.get("session:1").value_or("") == "first");
}

BOOST_AUTO_TEST_CASE(increment_starts_at_by_then_accumulates) {
    Cache cache(socket);
    BOOST_TEST(cache.increment("hits", 5, 60) == 5u);
    BOOST_TEST(cache.increment("hits", 2, 60) == 7u);
    BOOST_TEST(cache.increment("hits", 1, 60) == 8u);
    BOOST_TEST(cache.get("hits").value_or("") == "8");
    BOOST_TEST(cache.increment("other", 1, 60) == 1u);
}

BOOST_AUTO_TEST_CASE(bad_keys_are_refused) {
    Cache cache(socket);
    BOOST_CHECK_THROW(cache.get(""), std::invalid_argument);
    BOOST_CHECK_THROW(cache.set("has space", "v", 60), std::invalid_argument);
    BOOST_CHECK_THROW(cache.add("new\nline", "v", 60), std::invalid_argument);
    BOOST_CHECK_THROW(cache.get(std::string(251, 'k')), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(ttl_expires) {
    Cache cache(socket);
    cache.set("short", "v", 1);
    cache.set("long", "v", 60);
    BOOST_TEST(cache.get("short").has_value());
    std::this_thread::sleep_for(2100ms);  // memcached's clock ticks in whole seconds
    BOOST_TEST(!cache.get("short").has_value());
    BOOST_TEST(cache.get("long").has_value());
}

// The health check's own first call after memcached died must see it (libmemcached remembers a
// server's version, so a version request is not a round trip after the first).
BOOST_AUTO_TEST_CASE(ping_sees_a_server_that_died_after_the_last_ping, *boost::unit_test::timeout(30)) {
    Cache cache(socket);
    BOOST_TEST_REQUIRE(cache.ping());
    BOOST_TEST_REQUIRE(cache.ping());
    stop();
    BOOST_TEST(!cache.ping());
    start();
    bool back = false;
    for (auto deadline = std::chrono::steady_clock::now() + 5s; !back && std::chrono::steady_clock::now() < deadline;) {
        back = cache.ping();
        if (!back) std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(back);
}

BOOST_AUTO_TEST_CASE(unavailable_then_recovers, *boost::unit_test::timeout(30)) {
    Cache cache(socket);
    cache.set("k", "v", 60);
    stop();

    const auto before = std::chrono::steady_clock::now();
    BOOST_CHECK_THROW(cache.get("k"), Unavailable);
    BOOST_CHECK_THROW(cache.set("k", "v", 60), Unavailable);
    BOOST_CHECK_THROW(cache.add("k2", "v", 60), Unavailable);
    BOOST_CHECK_THROW(cache.increment("n", 1, 60), Unavailable);
    BOOST_TEST(!cache.ping());
    const auto took = std::chrono::steady_clock::now() - before;
    BOOST_TEST((took < 5s));  // fails fast, does not hang

    start();
    bool recovered = false;
    for (auto deadline = std::chrono::steady_clock::now() + 5s; !recovered && std::chrono::steady_clock::now() < deadline;) {
        try {
            cache.set("k", "again", 60);
            recovered = true;
        } catch (const Unavailable&) {
            std::this_thread::sleep_for(100ms);
        }
    }
    BOOST_REQUIRE(recovered);
    BOOST_TEST(cache.get("k").value_or("") == "again");
    BOOST_TEST(cache.add("k2", "v", 60));
    BOOST_TEST(cache.increment("n", 3, 60) == 3u);
}

// A worker that made no call while memcached was away still holds its connection to the old server:
// its first call once the new one is up must succeed, not pay a 503 for the dead connection.
BOOST_AUTO_TEST_CASE(the_first_call_after_a_restart_succeeds, *boost::unit_test::timeout(30)) {
    for (int round = 0; round < 3; ++round) {
        Cache cache(socket);
        cache.set("k", "v", 60);
        stop();
        start();
        BOOST_CHECK_NO_THROW(BOOST_TEST(!cache.get("k").has_value()));
        BOOST_CHECK_NO_THROW(cache.set("k", "again", 60));
        BOOST_CHECK_NO_THROW(BOOST_TEST(cache.increment("n", 1, 60) == 1u));
    }
    // each kind of call, each the first on a dead connection
    Cache cache(socket);
    cache.set("k", "v", 60);
    stop();
    start();
    BOOST_CHECK_NO_THROW(cache.set("k", "v", 60));
    stop();
    start();
    BOOST_CHECK_NO_THROW(BOOST_TEST(cache.add("a", "v", 60)));
    stop();
    start();
    BOOST_CHECK_NO_THROW(BOOST_TEST(cache.increment("n", 2, 60) == 2u));
    stop();
    start();
    BOOST_CHECK_NO_THROW(BOOST_TEST(!cache.gets("k").has_value()));
    stop();
    start();
    BOOST_CHECK_NO_THROW(BOOST_TEST(!cache.remove("k")));
}

// Many failed calls while memcached is away do not put it "in timeout": the first call once it is
// back succeeds, even within the same second as the last failure (libmemcached's timeouts count in
// whole seconds).
BOOST_AUTO_TEST_CASE(many_failures_do_not_keep_a_server_that_is_back_disabled, *boost::unit_test::timeout(30)) {
    Cache cache(socket);
    cache.set("k", "v", 60);
    // Start at the beginning of a second, so the failures and the restart share it.
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    std::this_thread::sleep_for(std::chrono::seconds(1) - (now % std::chrono::seconds(1)) + 10ms);
    stop();
    for (int i = 0; i < 20; ++i) BOOST_CHECK_THROW(cache.get("k"), Unavailable);
    start();
    BOOST_CHECK_NO_THROW(cache.set("k", "back", 60));
    BOOST_CHECK_NO_THROW(BOOST_TEST(cache.get("k").value_or("") == "back"));
}

BOOST_AUTO_TEST_SUITE_END()
