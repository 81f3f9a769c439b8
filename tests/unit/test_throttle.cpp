// accounts::Throttle against a real memcached; windows moved with a ManualClock.
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

constexpr int kWindow = 900;                       // 15 min
constexpr std::int64_t kStart = 1'699'999'300;     // kStart % 900 == 100: 800 s left in the window

struct ThrottleFixture {
    gatehouse::test::Memcached memcached;
    Cache cache{memcached.socket};
    ManualClock clock{kStart};
    Throttle throttle{cache, clock, true};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(throttle, ThrottleFixture)

BOOST_AUTO_TEST_CASE(five_allowed_then_the_sixth_refused_with_retry_after) {
    BOOST_REQUIRE(kStart % kWindow == 100);
    for (int i = 1; i <= 5; ++i) {
        BOOST_TEST_CONTEXT("attempt " << i) {
            const auto d = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
            BOOST_TEST(d.allowed);
            BOOST_TEST(d.retry_after == 0);
        }
    }
    const auto refused = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after == 800);

    clock.advance(std::chrono::seconds(799));  // last second of the window: still refused, 1 s to go
    const auto last = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    BOOST_TEST(!last.allowed);
    BOOST_TEST(last.retry_after == 1);
}

BOOST_AUTO_TEST_CASE(a_new_window_allows_again) {
    for (int i = 0; i < 6; ++i) throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    const auto refused = throttle.hit("login_fail", "alice@example.org", 5, kWindow);
    BOOST_REQUIRE(!refused.allowed);
    clock.advance(std::chrono::seconds(refused.retry_after));
    for (int i = 0; i < 5; ++i) BOOST_TEST(throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
    BOOST_TEST(!throttle.hit("login_fail", "alice@example.org", 5, kWindow).allowed);
}

BOOST_AUTO_TEST_CASE(peek_does_not_count) {
    for (int i = 0; i < 20; ++i) BOOST_TEST(throttle.peek("login_fail", "bob", 5, kWindow).allowed);
    for (int i = 0; i < 4; ++i) BOOST_TEST(throttle.hit("login_fail", "bob", 5, kWindow).allowed);
    BOOST_TEST(throttle.peek("login_fail", "bob", 5, kWindow).allowed);  // one more would be the 5th
    BOOST_TEST(throttle.peek("login_fail", "bob", 5, kWindow).allowed);
    BOOST_TEST(throttle.hit("login_fail", "bob", 5, kWindow).allowed);
    const auto d = throttle.peek("login_fail", "bob", 5, kWindow);
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.retry_after == 800);
}

BOOST_AUTO_TEST_CASE(reset_forgets_the_window) {
    for (int i = 0; i < 5; ++i) throttle.hit("login_fail", "carol", 5, kWindow);
    BOOST_TEST(!throttle.peek("login_fail", "carol", 5, kWindow).allowed);
    throttle.reset("login_fail", "carol", kWindow);
    BOOST_TEST(throttle.peek("login_fail", "carol", 5, kWindow).allowed);
    for (int i = 0; i < 5; ++i) BOOST_TEST(throttle.hit("login_fail", "carol", 5, kWindow).allowed);
    BOOST_TEST(!throttle.hit("login_fail", "carol", 5, kWindow).allowed);
    throttle.reset("login_fail", "never-seen", kWindow);  // nothing to forget: no error
}

BOOST_AUTO_TEST_CASE(disabled_always_allows_and_needs_no_memcached) {
    Throttle off(cache, clock, false);
    for (int i = 0; i < 50; ++i) BOOST_TEST(off.hit("login_ip", "10.0.0.1", 1, 60).allowed);
    BOOST_TEST(off.peek("login_ip", "10.0.0.1", 1, 60).allowed);
    BOOST_TEST(!cache.get("th:login_ip:" + gatehouse::core::hex_encode(gatehouse::core::sha256("10.0.0.1")).substr(0, 32) +
                          ":" + std::to_string(kStart / 60)).has_value());
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

    const std::string key = "th:otp_send:" + gatehouse::core::hex_encode(gatehouse::core::sha256(subject)).substr(0, 32) +
                            ":" + std::to_string(kStart / 3600);
    BOOST_TEST(cache.get(key).value_or("") == "1");
    BOOST_TEST(throttle.hit("otp_send", subject, 5, 3600).allowed);
    BOOST_TEST(cache.get(key).value_or("") == "2");
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
