// accounts::OneTimeCodes against a real memcached; expiry moved with a ManualClock.
#include "gatehouse/accounts/one_time_codes.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/errors.hpp"
#include "memcached_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

using gatehouse::accounts::CodeCheck;
using gatehouse::accounts::OneTimeCodes;
using gatehouse::core::ManualClock;
using gatehouse::store::Cache;

namespace gatehouse::accounts {
std::ostream& operator<<(std::ostream& os, CodeCheck c) {
    return os << (c == CodeCheck::Valid ? "Valid" : c == CodeCheck::Invalid ? "Invalid" : "Expired");
}
}  // namespace gatehouse::accounts

namespace {

const std::string kSecret = "test-secret-key-of-some-length-0123456789";

struct CodesFixture {
    gatehouse::test::Memcached memcached;
    Cache cache{memcached.socket};
    ManualClock clock;
    OneTimeCodes codes{cache, clock, kSecret};
};

// Another well-formed code, never the right one.
std::string wrong(const std::string& code) {
    std::string other = code;
    other[5] = other[5] == '9' ? '0' : static_cast<char>(other[5] + 1);
    return other;
}

bool six_digits(const std::string& code) {
    return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string stored_key(const std::string& purpose, const std::string& subject) {
    return "otp:" + purpose + ":" + gatehouse::core::hex_encode(gatehouse::core::sha256(subject)).substr(0, 32);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(one_time_codes, CodesFixture)

// Persian and Arabic-Indic digits are the same code (core::ascii_digits, applied in check()).
BOOST_AUTO_TEST_CASE(a_code_in_persian_or_arabic_indic_digits_is_the_code) {
    auto localized = [](const std::string& code, const char* zero) {  // zero: the UTF-8 of that script's 0
        std::string out;
        for (char c : code) out += std::string{zero[0], static_cast<char>(zero[1] + (c - '0'))};
        return out;
    };
    const std::string code = codes.issue("verify_email", "dara@example.org");
    BOOST_TEST(codes.check("verify_email", "dara@example.org", localized(wrong(code), "\xDB\xB0")) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("verify_email", "dara@example.org", localized(code, "\xDB\xB0")) == CodeCheck::Valid);
    const std::string again = codes.issue("verify_email", "dara@example.org");
    BOOST_TEST(codes.check("verify_email", "dara@example.org", localized(again, "\xD9\xA0")) == CodeCheck::Valid);
}

BOOST_AUTO_TEST_CASE(right_code_is_valid_once_then_expired) {
    const std::string code = codes.issue("verify_email", "alice@example.org");
    BOOST_TEST(six_digits(code));
    BOOST_TEST(codes.check("verify_email", "alice@example.org", code) == CodeCheck::Valid);
    BOOST_TEST(codes.check("verify_email", "alice@example.org", code) == CodeCheck::Expired);
}

BOOST_AUTO_TEST_CASE(wrong_code_is_invalid_and_the_right_one_still_works) {
    const std::string code = codes.issue("verify_email", "alice@example.org");
    BOOST_TEST(codes.check("verify_email", "alice@example.org", wrong(code)) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("verify_email", "alice@example.org", code) == CodeCheck::Valid);
}

BOOST_AUTO_TEST_CASE(four_wrong_then_right_is_valid) {
    const std::string code = codes.issue("phone_login", "+15555550100");
    for (int i = 0; i < 4; ++i) BOOST_TEST(codes.check("phone_login", "+15555550100", wrong(code)) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("phone_login", "+15555550100", code) == CodeCheck::Valid);
}

BOOST_AUTO_TEST_CASE(five_wrong_then_the_right_one_is_expired) {
    const std::string code = codes.issue("phone_login", "+15555550100");
    for (int i = 0; i < 5; ++i) BOOST_TEST(codes.check("phone_login", "+15555550100", wrong(code)) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("phone_login", "+15555550100", code) == CodeCheck::Expired);
    BOOST_TEST(codes.check("phone_login", "+15555550100", wrong(code)) == CodeCheck::Expired);
}

BOOST_AUTO_TEST_CASE(max_tries_is_the_callers) {
    const std::string code = codes.issue("reset", "bob@example.org");
    BOOST_TEST(codes.check("reset", "bob@example.org", wrong(code), 2) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("reset", "bob@example.org", wrong(code), 2) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("reset", "bob@example.org", code, 2) == CodeCheck::Expired);
    BOOST_CHECK_THROW(codes.check("reset", "bob@example.org", code, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(expiry_by_the_clock) {
    const std::string code = codes.issue("verify_email", "carol@example.org", 600);
    clock.advance(std::chrono::seconds(600));
    BOOST_TEST(codes.check("verify_email", "carol@example.org", code) == CodeCheck::Expired);
    BOOST_TEST(codes.check("verify_email", "carol@example.org", wrong(code)) == CodeCheck::Expired);

    const std::string fresh = codes.issue("verify_email", "carol@example.org", 600);
    clock.advance(std::chrono::seconds(599));
    BOOST_TEST(codes.check("verify_email", "carol@example.org", fresh) == CodeCheck::Valid);
}

BOOST_AUTO_TEST_CASE(reissue_invalidates_the_old_code_and_its_tries) {
    const std::string first = codes.issue("verify_email", "dave@example.org");
    for (int i = 0; i < 5; ++i) codes.check("verify_email", "dave@example.org", wrong(first));
    BOOST_REQUIRE(codes.check("verify_email", "dave@example.org", first) == CodeCheck::Expired);

    std::string second = codes.issue("verify_email", "dave@example.org");
    while (second == first) second = codes.issue("verify_email", "dave@example.org");  // 1 in a million
    BOOST_TEST(codes.check("verify_email", "dave@example.org", first) == CodeCheck::Invalid);
    BOOST_TEST(codes.check("verify_email", "dave@example.org", second) == CodeCheck::Valid);
}

BOOST_AUTO_TEST_CASE(codes_are_six_digits_uniformly_spread) {
    std::set<std::string> seen;
    bool leading_zero = false;
    for (int i = 0; i < 300; ++i) {
        const std::string code = codes.issue("verify_email", "erin@example.org");
        BOOST_TEST_REQUIRE(six_digits(code), code);
        leading_zero = leading_zero || code[0] == '0';
        seen.insert(code);
    }
    BOOST_TEST(seen.size() >= 290u);  // collisions among 300 draws of 10^6: ~0.04 expected
    BOOST_TEST(leading_zero);         // P(no code < 100000 in 300) = 0.9^300 ≈ 2e-14
}

BOOST_AUTO_TEST_CASE(malformed_codes_are_invalid_and_count_as_tries) {
    const std::string code = codes.issue("verify_email", "frank@example.org");
    for (const std::string& bad : {std::string(""), code.substr(0, 5), code + "0", " " + code.substr(1),
                                  std::string("\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6"), code.substr(0, 5) + "a"}) {
        BOOST_TEST_CONTEXT("'" << bad << "'") {
            BOOST_TEST(codes.check("verify_email", "frank@example.org", bad, 6) == CodeCheck::Invalid);
        }
    }
    BOOST_TEST(codes.check("verify_email", "frank@example.org", code, 6) == CodeCheck::Expired);  // 6 tries spent
}

BOOST_AUTO_TEST_CASE(never_issued_or_revoked_is_expired) {
    BOOST_TEST(codes.check("verify_email", "nobody@example.org", "123456") == CodeCheck::Expired);
    const std::string code = codes.issue("verify_email", "grace@example.org");
    codes.revoke("verify_email", "grace@example.org");
    BOOST_TEST(codes.check("verify_email", "grace@example.org", code) == CodeCheck::Expired);
    BOOST_CHECK_NO_THROW(codes.revoke("verify_email", "grace@example.org"));  // twice: no error
}

BOOST_AUTO_TEST_CASE(purposes_and_subjects_are_independent) {
    const std::string a = codes.issue("verify_email", "heidi@example.org");
    const std::string b = codes.issue("reset", "heidi@example.org");
    const std::string c = codes.issue("verify_email", "ivan@example.org");
    BOOST_TEST(codes.check("verify_email", "heidi@example.org", a) == CodeCheck::Valid);
    BOOST_TEST(codes.check("reset", "heidi@example.org", b) == CodeCheck::Valid);
    BOOST_TEST(codes.check("verify_email", "ivan@example.org", c) == CodeCheck::Valid);
}

BOOST_AUTO_TEST_CASE(a_code_is_good_only_for_its_purpose_and_subject) {
    const std::string code = codes.issue("verify_email", "judy@example.org");
    const std::string other = codes.issue("reset", "judy@example.org");
    if (other != code) BOOST_TEST(codes.check("reset", "judy@example.org", code) == CodeCheck::Invalid);
    OneTimeCodes other_key(cache, clock, "another-secret");
    BOOST_TEST(other_key.check("verify_email", "judy@example.org", code) == CodeCheck::Invalid);
}

BOOST_AUTO_TEST_CASE(stored_only_as_an_hmac) {
    const std::string subject = "mallory@example.org";
    const std::string code = codes.issue("verify_email", subject);
    const auto stored = cache.get(stored_key("verify_email", subject));
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->find(code) == std::string::npos);
    BOOST_TEST(stored->find(subject) == std::string::npos);
    const std::string mac = gatehouse::core::hex_encode(
        gatehouse::core::hmac_sha256(kSecret, "verify_email|" + subject + "|" + code));
    BOOST_TEST(stored->find(mac) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(parallel_wrong_guesses_get_exactly_max_tries) {
    const std::string code = codes.issue("phone_login", "+15555550199");
    std::atomic<int> invalid{0}, expired{0}, valid{0}, errors{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&, w] {
            try {
                Cache own(memcached.socket);
                OneTimeCodes mine(own, clock, kSecret);
                for (int i = 0; i < 10; ++i) {
                    // Distinct wrong guesses: never the right code.
                    std::string guess = std::to_string((std::stoi(code) + 1 + w * 10 + i) % 1'000'000);
                    guess = std::string(6 - guess.size(), '0') + guess;
                    const CodeCheck r = mine.check("phone_login", "+15555550199", guess);
                    (r == CodeCheck::Invalid ? invalid : r == CodeCheck::Expired ? expired : valid)++;
                }
            } catch (const std::exception&) {
                ++errors;
            }
        });
    }
    for (auto& w : workers) w.join();
    BOOST_TEST(errors.load() == 0);
    BOOST_TEST(valid.load() == 0);
    BOOST_TEST(invalid.load() == 5);
    BOOST_TEST(expired.load() == 35);
    BOOST_TEST(codes.check("phone_login", "+15555550199", code) == CodeCheck::Expired);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused) {
    BOOST_CHECK_THROW(OneTimeCodes(cache, clock, ""), std::invalid_argument);
    BOOST_CHECK_THROW(codes.issue("", "s"), std::invalid_argument);
    BOOST_CHECK_THROW(codes.issue("has space", "s"), std::invalid_argument);
    BOOST_CHECK_THROW(codes.issue("a|b", "s"), std::invalid_argument);
    BOOST_CHECK_THROW(codes.issue("verify_email", "s", 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(memcached_down_is_unavailable) {
    const std::string code = codes.issue("verify_email", "oscar@example.org");
    memcached.stop();
    BOOST_CHECK_THROW(codes.issue("verify_email", "oscar@example.org"), gatehouse::core::Unavailable);
    BOOST_CHECK_THROW(codes.check("verify_email", "oscar@example.org", code), gatehouse::core::Unavailable);
    BOOST_CHECK_THROW(codes.revoke("verify_email", "oscar@example.org"), gatehouse::core::Unavailable);
}

BOOST_AUTO_TEST_SUITE_END()
