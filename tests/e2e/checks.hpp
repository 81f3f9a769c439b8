// Small assertion helpers shared by the end-to-end test files.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

namespace gatehouse::e2e {

// BOOST_TEST(contains(body, "Welcome")) — on failure names the missing text and shows the start of the haystack.
inline boost::test_tools::predicate_result contains(std::string_view haystack, std::string_view needle) {
    if (haystack.find(needle) != std::string_view::npos) return true;
    boost::test_tools::predicate_result result(false);
    result.message() << "\"" << needle << "\" not found in: "
                     << (haystack.size() > 400 ? std::string(haystack.substr(0, 400)) + "…" : std::string(haystack));
    return result;
}

// BOOST_TEST(lacks(body, "<script")) — the opposite, naming what was found.
inline boost::test_tools::predicate_result lacks(std::string_view haystack, std::string_view needle) {
    const auto at = haystack.find(needle);
    if (at == std::string_view::npos) return true;
    boost::test_tools::predicate_result result(false);
    result.message() << "\"" << needle << "\" found at " << at << ": " << haystack.substr(at, 120);
    return result;
}

}  // namespace gatehouse::e2e
