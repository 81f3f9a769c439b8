#include "gatehouse/accounts/django_columns.hpp"

#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/clock.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::accounts {
namespace {

// Django's column names for each field, the first present wins.
const std::vector<std::pair<std::string, std::vector<std::string>>>& django_names() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> names = {
        {"id", {"id"}},
        {"email", {"email"}},
        {"password", {"password"}},
        {"name", {"name", "username"}},
        {"first_name", {"first_name"}},
        {"last_name", {"last_name"}},
        {"phone", {"phone", "phone_number"}},
        {"is_active", {"is_active"}},
        {"is_staff", {"is_staff"}},
        {"is_superuser", {"is_superuser"}},
        {"is_verified", {"is_verified", "is_activated", "email_verified"}},
        {"date_joined", {"date_joined"}},
        {"last_login", {"last_login"}},
    };
    return names;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// What kind of hash Django wrote: its algorithm name, the text before the first '$'.
std::string hash_kind(std::string_view encoded) {
    const auto dollar = encoded.find('$');
    return std::string(dollar == std::string_view::npos ? std::string_view("unsalted or unknown") : encoded.substr(0, dollar));
}

}  // namespace

const std::vector<std::string>& import_fields() {
    static const std::vector<std::string> fields = [] {
        std::vector<std::string> out;
        for (const auto& [field, names] : django_names()) out.push_back(field);
        return out;
    }();
    return fields;
}

std::string choose_user_table(const std::vector<std::string>& tables, const ColumnsOf& columns_of,
                              const std::string& wanted) {
    if (!wanted.empty()) {
        if (!contains(tables, wanted)) throw ImportUsageError("the source has no table " + wanted);
        return wanted;
    }
    if (contains(tables, "auth_user")) return "auth_user";
    std::vector<std::string> candidates;
    for (const auto& table : tables) {
        if (table.size() <= 5 || !table.ends_with("_user")) continue;
        const auto columns = columns_of(table);
        if (contains(columns, "email") && contains(columns, "password")) candidates.push_back(table);
    }
    if (candidates.size() == 1) return candidates.front();
    if (candidates.empty())
        throw ImportUsageError(
            "no user table in the source: neither auth_user nor a table named …_user with email and password columns "
            "(name it with --table)");
    std::string list;
    for (const auto& table : candidates) list += (list.empty() ? "" : ", ") + table;
    throw ImportUsageError("several user tables in the source: " + list + " (name one with --table)");
}

std::map<std::string, std::string> map_columns(const std::vector<std::string>& columns,
                                               const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::map<std::string, std::string> map;
    for (const auto& [field, names] : django_names())
        for (const auto& name : names)
            if (contains(columns, name)) {
                map[field] = name;
                break;
            }
    for (const auto& [field, column] : overrides) {
        if (!contains(import_fields(), field))
            throw ImportUsageError("--map " + field + "=" + column + ": no such field (fields: email, password, name, "
                                   "first_name, last_name, phone, is_active, is_staff, is_superuser, is_verified, "
                                   "date_joined, last_login, id)");
        if (!contains(columns, column)) throw ImportUsageError("--map " + field + "=" + column + ": the table has no column " + column);
        map[field] = column;
    }
    for (const char* needed : {"email", "password"})
        if (!map.contains(needed))
            throw ImportUsageError(std::string("the table has no ") + needed + " column (name it with --map " + needed + "=COLUMN)");
    return map;
}

std::optional<bool> source_bool(std::string_view text) {
    const std::string value = lowered(trim(text));
    if (value == "1" || value == "t" || value == "true" || value == "y" || value == "yes") return true;
    if (value.empty() || value == "0" || value == "f" || value == "false" || value == "n" || value == "no") return false;
    return std::nullopt;
}

SourceUser read_source_user(const std::map<std::string, std::optional<std::string>>& row, std::size_t row_number,
                            std::int64_t now) {
    SourceUser out;
    auto value = [&](const std::string& field) -> std::optional<std::string> {
        const auto it = row.find(field);
        return it == row.end() ? std::nullopt : it->second;
    };
    out.row_id = value("id").value_or(std::to_string(row_number));
    out.raw_email = value("email").value_or("");
    User& user = out.user;

    if (trim(out.raw_email).empty()) {
        out.skip = "no email (Gatehouse logs users in by email)";
        return out;
    }
    const auto email = normalize_email(out.raw_email);
    if (!email) {
        out.skip = "invalid email (the signup rules refuse it)";
        return out;
    }
    user.email = *email;
    out.fields.push_back("email");

    // The hash exactly as Django wrote it: the user logs in with the old password, and that login
    // stores a hash of Gatehouse's configured kind.
    user.password_hash = value("password").value_or("");
    if (user.password_hash.starts_with('!'))
        out.warnings.push_back("no usable password in Django (set_unusable_password): kept unusable");
    else if (!is_checkable_hash(user.password_hash))
        out.warnings.push_back("password hash of a kind Gatehouse does not check (" + hash_kind(user.password_hash) +
                               "): kept; the user must reset the password");
    out.fields.push_back("password");

    if (const auto name = value("name"); name && !trim(*name).empty()) {
        if (const auto problem = name_problem(trim(*name)); !problem.empty())
            out.warnings.push_back("name \"" + *name + "\" left out: " + problem);
        else user.name = trim(*name), out.fields.push_back("name");
    }
    for (const auto& [field, target] : {std::pair{"first_name", &user.first_name}, std::pair{"last_name", &user.last_name}}) {
        const auto text = value(field);
        if (!text) continue;
        if (const auto problem = person_name_problem(*text); !problem.empty())
            out.warnings.push_back(std::string(field) + " left out: " + problem);
        else *target = *text, out.fields.push_back(field);
    }
    if (const auto phone = value("phone"); phone && !trim(*phone).empty()) {
        if (const auto e164 = normalize_phone(*phone)) user.phone = *e164, out.fields.push_back("phone");
        else out.warnings.push_back("phone \"" + *phone + "\" left out: " + phone_problem(*phone));
    }

    user.is_active = true;
    user.is_verified = true;
    for (const auto& [field, flag] : {std::pair{"is_active", &user.is_active}, std::pair{"is_staff", &user.is_staff},
                                      std::pair{"is_superuser", &user.is_superuser},
                                      std::pair{"is_verified", &user.is_verified}}) {
        const auto text = value(field);
        if (!text) continue;
        if (const auto parsed = source_bool(*text)) *flag = *parsed, out.fields.push_back(field);
        else out.warnings.push_back(std::string(field) + " \"" + *text + "\" is not a boolean: left as " + (*flag ? "yes" : "no"));
    }

    // Django writes UTC ("2024-01-02 03:04:05.123456" in SQLite, "…+00" from PostgreSQL); Gatehouse
    // stores ISO 8601 UTC to the second.
    user.date_joined = core::iso8601_utc(now);
    if (const auto joined = value("date_joined")) {
        if (const auto seconds = core::parse_iso8601(trim(*joined)))
            user.date_joined = core::iso8601_utc(*seconds), out.fields.push_back("date_joined");
        else out.warnings.push_back("date_joined \"" + *joined + "\" is not a date: the import's time instead");
    }
    if (const auto last = value("last_login")) {
        if (const auto seconds = core::parse_iso8601(trim(*last)))
            user.last_login = core::iso8601_utc(*seconds), out.fields.push_back("last_login");
        else out.warnings.push_back("last_login \"" + *last + "\" is not a date: left empty");
    }
    return out;
}

}  // namespace gatehouse::accounts
