#include "gatehouse/core/text.hpp"

#include <boost/test/unit_test.hpp>

using gatehouse::core::casefold;
using gatehouse::core::decode_utf8;

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(casefold_lowers_every_script) {
    BOOST_TEST(casefold("ABC xyz") == "abc xyz");
    BOOST_TEST(casefold("Émile") == casefold("éMILE"));
    BOOST_TEST(casefold("ΣΟΦΊΑ") == casefold("σοφία"));
    BOOST_TEST(casefold("ЖУК") == "жук");
    BOOST_TEST(casefold("Émile") != casefold("Emile"));  // folding case, not accents
}

// Unicode's NFKC_Casefold: one key for what a person reads as the same name or address.
BOOST_AUTO_TEST_CASE(casefold_is_nfkc_with_full_case_folding) {
    const std::string nfc = "Jos\xc3\xa9";   // é as one code point
    const std::string nfd = "Jose\xcc\x81";  // e + combining acute accent
    BOOST_TEST(nfc != nfd);
    BOOST_TEST(casefold(nfc) == casefold(nfd));
    BOOST_TEST(casefold("JOSÉ") == casefold(nfd));
    BOOST_TEST(casefold("straße") == casefold("STRASSE"));
    BOOST_TEST(casefold("straße") == "strasse");
    BOOST_TEST(casefold("ΣΊΣΥΦΟΣ") == casefold("σίσυφος"));  // final sigma
    BOOST_TEST(casefold("\xef\xac\x81le") == "file");          // the ligature ﬁ
    BOOST_TEST(casefold("ＡＢＣ") == "abc");                     // fullwidth letters
    BOOST_TEST(casefold("Émile") != casefold("Emile"));
    for (const char* text : {"Émile", "straße", "\xef\xac\x81", "a\xcc\x81", "ΣΊΣΥΦΟΣ"})
        BOOST_TEST(casefold(casefold(text)) == casefold(text), text);
    BOOST_TEST(casefold(std::string("a\0B", 3)) == std::string("a\0b", 3));
    BOOST_TEST(gatehouse::core::is_valid_utf8(casefold("\xff\xfe")));
}

BOOST_AUTO_TEST_CASE(validity_and_length) {
    using gatehouse::core::is_valid_utf8;
    using gatehouse::core::utf8_length;
    BOOST_TEST(is_valid_utf8(""));
    BOOST_TEST(is_valid_utf8("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    BOOST_TEST(!is_valid_utf8("\xc3"));
    BOOST_TEST(!is_valid_utf8("\xc0\xaf"));          // overlong
    BOOST_TEST(!is_valid_utf8("\xed\xa0\x80"));      // a surrogate
    BOOST_TEST(!is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    BOOST_TEST(utf8_length("a€😀") == 3u);
    BOOST_TEST(utf8_length("\xff" "a") == 2u);
}

BOOST_AUTO_TEST_CASE(decode_counts_code_points_and_replaces_bad_bytes) {
    BOOST_TEST(decode_utf8("a€😀").size() == 3u);
    BOOST_TEST(decode_utf8("\xff" "a").size() == 2u);
    BOOST_TEST(static_cast<unsigned>(decode_utf8("\xff")[0]) == 0xFFFDu);
}

BOOST_AUTO_TEST_SUITE_END()
