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

BOOST_AUTO_TEST_CASE(decode_counts_code_points_and_replaces_bad_bytes) {
    BOOST_TEST(decode_utf8("a€😀").size() == 3u);
    BOOST_TEST(decode_utf8("\xff" "a").size() == 2u);
    BOOST_TEST(static_cast<unsigned>(decode_utf8("\xff")[0]) == 0xFFFDu);
}

BOOST_AUTO_TEST_SUITE_END()
