#pragma once
// Field rules (README: *Sign up*, *Profile*: email, name, names, phone, date of birth, gender), one message each.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

// Trimmed, domain lower-cased; nullopt when it is not a valid address.
std::optional<std::string> normalize_email(std::string_view email);
// The message for a bad value, or "" when it is fine. Empty optional fields are fine.
std::string name_problem(std::string_view name);               // 1–64 characters, no control characters
std::string person_name_problem(std::string_view first_or_last);  // ≤ 150 characters
// A phone number in international format as libphonenumber reads it ("+1 (415) 555-2671"), in E.164
// ("+14155552671") — the form every phone is stored in — or nullopt when it is not a possible number.
std::optional<std::string> normalize_phone(std::string_view phone);
std::string phone_problem(std::string_view phone);             // not what normalize_phone takes
std::string date_of_birth_problem(std::string_view date, std::int64_t today_unix);  // YYYY-MM-DD, in the past
std::string gender_problem(std::string_view gender);           // female, male, other, unspecified

std::string trim(std::string_view text);

}  // namespace gatehouse::accounts
