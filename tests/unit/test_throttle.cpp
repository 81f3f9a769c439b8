// accounts::Throttle against a real memcached; time moved with a ManualClock.
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/errors.hpp"
#include "memcached_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>

using gatehouse::accounts::Throttle;
using gatehouse::core::ManualClock;
using gatehouse::store::Cache;

namespace {

constexpr int kWindow = 900;                    // 15 min
constexpr std::int64_t kStart = 1'699'999'300;  // 100 s past a quarter hour

struct ThrottleFixture {
    gatehouse::test::Memcached memcached;
    Cache cache{memcached.socket};
    ManualClock clock{kStart};
    Throttle throttle{cache, clock, true};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(throttle, ThrottleFixture)

BOOST_AUTO_TEST_CASE(five_allowed_then_the_sixth_refused_until_retry_after) {
    for (int i = 1; i <= 5; ++i) {
        BOOST_TEST_CONTEXT("attempt " << i) {
            const auto d = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
            BOOST_TEST(d.allowed);
            BOOST_TEST(d.retry_after == 0);
        }
    }
    const auto refused = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after == kWindow);  // all five were just now

    clock.advance(std::chrono::seconds(kWindow - 1));  // the last second: still refused, 1 s to go
    const auto last = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    BOOST_TEST(!last.allowed);
    BOOST_TEST(last.retry_after == 1);
    clock.advance(std::chrono::seconds(1));
    for (int i = 0; i < 5; ++i) BOOST_TEST(throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
    BOOST_TEST(!throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
}

BOOST_AUTO_TEST_CASE(the_window_slides_one_attempt_at_a_time) {
    // Attempts at 0, 100, 200, 300, 400 s: the sixth waits until the first is 900 s old, then the
    // seventh until the second is.
    for (int i = 0; i < 5; ++i) {
        BOOST_TEST(throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
        clock.advance(std::chrono::seconds(100));
    }
    const auto refused = throttle.hit("login_fail", "alice@example.org", 5, kWindow);  // at 500 s
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after == 400);
    clock.advance(std::chrono::seconds(400));
    BOOST_TEST(throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);  // at 900 s
    const auto next = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    BOOST_TEST(!next.allowed);
    BOOST_TEST(next.retry_after == 100);
}

BOOST_AUTO_TEST_CASE(a_burst_across_the_edge_of_a_clock_window_is_still_one_burst) {
    // A fixed-window limiter would let five more through at a quarter hour's edge.
    clock.advance(std::chrono::seconds(kWindow - kStart % kWindow - 2));  // 2 s before a quarter hour
    for (int i = 0; i < 3; ++i) BOOST_TEST(throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
    clock.advance(std::chrono::seconds(3));  // 1 s past it
    for (int i = 0; i < 2; ++i) BOOST_TEST(throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
    BOOST_TEST(!throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);  // 6 in 3 s
    BOOST_TEST(!throttle.peek("login_fail", "alice@example.org", 5, kWindow).allowed);
}

BOOST_AUTO_TEST_CASE(refused_attempts_do_not_count) {
    for (int i = 0; i < 5; ++i) throttle.hit("otp_send", "bob", 5, 3600);
    clock.advance(std::chrono::seconds(10));
    const auto first = throttle.hit("otp_send", "bob", 5, 3600);
    BOOST_REQUIRE(!first.allowed);
    BOOST_TEST(first.retry_after == 3590);
    for (int i = 0; i < 20; ++i) {
        const auto again = throttle.hit("otp_send", "bob", 5, 3600);
        BOOST_TEST(!again.allowed);
        BOOST_TEST(again.retry_after == first.retry_after);  // hammering does not push it further
    }
    clock.advance(std::chrono::seconds(first.retry_after));
    BOOST_TEST(throttle.hit("otp_send", "bob", 5, 3600).allowed);
}

BOOST_AUTO_TEST_CASE(peek_does_not_count) {
    for (int i = 0; i < 20; ++i) BOOST_TEST(throttle.peek("login_fail", "bob", 5, kWindow).allowed);
    for (int i = 0; i < 4; ++i) BOOST_TEST(throttle.hit("login_fail", "bob", 5, kWindow).allowed);
    BOOST_TEST(throttle.peek("login_fail", "bob", 5, kWindow).allowed);  // one more would be the 5th
    BOOST_TEST(throttle.peek("login_fail", "bob", 5, kWindow).allowed);
    BOOST_TEST(throttle.hit("login_fail", "bob", 5, kWindow).allowed);
    clock.advance(std::chrono::seconds(60));
    const auto d = throttle.peek("login_fail", "bob", 5, kWindow);
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.retry_after == kWindow - 60);
}

BOOST_AUTO_TEST_CASE(reset_forgets_every_attempt) {
    for (int i = 0; i < 5; ++i) throttle.hit("login_fail", "carol", 5, kWindow);
    BOOST_TEST(!throttle.peek("login_fail", "carol", 5, kWindow).allowed);
    throttle.reset("login_fail", "carol", kWindow);
    BOOST_TEST(throttle.peek("login_fail", "carol", 5, kWindow).allowed);
    for (int i = 0; i < 5; ++i) BOOST_TEST(throttle.hit("login_fail", "carol", 5, kWindow).allowed);
    BOOST_TEST(!throttle.hit("login_fail", "carol", 5, kWindow).allowed);
    throttle.reset("login_fail", "never-seen", kWindow);  // nothing to forget: no error
}

BOOST_AUTO_TEST_CASE(an_unreadable_stored_value_counts_as_no_attempts) {
    const std::string key =
        "th:login_fail:900:" + gatehouse::core::hex_encode(gatehouse::core::sha256("dan")).substr(0, 32);
    cache.set(key, "garbage -5x 12e3  ", 60);
    BOOST_TEST(throttle.hit("login_fail", "dan", 1, kWindow).allowed);
    BOOST_TEST(!throttle.hit("login_fail", "dan", 1, kWindow).allowed);
}

BOOST_AUTO_TEST_CASE(disabled_always_allows_and_needs_no_memcached) {
    Throttle off(cache, clock, false);
    for (int i = 0; i < 50; ++i) BOOST_TEST(off.hit("login_ip", "10.0.0.1", 1, 60).allowed);
    BOOST_TEST(off.peek("login_ip", "10.0.0.1", 1, 60).allowed);
    BOOST_TEST(!cache.get("th:login_ip:60:" + gatehouse::core::hex_encode(gatehouse::core::sha256("10.0.0.1")).substr(0, 32))
                    .has_value());
    memcached.stop();
    BOOST_TEST(off.hit("login_ip", "10.0.0.1", 1, 60).allowed);
    BOOST_CHECK_NO_THROW(off.reset("login_ip", "10.0.0.1", 60));
}

BOOST_AUTO_TEST_CASE(distinct_subjects_and_scopes_are_independent) {
    for (int i = 0; i < 5; ++i) throttle.hit("login_fail", "dave", 5, kWindow);
    BOOST_TEST(!throttle.hit("login_fail", "dave", 5, kWindow).allowed);
    BOOST_TEST(throttle.hit("login_fail", "erin", 5, kWindow).allowed);
    BOOST_TEST(throttle.hit("login_fail", "Dave", 5, kWindow).allowed);   // callers normalise case
    BOOST_TEST(throttle.hit("reset_email", "dave", 5, kWindow).allowed);
    BOOST_TEST(throttle.hit("login_fail", "dave", 5, 3600).allowed);      // another window length, another counter
}

BOOST_AUTO_TEST_CASE(keys_are_hashed_and_memcached_safe) {
    const std::string subject = "user name with spaces\r\n\xE2\x82\xAC@example.org";
    BOOST_TEST(throttle.hit("otp_send", subject, 5, 3600).allowed);
    const std::string long_subject(5000, 'x');
    BOOST_TEST(throttle.hit("otp_send", long_subject, 5, 3600).allowed);
    BOOST_TEST(throttle.hit("otp_send", "", 5, 3600).allowed);

    const std::string key = "th:otp_send:3600:" + gatehouse::core::hex_encode(gatehouse::core::sha256(subject)).substr(0, 32);
    BOOST_TEST(cache.get(key).value_or("") == std::to_string(kStart));
    clock.advance(std::chrono::seconds(5));
    BOOST_TEST(throttle.hit("otp_send", subject, 5, 3600).allowed);
    BOOST_TEST(cache.get(key).value_or("") == std::to_string(kStart) + " " + std::to_string(kStart + 5));
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused) {
    BOOST_CHECK_THROW(throttle.hit("", "s", 5, 60), std::invalid_argument);
    BOOST_CHECK_THROW(throttle.hit("has space", "s", 5, 60), std::invalid_argument);
    BOOST_CHECK_THROW(throttle.hit(std::string(65, 's'), "s", 5, 60), std::invalid_argument);
    BOOST_CHECK_THROW(throttle.hit("scope", "s", 0, 60), std::invalid_argument);
    BOOST_CHECK_THROW(throttle.hit("scope", "s", 5, 0), std::invalid_argument);
    BOOST_CHECK_THROW(throttle.peek("scope", "s", 5, -1), std::invalid_argument);
    BOOST_CHECK_THROW(throttle.reset("scope", "s", 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(memcached_down_is_unavailable) {
    memcached.stop();
    BOOST_CHECK_THROW(throttle.hit("login_fail", "frank", 5, kWindow), gatehouse::core::Unavailable);
    BOOST_CHECK_THROW(throttle.peek("login_fail", "frank", 5, kWindow), gatehouse::core::Unavailable);
    BOOST_CHECK_THROW(throttle.reset("login_fail", "frank", kWindow), gatehouse::core::Unavailable);
}

BOOST_AUTO_TEST_CASE(parallel_workers_cannot_overshoot) {
    // Four "workers", each with its own memcached handle, hammer one counter: exactly `limit` pass.
    std::atomic<int> allowed{0}, errors{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&] {
            try {
                Cache own(memcached.socket);
                Throttle t(own, clock, true);
                for (int i = 0; i < 25; ++i)
                    if (t.hit("login_ip", "192.0.2.7", 30, 60).allowed) ++allowed;
            } catch (const std::exception&) {
                ++errors;
            }
        });
    }
    for (auto& w : workers) w.join();
    BOOST_TEST(errors.load() == 0);
    BOOST_TEST(allowed.load() == 30);
}

BOOST_AUTO_TEST_SUITE_END()
