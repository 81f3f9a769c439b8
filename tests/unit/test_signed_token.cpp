// accounts::TokenSigner: signed, expiring link tokens; expiry moved with a ManualClock.
#include "gatehouse/accounts/signed_token.hpp"
#include "gatehouse/core/crypto.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using gatehouse::accounts::TokenCheck;
using gatehouse::accounts::TokenSigner;
using gatehouse::core::ManualClock;
using gatehouse::core::base64url_decode;
using gatehouse::core::base64url_encode;

namespace gatehouse::accounts {
std::ostream& operator<<(std::ostream& os, TokenCheck c) {
    return os << (c == TokenCheck::Valid ? "Valid" : c == TokenCheck::Invalid ? "Invalid" : "Expired");
}
}  // namespace gatehouse::accounts

namespace {

const std::string kSecret = "django-insecure-test-key-0123456789abcdef";
const std::string kState = "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA|2026-11-21T10:25:00Z";

struct SignerFixture {
    ManualClock clock;
    TokenSigner signer{kSecret, clock};
};

bool url_safe(const std::string& token) {
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

std::string mac_of(const std::string& token) {
    const std::string raw = base64url_decode(token).value();
    return raw.substr(raw.size() - 32);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(signed_token, SignerFixture)

BOOST_AUTO_TEST_CASE(round_trip) {
    const std::string token = signer.make("password_reset", 42, 3600, kState);
    BOOST_TEST_MESSAGE(token);
    BOOST_TEST(url_safe(token));
    BOOST_TEST(signer.verify(token, "password_reset", kState) == TokenCheck::Valid);
    const auto claims = signer.read(token);
    BOOST_REQUIRE(claims.has_value());
    BOOST_TEST(claims->user_id == 42);
    BOOST_TEST(claims->expires == clock.unix_seconds() + 3600);
    // Nothing is stored: another signer with the same key and clock accepts it too.
    TokenSigner again(kSecret, clock);
    BOOST_TEST(again.verify(token, "password_reset", kState) == TokenCheck::Valid);
    // Deterministic for the same inputs, different for another user.
    BOOST_TEST(signer.make("password_reset", 42, 3600, kState) == token);
    BOOST_TEST(signer.make("password_reset", 43, 3600, kState) != token);
}

BOOST_AUTO_TEST_CASE(wrong_purpose_state_or_key_is_invalid) {
    const std::string token = signer.make("password_reset", 42, 3600, kState);
    BOOST_TEST(signer.verify(token, "verify_email", kState) == TokenCheck::Invalid);
    BOOST_TEST(signer.verify(token, "password_reset", kState + "x") == TokenCheck::Invalid);  // password changed
    BOOST_TEST(signer.verify(token, "password_reset", "") == TokenCheck::Invalid);
    TokenSigner other(kSecret + "!", clock);
    BOOST_TEST(other.verify(token, "password_reset", kState) == TokenCheck::Invalid);
    // Field boundaries count: (purpose "a", state "bc") is not (purpose "ab", state "c").
    const std::string ab = signer.make("a", 1, 60, "bc");
    BOOST_TEST(signer.verify(ab, "ab", "c") == TokenCheck::Invalid);
}

BOOST_AUTO_TEST_CASE(tampered_fields_are_invalid) {
    const std::string token = signer.make("password_reset", 42, 3600, kState);
    const std::string mac = mac_of(token);
    const std::int64_t expires = signer.read(token)->expires;

    const std::string other_user = base64url_encode("1:" + std::to_string(expires) + ":" + mac);
    BOOST_REQUIRE(signer.read(other_user).has_value());  // read trusts nothing, parses fine
    BOOST_TEST(signer.read(other_user)->user_id == 1);
    BOOST_TEST(signer.verify(other_user, "password_reset", kState) == TokenCheck::Invalid);

    const std::string longer = base64url_encode("42:" + std::to_string(expires + 86400) + ":" + mac);
    BOOST_TEST(signer.verify(longer, "password_reset", kState) == TokenCheck::Invalid);

    std::string flipped = base64url_decode(token).value();
    flipped.back() = static_cast<char>(flipped.back() ^ 1);
    BOOST_TEST(signer.verify(base64url_encode(flipped), "password_reset", kState) == TokenCheck::Invalid);
}

BOOST_AUTO_TEST_CASE(expiry_by_the_clock) {
    const std::string token = signer.make("password_reset", 7, 3600, kState);
    clock.advance(std::chrono::seconds(3599));
    BOOST_TEST(signer.verify(token, "password_reset", kState) == TokenCheck::Valid);
    clock.advance(std::chrono::seconds(1));
    BOOST_TEST(signer.verify(token, "password_reset", kState) == TokenCheck::Expired);
    clock.advance(std::chrono::hours(24 * 365));
    BOOST_TEST(signer.verify(token, "password_reset", kState) == TokenCheck::Expired);
    // Expired is only said of a token that is otherwise right.
    BOOST_TEST(signer.verify(token, "password_reset", "other state") == TokenCheck::Invalid);
    BOOST_TEST(signer.verify(token, "verify_email", kState) == TokenCheck::Invalid);
}

BOOST_AUTO_TEST_CASE(garbage_is_invalid_never_a_crash) {
    const std::string mac(32, '\x5a');
    const std::vector<std::string> garbage = {
        "",
        "a",
        "====",
        "abc=",
        std::string(100'000, 'A'),
        std::string(129, 'A'),
        "%%%%%%%%",
        "abc+/def",
        "has space",
        std::string("nul\0byte", 8),
        "..",
        base64url_encode("1:2"),                                   // no signature
        base64url_encode(mac),                                     // signature only
        base64url_encode("1:" + mac),                              // one field
        base64url_encode("1:2:3:" + mac),                          // three fields
        base64url_encode("1:2" + mac),                             // no ':' before the signature
        base64url_encode(":2:" + mac),                             // empty user id
        base64url_encode("1::" + mac),                             // empty expiry
        base64url_encode("x:2:" + mac),                            // non-numeric id
        base64url_encode("1:2x:" + mac),                           // non-numeric expiry
        base64url_encode("+1:2:" + mac),                           // not canonical
        base64url_encode("01:2:" + mac),
        base64url_encode(" 1:2:" + mac),
        base64url_encode("99999999999999999999:2:" + mac),         // overflows int64
        base64url_encode("1:99999999999999999999:" + mac),
        base64url_encode("1:2:" + mac.substr(1)),                  // short signature
        base64url_encode("1:2:" + mac) + "=",                      // stray padding
        base64url_encode("1:2:" + mac) + "A",                      // one char too many
    };
    for (const auto& token : garbage) {
        BOOST_TEST_CONTEXT("'" << token.substr(0, 80) << "'") {
            BOOST_TEST(signer.verify(token, "password_reset", kState) == TokenCheck::Invalid);
        }
    }
    BOOST_TEST(!signer.read("").has_value());
    BOOST_TEST(!signer.read(base64url_encode("x:2:" + mac)).has_value());
    BOOST_TEST(!signer.read(base64url_encode("1:2:3:" + mac)).has_value());
    BOOST_TEST(signer.read(base64url_encode("-5:2:" + mac)).has_value());  // well formed, just not signed

    // Random bytes of every length up to 100: never Valid, never a throw.
    for (std::size_t n = 0; n <= 100; ++n) {
        const std::string token = base64url_encode(gatehouse::core::random_bytes(n));
        BOOST_CHECK_NO_THROW(signer.read(token));
        BOOST_TEST((signer.verify(token, "password_reset", kState) == TokenCheck::Invalid));
    }
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused) {
    BOOST_CHECK_THROW(TokenSigner("", clock), std::invalid_argument);
    BOOST_CHECK_THROW(signer.make("password_reset", 1, 0, kState), std::invalid_argument);
    BOOST_CHECK_THROW(signer.make("password_reset", 1, -5, kState), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
