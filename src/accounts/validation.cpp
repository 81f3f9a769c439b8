#include "gatehouse/accounts/validation.hpp"

#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/text.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace gatehouse::accounts {
namespace {

bool is_atext(unsigned char ch) {
    return std::isalnum(ch) || std::string_view("!#$%&'*+/=?^_`{|}~-").find(static_cast<char>(ch)) != std::string_view::npos;
}

bool valid_local_part(std::string_view local) {
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
    if (local.find("..") != std::string_view::npos) return false;
    return std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atext(static_cast<unsigned char>(c)); });
}

bool valid_domain(std::string_view domain) {
    if (domain.empty() || domain.size() > 253) return false;
    if (domain == "localhost") return true;
    std::size_t start = 0;
    int labels = 0;
    std::string_view last;
    while (start <= domain.size()) {
        auto end = domain.find('.', start);
        if (end == std::string_view::npos) end = domain.size();
        auto label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
            return false;
        last = label;
        ++labels;
        start = end + 1;
        if (end == domain.size()) break;
    }
    return labels >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}


std::optional<std::string> normalize_email(std::string_view raw) {
    std::string email = trim(raw);
    if (email.size() > 254) return std::nullopt;
    const auto at = email.rfind('@');
    if (at == std::string::npos) return std::nullopt;
    std::string local = email.substr(0, at);
    std::string domain = email.substr(at + 1);
    std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!valid_local_part(local) || !valid_domain(domain)) return std::nullopt;
    return local + "@" + domain;
}

std::string name_problem(std::string_view name) {
    const auto length = core::utf8_length(name);
    if (length < 1 || length > 64) return core::N_("Ensure this value has between 1 and 64 characters.");
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
        return core::N_("Enter a valid name.");
    return {};
}

std::string person_name_problem(std::string_view value) {
    if (core::utf8_length(value) > 150) return core::N_("Ensure this field has no more than 150 characters.");
    if (std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
        return core::N_("Enter a valid value.");
    return {};
}

namespace {
// What E.164 allows: "+", a country code that does not start with 0, 8 to 15 digits in all.
bool e164_shape(std::string_view phone) {
    return phone.size() >= 9 && phone.size() <= 16 && phone.front() == '+' && phone[1] != '0' &&
           std::all_of(phone.begin() + 1, phone.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

namespace {
// One reading of a number by libphonenumber, in E.164.
std::optional<std::string> e164_reading(std::string_view phone) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const std::string text = trim(phone);
    if (text.empty() || text.front() != '+' || text.size() > 32) return std::nullopt;
    // libphonenumber would read letters as a keypad ("+1 415 555 CALL" → …2255): a different number.
    if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c); })) return std::nullopt;
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(text, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
    // An extension ("#123", ",123") would be dropped by E.164: not the number that was given.
    if (number.has_extension() || !util->IsPossibleNumber(number)) return std::nullopt;
    std::string e164;
    util->Format(number, PhoneNumberUtil::E164, &e164);
    if (!e164_shape(e164)) return std::nullopt;
    return e164;
}
}  // namespace

std::optional<std::string> normalize_phone(std::string_view phone) {
    // Only a number whose E.164 form reads back as itself: what is stored must pass its own check
    // ("+43 (0 (0)25046" reads as a number whose E.164 form libphonenumber then refuses).
    auto e164 = e164_reading(phone);
    if (!e164 || e164_reading(*e164) != e164) return std::nullopt;
    return e164;
}

std::string phone_problem(std::string_view phone) {
    if (!normalize_phone(phone)) return core::N_("Enter a valid phone number in international format, e.g. +14155552671.");
    return {};
}

std::string date_of_birth_problem(std::string_view date, std::int64_t today_unix) {
    std::tm tm{};
    const std::string text(date);
    // Exactly DDDD-DD-DD: strptime alone would also take " 2023-1-01" or "2023- 1-01" (it skips spaces).
    bool shape = text.size() == 10;
    for (std::size_t i = 0; shape && i < text.size(); ++i)
        shape = (i == 4 || i == 7) ? text[i] == '-' : (text[i] >= '0' && text[i] <= '9');
    if (!shape) return core::N_("Enter a valid date in the form YYYY-MM-DD.");
    const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
    if (!end || *end != '\0') return core::N_("Enter a valid date in the form YYYY-MM-DD.");
    std::tm check = tm;
    const std::time_t when = timegm(&check);
    if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon) return core::N_("Enter a valid date in the form YYYY-MM-DD.");
    if (when >= today_unix - (today_unix % 86400)) return core::N_("The date of birth must be in the past.");
    if (tm.tm_year + 1900 < 1900) return core::N_("Enter a valid date in the form YYYY-MM-DD.");
    return {};
}

std::string gender_problem(std::string_view gender) {
    for (const char* choice : {"female", "male", "other", "unspecified"})
        if (gender == choice) return {};
    return core::fill_blank(core::N_("Select a valid choice. \"{value}\" is not one of the available choices."), "{value}", gender);
}

}  // namespace gatehouse::accounts
