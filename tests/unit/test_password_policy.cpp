// The password rules (README: *Sign up*): each rule alone, all messages at once, Unicode lengths, the real list.
#include "gatehouse/accounts/password_policy.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

using gatehouse::accounts::PasswordPolicy;
using gatehouse::accounts::PolicySettings;
using Messages = std::vector<std::string>;

namespace {

constexpr const char* kList = "db/common-passwords.txt";  // tests run from the repo root

const std::string kTooShort8 = "This password is too short. It must contain at least 8 characters.";
const std::string kTooLong = "This password is too long. It must contain at most 128 characters.";
const std::string kCommon = "This password is too common.";
const std::string kEmail = "The password is too similar to the email.";
const std::string kName = "The password is too similar to the name.";
const std::string kUpper = "This password must contain at least one uppercase letter.";
const std::string kLower = "This password must contain at least one lowercase letter.";
const std::string kDigit = "This password must contain at least one digit.";

// The real list, loaded once for the whole run.
const PasswordPolicy& policy() {
    static const PasswordPolicy p(PolicySettings{}, kList);
    return p;
}

const PasswordPolicy& no_composition() {
    static const PasswordPolicy p(PolicySettings{.min_length = 8, .composition = false}, kList);
    return p;
}

Messages check(std::string_view pw, std::string_view email = "someone@example.com", std::string_view name = "") {
    return policy().check(pw, email, name);
}

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// A list file in a temp dir, removed at the end of the test.
struct TempList {
    std::filesystem::path path;
    explicit TempList(const std::string& content) {
        path = std::filesystem::temp_directory_path() / ("gatehouse-common-" + std::to_string(::getpid()) + ".txt");
        std::ofstream(path, std::ios::binary) << content;
    }
    ~TempList() { std::filesystem::remove(path); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(password_policy)

BOOST_AUTO_TEST_CASE(acceptable_passwords_give_no_messages) {
    BOOST_TEST(check("Tr0ub4dor&3x") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(check("correct Horse 9 battery staple") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(check("Blue-kettle-47", "kettle@example.com", "Kettle") == Messages{}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(too_short_alone) {
    BOOST_TEST(check("Xq7vLp2") == Messages{kTooShort8}, boost::test_tools::per_element());
    BOOST_TEST(check("Xq7vLp2z") == Messages{}, boost::test_tools::per_element());  // exactly 8
}

BOOST_AUTO_TEST_CASE(min_length_is_configurable_and_pluralised) {
    TempList list("password\n");
    const PasswordPolicy twelve(PolicySettings{.min_length = 12, .composition = true}, list.path.string());
    BOOST_TEST(twelve.check("Xq7vLp2zK9a", "", "") ==
                   Messages{"This password is too short. It must contain at least 12 characters."},
               boost::test_tools::per_element());
    BOOST_TEST(twelve.check("Xq7vLp2zK9ab", "", "") == Messages{}, boost::test_tools::per_element());
    const PasswordPolicy one(PolicySettings{.min_length = 1, .composition = false}, list.path.string());
    BOOST_TEST(one.check("", "", "") == Messages{"This password is too short. It must contain at least 1 character."},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(at_most_128_characters_never_truncated) {
    const std::string p128 = "Aa1" + std::string(125, 'x');
    const std::string p129 = p128 + "x";
    BOOST_TEST(p128.size() == 128u);
    BOOST_TEST(check(p128) == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(check(p129) == Messages{kTooLong}, boost::test_tools::per_element());
    BOOST_TEST(check(std::string(1000, 'x') + "Aa1") == Messages{kTooLong}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(length_counts_code_points_not_bytes) {
    // 8 emoji = 32 bytes, 8 characters; 7 emoji = 28 bytes but still too short.
    BOOST_TEST(no_composition().check(repeat("🔑", 8), "", "") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check(repeat("🔑", 7), "", "") == Messages{kTooShort8}, boost::test_tools::per_element());
    // 7 accented letters = 14 bytes: too short although more than 8 bytes.
    BOOST_TEST(no_composition().check(repeat("é", 7), "", "") == Messages{kTooShort8}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check(repeat("é", 8), "", "") == Messages{}, boost::test_tools::per_element());
    // 128 two-byte letters (256 bytes) pass; 129 do not.
    BOOST_TEST(no_composition().check(repeat("é", 128), "", "") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check(repeat("é", 129), "", "") == Messages{kTooLong}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check(repeat("日本", 64), "", "") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check(repeat("🔑", 129), "", "") == Messages{kTooLong}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_counts_each_bad_byte_once) {
    BOOST_TEST(no_composition().check("\xff\xfe\xfd\xfc\xfb\xfa\xf9", "", "") == Messages{kTooShort8},
               boost::test_tools::per_element());
    BOOST_TEST(no_composition().check("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "", "") == Messages{},
               boost::test_tools::per_element());
    BOOST_TEST(no_composition().check("\xc3(\xc3(\xc3(\xc3(", "", "") == Messages{},  // 4 bad leads + 4 '('
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(composition_rules_each_alone) {
    BOOST_TEST(check("lowercase only1") == Messages{kUpper}, boost::test_tools::per_element());
    BOOST_TEST(check("UPPERCASE 123") == Messages{kLower}, boost::test_tools::per_element());
    BOOST_TEST(check("NoDigitsHere") == Messages{kDigit}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(composition_understands_non_ascii_letters) {
    BOOST_TEST(check("Ééééééé1") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(check("ÄÖÜäöüß2") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(check("Żółćęśąń9") == Messages{}, boost::test_tools::per_element());  // Latin Extended-A
    BOOST_TEST(check("Пароль2024") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(check("ÉÉÉÉÉÉÉ1") == Messages{kLower}, boost::test_tools::per_element());
    BOOST_TEST(check("ééééééé1") == Messages{kUpper}, boost::test_tools::per_element());
    BOOST_TEST(check("ПАРОЛЬ2024") == Messages{kLower}, boost::test_tools::per_element());
    // Emoji and CJK are neither upper nor lower case.
    BOOST_TEST(check("🔑🔑🔑🔑日本語1") == (Messages{kUpper, kLower}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(composition_off_keeps_length_common_and_similarity) {
    BOOST_TEST(no_composition().check("all lowercase no digits", "", "") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check("🔑🔑🔑🔑🔑🔑🔑🔑", "", "") == Messages{}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check("short", "", "") == Messages{kTooShort8}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check("PASSWORD", "", "") == Messages{kCommon}, boost::test_tools::per_element());
    BOOST_TEST(no_composition().check("john.smith", "John.Smith@example.com", "") == Messages{kEmail},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(similar_to_email_ignoring_case) {
    BOOST_TEST(check("Alice.Smith1@Example.COM", "alice.smith1@example.com", "") == Messages{kEmail},
               boost::test_tools::per_element());
    // The local part alone is the email too.
    BOOST_TEST(check("Alice.Smith1", "alice.smith1@example.com", "") == Messages{kEmail},
               boost::test_tools::per_element());
    BOOST_TEST(check("ALICE.smith1", "Alice.Smith1@example.com", "") == Messages{kEmail},
               boost::test_tools::per_element());
    // Only sameness is rejected: containing the local part is fine.
    BOOST_TEST(check("Alice.Smith1 rocks", "alice.smith1@example.com", "") == Messages{},
               boost::test_tools::per_element());
    // Surrounding spaces do not hide it.
    BOOST_TEST(check("  Alice.Smith1 ", "alice.smith1@example.com", "") == Messages{kEmail},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(similar_to_name_ignoring_case) {
    BOOST_TEST(check("Kettle Blue 47", "x@example.com", "kettle blue 47") == Messages{kName},
               boost::test_tools::per_element());
    BOOST_TEST(check("JÖRG MÜLLEr9", "x@example.com", "Jörg Müller9") == Messages{kName},
               boost::test_tools::per_element());
    // No name given: no name rule.
    BOOST_TEST(check("Kettle Blue 47", "x@example.com", "") == Messages{}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(common_ignoring_case) {
    // "password1" is in the list; "Password1" passes every other rule, so only commonness is reported.
    BOOST_TEST(check("Password1") == Messages{kCommon}, boost::test_tools::per_element());
    BOOST_TEST(check("pAsSwOrD1") == Messages{kCommon}, boost::test_tools::per_element());
    BOOST_TEST(check("Qwerty123") == Messages{kCommon}, boost::test_tools::per_element());
    BOOST_TEST(check("Passw0rd") == Messages{kCommon}, boost::test_tools::per_element());
    BOOST_TEST(check("Trustno1") == Messages{kCommon}, boost::test_tools::per_element());
    // Like Django, surrounding whitespace is ignored for the list.
    BOOST_TEST(check(" Password1 ") == Messages{kCommon}, boost::test_tools::per_element());
    BOOST_TEST(policy().is_common("PASSWORD"));
    BOOST_TEST(!policy().is_common("Tr0ub4dor&3x"));
}

BOOST_AUTO_TEST_CASE(several_rules_at_once_all_messages) {
    // "password": common, no uppercase, no digit.
    BOOST_TEST(check("password") == (Messages{kCommon, kUpper, kDigit}), boost::test_tools::per_element());
    // "alice": the email's local part, the name, too short, common, no uppercase, no digit.
    BOOST_TEST(check("alice", "Alice@example.com", "ALICE") == (Messages{kEmail, kName, kTooShort8, kCommon, kUpper, kDigit}),
               boost::test_tools::per_element());
    // Empty: too short and every composition rule; empty email/name are not "similar".
    BOOST_TEST(check("", "", "") == (Messages{kTooShort8, kUpper, kLower, kDigit}), boost::test_tools::per_element());
    // Too long and missing all classes of letters at once.
    BOOST_TEST(check(std::string(129, '!')) == (Messages{kTooLong, kUpper, kLower, kDigit}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(real_list_is_loaded) {
    // Django 3.2's list (19,727 distinct entries) plus John the Ripper's password.lst: at least 20,000 (issue 3).
    BOOST_TEST(policy().common_password_count() >= 20000u);
    for (const char* p : {"password", "Password", "password1", "Password1", "12345678", "iloveyou", "letmein", "qwerty123"})
        BOOST_TEST(policy().is_common(p), p);
}

BOOST_AUTO_TEST_CASE(custom_list_is_trimmed_and_lower_cased) {
    TempList list("  Hunter2Hunter \r\n\n\nCorrectHorse9\r\n");
    const PasswordPolicy p(PolicySettings{}, list.path.string());
    BOOST_TEST(p.common_password_count() == 2u);
    BOOST_TEST(p.check("hunter2hunter", "", "") == (Messages{kCommon, kUpper}), boost::test_tools::per_element());
    BOOST_TEST(p.check("CORRECTHORSE9", "", "") == (Messages{kCommon, kLower}), boost::test_tools::per_element());
    BOOST_TEST(p.check("Password1", "", "") == Messages{}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(missing_or_empty_list_is_an_error) {
    BOOST_CHECK_THROW(PasswordPolicy(PolicySettings{}, "db/no-such-list.txt"), std::runtime_error);
    TempList empty("\n\n");
    BOOST_CHECK_THROW(PasswordPolicy(PolicySettings{}, empty.path.string()), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
