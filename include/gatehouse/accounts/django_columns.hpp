#pragma once
// How gatehouse import-django reads a Django user table (README, "gatehouse import-django"): which
// table, which column feeds which Gatehouse field, and what one row becomes. No database here: the
// table and column names come in, a checked user (or why the row is skipped) goes out.
#include "gatehouse/accounts/user.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::accounts {

// The operator's mistake (an unknown --map field, a column the table lacks, no single user table):
// the command's exit code 2.
struct ImportUsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// The Gatehouse fields an import fills, in report order: id (the source row's, for the report and the
// order), email, password, name, first_name, last_name, phone, is_active, is_staff, is_superuser,
// is_verified, date_joined, last_login.
const std::vector<std::string>& import_fields();

// The user table: `wanted` (--table) when given, which must exist; else auth_user; else the one
// table named …_user (custom user models: accounts_user) with email and password columns. Several
// such tables, or none: ImportUsageError naming the candidates.
using ColumnsOf = std::function<std::vector<std::string>(const std::string& table)>;
std::string choose_user_table(const std::vector<std::string>& tables, const ColumnsOf& columns_of,
                              const std::string& wanted);

// Field → column: each field's first column present among Django's names for it (name: name, then
// username; phone: phone, phone_number; is_verified: is_verified, is_activated, email_verified; the
// others their own name), then the overrides (--map field=column) on top. ImportUsageError for an
// override of an unknown field or naming a column the table lacks, and when email or password has no
// column.
std::map<std::string, std::string> map_columns(const std::vector<std::string>& columns,
                                               const std::vector<std::pair<std::string, std::string>>& overrides);

// One source row as a Gatehouse user, before anything is compared with Gatehouse's own users.
struct SourceUser {
    std::string row_id;                   // the id column's value, else the row's number (1, 2, …)
    std::string raw_email;                // as the source has it, for the report
    std::optional<std::string> skip;      // why the row is not imported (no email, invalid email)
    User user;                            // email normalised, the hash as Django wrote it
    std::vector<std::string> warnings;    // what was left out or cannot work (a bad phone, an old hash)
    std::vector<std::string> fields;      // the fields the source gave a usable value for
};

// row: field → value (nullopt: NULL or no column). now: date_joined when the source has none.
// Flags without a column: active, not staff, not superuser, verified (Django's auth_user verifies no
// email: its users have been logging in with theirs).
SourceUser read_source_user(const std::map<std::string, std::optional<std::string>>& row, std::size_t row_number,
                            std::int64_t now);

// "true" for 1/t/true/y/yes (any case), "false" for 0/f/false/n/no and empty; nullopt otherwise.
std::optional<bool> source_bool(std::string_view text);

}  // namespace gatehouse::accounts
