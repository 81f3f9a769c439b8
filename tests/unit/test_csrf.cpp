// accounts CSRF: Django's secret masking, token matching and Origin/Referer checks.
#include "gatehouse/accounts/csrf.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>

using namespace gatehouse::accounts;

namespace {

// Django: string.ascii_letters + string.digits.
const std::string kChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

bool allowed_only(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return kChars.find(c) != std::string::npos; });
}

// Django's _mask_cipher_secret with a given mask, written the Python way (str.index), as a cross-check.
std::string django_mask(const std::string& secret, const std::string& mask) {
    std::string cipher;
    for (std::size_t i = 0; i < secret.size(); ++i)
        cipher += kChars[(kChars.find(secret[i]) + kChars.find(mask[i])) % kChars.size()];
    return mask + cipher;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csrf)

BOOST_AUTO_TEST_CASE(new_secrets_are_32_allowed_chars_and_differ) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string s = new_csrf_secret();
        BOOST_TEST_REQUIRE(s.size() == 32u);
        BOOST_TEST_REQUIRE(allowed_only(s), s);
        seen.insert(s);
    }
    BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(mask_unmask_round_trip_with_fresh_masks) {
    const std::string secret = new_csrf_secret();
    const std::string a = mask_csrf_secret(secret);
    const std::string b = mask_csrf_secret(secret);
    BOOST_TEST(a.size() == 64u);
    BOOST_TEST(b.size() == 64u);
    BOOST_TEST(allowed_only(a));
    BOOST_TEST(a != b);  // a fresh mask per page (BREACH)
    BOOST_TEST(a.substr(0, 32) != b.substr(0, 32));
    BOOST_TEST(unmask_csrf_token(a).value_or("") == secret);
    BOOST_TEST(unmask_csrf_token(b).value_or("") == secret);
    // The cipher half is Django's: mask + (secret + mask) character by character.
    BOOST_TEST(a == django_mask(secret, a.substr(0, 32)));
    BOOST_TEST(b == django_mask(secret, b.substr(0, 32)));
}

BOOST_AUTO_TEST_CASE(django_compatibility_hand_worked) {
    // Mask 'b' (index 1) moves each character one on: a→b … z→A … F→G.
    const std::string secret1 = "abcdefghijklmnopqrstuvwxyzABCDEF";
    const std::string token1 = std::string(32, 'b') + "bcdefghijklmnopqrstuvwxyzABCDEFG";
    BOOST_TEST(unmask_csrf_token(token1).value_or("") == secret1);
    BOOST_TEST(django_mask(secret1, std::string(32, 'b')) == token1);

    // Mask '9' (index 61, i.e. -1) moves each one back, wrapping: G→F, 0→Z, a→9, z→y.
    const std::string secret2 = "GHIJKLMNOPQRSTUVWXYZ0123456789az";
    const std::string token2 = std::string(32, '9') + "FGHIJKLMNOPQRSTUVWXYZ0123456789y";
    BOOST_TEST(unmask_csrf_token(token2).value_or("") == secret2);
    BOOST_TEST(csrf_token_matches(secret2, token2));

    // Made by Django's own _mask_cipher_secret (Python, random mask).
    BOOST_TEST(unmask_csrf_token("OL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ8JhCpOD3Wi6Dlo6wKmbTNfWUHOAotvun").value_or("") ==
               "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO");
    BOOST_TEST(unmask_csrf_token("CsMehGAkWvj7FAc9QeWJKY40uvSwMFLZlwmhUT51uW6r8b9CdxbxVGRfz5b3hz6J").value_or("") ==
               "TeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vU");
}

BOOST_AUTO_TEST_CASE(tokens_match_their_cookie_only) {
    const std::string secret = new_csrf_secret();
    const std::string other = new_csrf_secret();
    BOOST_TEST(csrf_token_matches(secret, mask_csrf_secret(secret)));
    BOOST_TEST(csrf_token_matches(secret, secret));                      // an unmasked 32-char token
    BOOST_TEST(csrf_token_matches(mask_csrf_secret(secret), mask_csrf_secret(secret)));  // legacy masked cookie
    BOOST_TEST(!csrf_token_matches(secret, mask_csrf_secret(other)));
    BOOST_TEST(!csrf_token_matches(secret, other));
    std::string tampered = mask_csrf_secret(secret);
    tampered[40] = tampered[40] == 'a' ? 'b' : 'a';
    BOOST_TEST(!csrf_token_matches(secret, tampered));
}

BOOST_AUTO_TEST_CASE(malformed_tokens) {
    const std::string secret = new_csrf_secret();
    const std::string masked = mask_csrf_secret(secret);
    for (const std::string& bad : {std::string(""), secret.substr(0, 31), secret + "a", masked.substr(0, 63),
                                  masked + "a", std::string(32, '-'), secret.substr(0, 31) + "_",
                                  masked.substr(0, 63) + " ", secret.substr(0, 30) + "\xC3\xA9",
                                  std::string(32, '\0'), std::string(1000, 'a')}) {
        BOOST_TEST_CONTEXT("'" << bad << "' (" << bad.size() << ")") {
            BOOST_TEST(!unmask_csrf_token(bad).has_value());
            BOOST_TEST(!csrf_token_matches(secret, bad));
            BOOST_TEST(!csrf_token_matches(bad, secret));
            BOOST_TEST(!csrf_token_matches(bad, bad));
        }
    }
    BOOST_TEST(unmask_csrf_token(secret).value_or("") == secret);  // 32 chars: as is
    BOOST_CHECK_THROW(mask_csrf_secret(""), std::invalid_argument);
    BOOST_CHECK_THROW(mask_csrf_secret(masked), std::invalid_argument);
    BOOST_CHECK_THROW(mask_csrf_secret(secret.substr(0, 31) + "-"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(origin_must_be_this_site_over_https) {
    const std::string host = "127.0.0.1:8443";
    BOOST_TEST(csrf_origin_ok("https://127.0.0.1:8443", "", host));
    BOOST_TEST(csrf_origin_ok("https://127.0.0.1:8443", "https://evil.example/", host));  // Origin decides
    BOOST_TEST(!csrf_origin_ok("https://127.0.0.1:9443", "", host));                       // other port
    BOOST_TEST(!csrf_origin_ok("https://127.0.0.1", "", host));
    BOOST_TEST(!csrf_origin_ok("http://127.0.0.1:8443", "", host));                        // http scheme
    BOOST_TEST(!csrf_origin_ok("https://127.0.0.2:8443", "", host));                       // other host
    BOOST_TEST(!csrf_origin_ok("https://evil.example", "", host));
    BOOST_TEST(!csrf_origin_ok("https://evil.example", "https://127.0.0.1:8443/", host));  // no fallback past a bad Origin
    BOOST_TEST(!csrf_origin_ok("null", "https://127.0.0.1:8443/accounts/login/", host));
    BOOST_TEST(!csrf_origin_ok("https://127.0.0.1:8443@evil.example", "", host));
    BOOST_TEST(!csrf_origin_ok("https://127.0.0.1:8443.evil.example", "", host));
    BOOST_TEST(!csrf_origin_ok("https://127.0.0.1:8443/", "", host));                      // an Origin has no path
    BOOST_TEST(!csrf_origin_ok("https://", "", host));
    BOOST_TEST(!csrf_origin_ok("127.0.0.1:8443", "", host));

    BOOST_TEST(csrf_origin_ok("https://example.org", "", "example.org"));
    BOOST_TEST(csrf_origin_ok("HTTPS://Example.ORG", "", "example.org"));  // letters ignore case
    BOOST_TEST(csrf_origin_ok("https://example.org:443", "", "example.org"));
    BOOST_TEST(!csrf_origin_ok("https://sub.example.org", "", "example.org"));
    BOOST_TEST(!csrf_origin_ok("https://example.org.evil.example", "", "example.org"));
    BOOST_TEST(!csrf_origin_ok("https://example.org", "", ""));  // no Host: nothing to match
}

BOOST_AUTO_TEST_CASE(referer_when_there_is_no_origin) {
    const std::string host = "127.0.0.1:8443";
    BOOST_TEST(csrf_origin_ok("", "https://127.0.0.1:8443/accounts/login/?next=/accounts/profile/", host));
    BOOST_TEST(csrf_origin_ok("", "https://127.0.0.1:8443/", host));
    BOOST_TEST(csrf_origin_ok("", "https://127.0.0.1:8443", host));
    BOOST_TEST(csrf_origin_ok("", "https://127.0.0.1:8443?x=1", host));
    BOOST_TEST(!csrf_origin_ok("", "http://127.0.0.1:8443/accounts/login/", host));
    BOOST_TEST(!csrf_origin_ok("", "https://127.0.0.1:9443/accounts/login/", host));
    BOOST_TEST(!csrf_origin_ok("", "https://evil.example/127.0.0.1:8443/", host));
    BOOST_TEST(!csrf_origin_ok("", "https://127.0.0.1:8443@evil.example/", host));
    BOOST_TEST(!csrf_origin_ok("", "/accounts/login/", host));
    BOOST_TEST(!csrf_origin_ok("", "https://127.0.0.1:8443/a b", host));
    BOOST_TEST(!csrf_origin_ok("", "", host));  // both missing: refused, as Django does over HTTPS
}

BOOST_AUTO_TEST_SUITE_END()
