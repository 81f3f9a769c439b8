#include "gatehouse/core/crypto.hpp"

#include <boost/test/unit_test.hpp>

#include <utility>

using namespace gatehouse::core;

namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

std::string hmac_hex(const std::string& key, const std::string& data) { return hex_encode(hmac_sha256(key, data)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(crypto)

// RFC 4648 §10.
const std::pair<const char*, const char*> kBase64Vectors[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

BOOST_AUTO_TEST_CASE(base64_rfc4648_vectors) {
    for (const auto& [plain, encoded] : kBase64Vectors) {
        BOOST_TEST_CONTEXT("'" << plain << "'") {
            BOOST_TEST(base64_encode(plain) == encoded);
            BOOST_TEST(base64_decode(encoded).value_or("<none>") == plain);
        }
    }
}

BOOST_AUTO_TEST_CASE(base64url_rfc4648_vectors_without_padding) {
    for (const auto& [plain, padded] : kBase64Vectors) {
        std::string unpadded(padded);
        unpadded.erase(unpadded.find_last_not_of('=') + 1);
        BOOST_TEST_CONTEXT("'" << plain << "'") {
            BOOST_TEST(base64url_encode(plain) == unpadded);
            BOOST_TEST(base64url_decode(unpadded).value_or("<none>") == plain);
            BOOST_TEST(base64url_decode(padded).value_or("<none>") == plain);  // padding optional
        }
    }
    BOOST_TEST(base64url_encode("\xfb\xff\xfe") == "-__-");
    BOOST_TEST(base64_encode("\xfb\xff\xfe") == "+//+");
    BOOST_TEST(base64url_decode("-__-").value_or("") == "\xfb\xff\xfe");
}

BOOST_AUTO_TEST_CASE(decode_rejects_bad_input) {
    for (const char* bad : {"Zm9v!A==", "Zm9vYg", "Zm9vY===", "Z===", "Zg=a", "Zm 9v", "-__-", "Zh==", "Zm9=",
                            "Zg=", "Z"}) {
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!base64_decode(bad).has_value()); }
    }
    for (const char* bad : {"+//+", "Zm9v!A", "Zh", "Zm9", "Z", "Zg=", "Zg===", "Zm9v\n"}) {
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!base64url_decode(bad).has_value()); }
    }
    BOOST_TEST(!base64url_decode(std::string("Zm9v\0", 5)).has_value());
}

// The JWS parts' check (no decoding) says exactly what decoding says, for unpadded text.
BOOST_AUTO_TEST_CASE(canonical_base64url_check_agrees_with_decoding) {
    for (const char* text : {"", "Zg", "Zh", "Zm8", "Zm9", "Zm9v", "Zm9vYg", "Zm9vYh", "Zm9vYmE", "Zm9vYmF",
                             "Z", "Zm9vY", "Zm+v", "Zm/v", "Zm-v", "Zm_v", "Zm9v!", "eyJhbGciOiJIUzI1NiJ9",
                             "\xff\xfe", "Zm 9v"}) {
        BOOST_TEST(is_canonical_base64url(text) == base64url_decode(text).has_value(), text);
    }
    BOOST_TEST(is_canonical_base64url("Zm9vYg"));
    BOOST_TEST(!is_canonical_base64url("Zm9vYh"));  // a stray low bit: another spelling of "foob"
}

BOOST_AUTO_TEST_CASE(hmac_sha256_rfc4231) {
    // Test case 1
    BOOST_TEST(hmac_hex(std::string(20, '\x0b'), "Hi There") ==
               "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    // Test case 2
    BOOST_TEST(hmac_hex("Jefe", "what do ya want for nothing?") ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 3
    BOOST_TEST(hmac_hex(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
               "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    // Test case 4
    std::string key4;
    for (int i = 1; i <= 25; ++i) key4 += static_cast<char>(i);
    BOOST_TEST(hmac_hex(key4, std::string(50, '\xcd')) ==
               "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    // Test case 6
    BOOST_TEST(hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    // Test case 7
    BOOST_TEST(hmac_hex(std::string(131, '\xaa'),
                        "This is a test using a larger than block-size key and a larger than block-size data. "
                        "The key needs to be hashed before being used by the HMAC algorithm.") ==
               "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

BOOST_AUTO_TEST_CASE(sha256_and_hex) {
    BOOST_TEST(hex_encode(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(hex_encode(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_TEST(hex_encode(bytes({0x00, 0x0f, 0xa0, 0xff})) == "000fa0ff");
}

BOOST_AUTO_TEST_CASE(constant_time_equals_cases) {
    BOOST_TEST(constant_time_equals("secret-token", "secret-token"));
    BOOST_TEST(!constant_time_equals("secret-token", "secret-tokeN"));
    BOOST_TEST(!constant_time_equals("Secret-token", "secret-token"));
    BOOST_TEST(!constant_time_equals("secret", "secret-token"));
    BOOST_TEST(!constant_time_equals("secret-token", "secret"));
    BOOST_TEST(!constant_time_equals("", "x"));
    BOOST_TEST(constant_time_equals("", ""));
    BOOST_TEST(constant_time_equals(std::string("a\0b", 3), std::string("a\0b", 3)));
    BOOST_TEST(!constant_time_equals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

BOOST_AUTO_TEST_CASE(random_bytes_length_and_freshness) {
    BOOST_TEST(random_bytes(0).empty());
    BOOST_TEST(random_bytes(1).size() == 1u);
    const std::string a = random_bytes(32), b = random_bytes(32);
    BOOST_TEST(a.size() == 32u);
    BOOST_TEST(b.size() == 32u);
    BOOST_TEST(a != b);
    const std::string hex = random_hex(16);
    BOOST_TEST(hex.size() == 32u);
    BOOST_TEST(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
