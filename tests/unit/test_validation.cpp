// The field rules (README: *Sign up*, *Profile*): email, display name, first/last name, phone, date of birth, gender.
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/text.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace gatehouse::accounts;

namespace {
constexpr std::int64_t kToday = 1'710'504'000;  // 2024-03-15T12:00:00Z

std::string repeat(const std::string& piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += piece;
    return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(validation)

// --- email ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(email_domain_is_lower_cased_local_part_kept) {
    BOOST_TEST(normalize_email("Alice.Smith@Example.ORG").value_or("") == "Alice.Smith@example.org");
    BOOST_TEST(normalize_email("bob@EXAMPLE.COM").value_or("") == "bob@example.com");
    BOOST_TEST(normalize_email("MiXeD@mail.example.co.uk").value_or("") == "MiXeD@mail.example.co.uk");
}

BOOST_AUTO_TEST_CASE(email_is_trimmed_and_accepts_plain_addresses) {
    BOOST_TEST(normalize_email("  carol@example.com \t").value_or("") == "carol@example.com");
    BOOST_TEST(normalize_email("first.last+tag@example.com").value_or("") == "first.last+tag@example.com");
    BOOST_TEST(normalize_email("o'brien@sub-domain.example.net").value_or("") == "o'brien@sub-domain.example.net");
    BOOST_TEST(normalize_email("x@y.co").has_value());
}

BOOST_AUTO_TEST_CASE(email_without_at_is_refused) {
    BOOST_TEST(!normalize_email("alice.example.com"));
    BOOST_TEST(!normalize_email(""));
    BOOST_TEST(!normalize_email("   "));
    BOOST_TEST(!normalize_email("@example.com"));
    BOOST_TEST(!normalize_email("alice@"));
    BOOST_TEST(!normalize_email("a@b@example.com"));
}

BOOST_AUTO_TEST_CASE(email_with_spaces_is_refused) {
    BOOST_TEST(!normalize_email("alice smith@example.com"));
    BOOST_TEST(!normalize_email("alice@exa mple.com"));
    BOOST_TEST(!normalize_email("alice @example.com"));
    BOOST_TEST(!normalize_email("alice@ example.com"));
    BOOST_TEST(!normalize_email("alice\t@example.com"));
}

BOOST_AUTO_TEST_CASE(email_with_double_or_edge_dots_is_refused) {
    BOOST_TEST(!normalize_email("alice..smith@example.com"));
    BOOST_TEST(!normalize_email(".alice@example.com"));
    BOOST_TEST(!normalize_email("alice.@example.com"));
    BOOST_TEST(!normalize_email("alice@example..com"));
    BOOST_TEST(!normalize_email("alice@.example.com"));
    BOOST_TEST(!normalize_email("alice@example.com."));
}

BOOST_AUTO_TEST_CASE(email_without_a_real_tld_is_refused) {
    BOOST_TEST(!normalize_email("alice@example"));
    BOOST_TEST(!normalize_email("alice@example.c"));
    BOOST_TEST(!normalize_email("alice@example.123"));
    BOOST_TEST(!normalize_email("alice@-example.com"));
    BOOST_TEST(!normalize_email("alice@example-.com"));
    BOOST_TEST(!normalize_email("alice@exa_mple.com"));
    BOOST_TEST(!normalize_email("(alice)@example.com"));
    BOOST_TEST(!normalize_email("\xC3\xA9lise@example.com"));  // non-ASCII local part
}

BOOST_AUTO_TEST_CASE(email_length_limits) {
    const std::string local64(64, 'a');
    BOOST_TEST(normalize_email(local64 + "@example.com").has_value());
    BOOST_TEST(!normalize_email(local64 + "a@example.com"));  // local part > 64
    BOOST_TEST(!normalize_email("a@" + std::string(64, 'b') + ".com"));  // label > 63

    // 64 + 1 + 189 = 254 characters: the longest address; one more is refused.
    const std::string domain189 = std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(57, 'd') + ".com";
    BOOST_REQUIRE(domain189.size() == 189u);
    BOOST_TEST(normalize_email(local64 + "@" + domain189).has_value());
    const std::string domain190 = std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(58, 'd') + ".com";
    BOOST_TEST(!normalize_email(local64 + "@" + domain190));
    BOOST_TEST(!normalize_email(std::string(300, 'a') + "@example.com"));
}

// --- display name --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(name_of_1_to_64_characters) {
    BOOST_TEST(!name_problem("").empty());
    BOOST_TEST(name_problem("A") == "");
    BOOST_TEST(name_problem(std::string(64, 'x')) == "");
    BOOST_TEST(name_problem(std::string(65, 'x')) == "Ensure this value has between 1 and 64 characters.");
    BOOST_TEST(name_problem("") == "Ensure this value has between 1 and 64 characters.");
}

BOOST_AUTO_TEST_CASE(name_length_counts_unicode_characters_not_bytes) {
    const std::string e_acute = "\xC3\xA9";          // é, 2 bytes
    const std::string cjk = "\xE5\x90\x8D";          // 名, 3 bytes
    const std::string emoji = "\xF0\x9F\x98\x80";    // 😀, 4 bytes
    BOOST_TEST(name_problem(repeat(e_acute, 64)) == "");
    BOOST_TEST(name_problem(repeat(cjk, 64)) == "");
    BOOST_TEST(name_problem(repeat(emoji, 64)) == "");
    BOOST_TEST(!name_problem(repeat(e_acute, 65)).empty());
    BOOST_TEST(!name_problem(repeat(emoji, 65)).empty());
    BOOST_TEST(gatehouse::core::utf8_length(repeat(emoji, 64)) == 64u);
}

BOOST_AUTO_TEST_CASE(name_with_control_characters_is_refused) {
    BOOST_TEST(name_problem("bad\x01name") == "Enter a valid name.");
    BOOST_TEST(name_problem("tab\there") == "Enter a valid name.");
    BOOST_TEST(name_problem("new\nline") == "Enter a valid name.");
    BOOST_TEST(name_problem("del\x7F") == "Enter a valid name.");
    BOOST_TEST(name_problem("Ada Lovelace") == "");
}

BOOST_AUTO_TEST_CASE(first_and_last_names_up_to_150_characters) {
    BOOST_TEST(person_name_problem("") == "");
    BOOST_TEST(person_name_problem(std::string(150, 'x')) == "");
    BOOST_TEST(person_name_problem(repeat("\xC3\xA9", 150)) == "");
    BOOST_TEST(person_name_problem(std::string(151, 'x')) == "Ensure this field has no more than 150 characters.");
    BOOST_TEST(!person_name_problem("a\x02").empty());
}

// --- phone ---------------------------------------------------------------------------------------

// Every phone field takes what libphonenumber takes as a possible number, written as people write it.
BOOST_AUTO_TEST_CASE(phone_in_international_format_as_libphonenumber_reads_it) {
    BOOST_TEST(phone_problem("+14155552671") == "");
    BOOST_TEST(phone_problem("+1 415 555 2671") == "");
    BOOST_TEST(phone_problem("+1-415-555-2671") == "");
    BOOST_TEST(phone_problem("+44 20 7946 0958") == "");
    BOOST_TEST(gatehouse::accounts::normalize_phone(" +1 (415) 555-2671 ").value_or("-") == "+14155552671");
    BOOST_TEST(phone_problem("+1234567") != "");            // too short for any country
    BOOST_TEST(phone_problem("+1234567890123456") != "");   // 16 digits: longer than E.164 allows
    // Found by fuzz_tokens: read once, this is a number whose E.164 form libphonenumber refuses.
    BOOST_TEST(phone_problem("+43 (0 (0)25046") != "");
}

BOOST_AUTO_TEST_CASE(phone_not_in_e164_is_refused) {
    const std::string message = "Enter a valid phone number in international format, e.g. +14155552671.";
    BOOST_TEST(phone_problem("14155552671") == message);       // no +
    BOOST_TEST(phone_problem("+1415555267a") == message);
    BOOST_TEST(phone_problem("+04155552671") == message);      // no country code starts with 0
    BOOST_TEST(phone_problem("++4155552671") == message);
    BOOST_TEST(phone_problem("+") == message);
    BOOST_TEST(phone_problem("") == message);
    BOOST_TEST(phone_problem("(415) 555-2671") == message);
}

// --- date of birth -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(date_of_birth_must_be_in_the_past) {
    const std::string past = "The date of birth must be in the past.";
    BOOST_TEST(date_of_birth_problem("2024-03-14", kToday) == "");   // yesterday
    BOOST_TEST(date_of_birth_problem("2024-03-15", kToday) == past); // today
    BOOST_TEST(date_of_birth_problem("2024-03-16", kToday) == past);
    BOOST_TEST(date_of_birth_problem("2090-01-01", kToday) == past);
    BOOST_TEST(date_of_birth_problem("1990-07-04", kToday) == "");
    BOOST_TEST(date_of_birth_problem("1900-01-01", kToday) == "");
    // "today" is the UTC day: at 00:00:00 and at 23:59:59 the same date is refused.
    BOOST_TEST(date_of_birth_problem("2024-03-15", kToday - 12 * 3600) == past);
    BOOST_TEST(date_of_birth_problem("2024-03-15", kToday + 12 * 3600 - 1) == past);
    BOOST_TEST(date_of_birth_problem("2024-03-15", kToday + 12 * 3600) == "");
}

BOOST_AUTO_TEST_CASE(date_of_birth_must_be_a_real_date) {
    const std::string invalid = "Enter a valid date in the form YYYY-MM-DD.";
    BOOST_TEST(date_of_birth_problem("2023-02-30", kToday) == invalid);
    BOOST_TEST(date_of_birth_problem("2023-02-29", kToday) == invalid);  // not a leap year
    BOOST_TEST(date_of_birth_problem("2020-02-29", kToday) == "");       // a leap year
    BOOST_TEST(date_of_birth_problem("1900-02-29", kToday) == invalid);  // not a leap year either
    BOOST_TEST(date_of_birth_problem("2023-04-31", kToday) == invalid);
    BOOST_TEST(date_of_birth_problem("2023-13-01", kToday) == invalid);
    BOOST_TEST(date_of_birth_problem("2023-00-10", kToday) == invalid);
    BOOST_TEST(date_of_birth_problem("2023-01-00", kToday) == invalid);
    BOOST_TEST(date_of_birth_problem("2023-01-32", kToday) == invalid);
}

BOOST_AUTO_TEST_CASE(date_of_birth_must_be_yyyy_mm_dd) {
    const std::string invalid = "Enter a valid date in the form YYYY-MM-DD.";
    for (const char* bad : {"", "2023-1-01", "2023-01-1", "23-01-01", "2023/01/01", "01-02-2023", "2023-01-01x",
                            "2023-01-01 ", "20230101", "2023-01-01T00:00", "yesterday", "+202-01-01",
                            // strptime alone skips spaces inside: these are not YYYY-MM-DD either
                            " 2023-1-01", "2023- 1-01", "2023-01- 1", "2023-+1-01"}) {
        BOOST_TEST_CONTEXT("date '" << bad << "'") { BOOST_TEST(date_of_birth_problem(bad, kToday) == invalid); }
    }
}

// --- gender --------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(gender_is_one_of_four_choices) {
    for (const char* ok : {"female", "male", "other", "unspecified"}) BOOST_TEST(gender_problem(ok) == "");
    BOOST_TEST(gender_problem("robot") == "Select a valid choice. \"robot\" is not one of the available choices.");
    BOOST_TEST(!gender_problem("Female").empty());
    BOOST_TEST(!gender_problem(" male").empty());
    BOOST_TEST(!gender_problem("").empty());
}

BOOST_AUTO_TEST_CASE(trim_removes_surrounding_whitespace_only) {
    BOOST_TEST(trim("  a b \t\r\n") == "a b");
    BOOST_TEST(trim("   ") == "");
    BOOST_TEST(trim("") == "");
}

BOOST_AUTO_TEST_SUITE_END()
