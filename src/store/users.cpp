#include "gatehouse/store/users.hpp"

#include "gatehouse/core/text.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::store {
namespace {

std::optional<std::string> folded(const std::optional<std::string>& value) {
    if (!value) return std::nullopt;
    return core::casefold(*value);
}

constexpr std::string_view kColumns =
    "id, email, name, first_name, last_name, phone, date_of_birth, gender, password, "
    "is_active, is_staff, is_superuser, is_verified, date_joined, last_login, phone_verified, image, language";

User read_user(const Statement& row) {
    User u;
    u.id = row.column_int(0);
    u.email = row.column_optional_text(1);
    u.name = row.column_optional_text(2);
    u.first_name = row.column_text(3);
    u.last_name = row.column_text(4);
    u.phone = row.column_optional_text(5);
    u.date_of_birth = row.column_optional_text(6);
    u.gender = row.column_optional_text(7);
    u.password_hash = row.column_text(8);
    u.is_active = row.column_int(9) != 0;
    u.is_staff = row.column_int(10) != 0;
    u.is_superuser = row.column_int(11) != 0;
    u.is_verified = row.column_int(12) != 0;
    u.date_joined = row.column_text(13);
    u.last_login = row.column_optional_text(14);
    u.phone_verified = row.column_int(15) != 0;
    u.image = row.column_optional_text(16);
    u.language = row.column_text(17);
    return u;
}

// The search terms as one bound value: a JSON array of LIKE patterns "%term%" (case-folded, with
// \, % and _ escaped), walked by json_each() — one prepared statement for any number of terms.
std::string like_patterns(const std::vector<std::string>& terms) {
    nlohmann::json patterns = nlohmann::json::array();
    for (const auto& term : terms) {
        std::string pattern = "%";
        for (char c : core::casefold(term)) {
            if (c == '\\' || c == '%' || c == '_') pattern += '\\';
            pattern += c;
        }
        patterns.push_back(pattern + "%");
    }
    return patterns.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// No term fails to match some field. casefold() is the connection's SQL function (store/sqlite.cpp;
// PostgreSQL's comes with its migration 0009); each engine spells "the rows of a JSON array" its way.
std::string matches_every_term(Engine engine) {
    const std::string terms = engine == Engine::Postgresql ? "json_array_elements_text(CAST(? AS json)) AS term(value)"
                                                           : "json_each(?) AS term";
    return " WHERE NOT EXISTS (SELECT 1 FROM " + terms +
           " WHERE NOT ("
           "casefold(coalesce(email, '')) LIKE term.value ESCAPE '\\'"
           " OR casefold(coalesce(name, '')) LIKE term.value ESCAPE '\\'"
           " OR casefold(first_name) LIKE term.value ESCAPE '\\'"
           " OR casefold(last_name) LIKE term.value ESCAPE '\\'"
           " OR coalesce(phone, '') LIKE term.value ESCAPE '\\'))";
}

std::optional<User> first_user(Query& q) {
    if (!q.step()) return std::nullopt;
    return read_user(q.row());
}

}  // namespace

std::int64_t UserStore::insert(const User& u) {
    auto q = db_.query(
        "INSERT INTO users (email, name, first_name, last_name, phone, date_of_birth, gender, password,"
        " is_active, is_staff, is_superuser, is_verified, date_joined, last_login, phone_verified, email_key, name_key,"
        " language) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
    q.bind(1, u.email).bind(2, u.name).bind(3, u.first_name).bind(4, u.last_name).bind(5, u.phone);
    q.bind(6, u.date_of_birth).bind(7, u.gender).bind(8, u.password_hash).bind(9, u.is_active);
    q.bind(10, u.is_staff).bind(11, u.is_superuser).bind(12, u.is_verified).bind(13, u.date_joined);
    q.bind(14, u.last_login).bind(15, u.phone_verified).bind(16, folded(u.email)).bind(17, folded(u.name));
    q.bind(18, u.language);
    return q.returned_id();
}

std::optional<User> UserStore::find_by_id(std::int64_t id) {
    static const std::string sql = "SELECT " + std::string(kColumns) + " FROM users WHERE id = ?";
    auto q = db_.query(sql);
    q.bind(1, id);
    return first_user(q);
}

std::optional<User> UserStore::find_by_email(std::string_view email) {
    static const std::string sql = "SELECT " + std::string(kColumns) + " FROM users WHERE email_key = ?";
    auto q = db_.query(sql);
    q.bind(1, core::casefold(email));
    return first_user(q);
}

std::optional<User> UserStore::find_by_name(std::string_view name) {
    static const std::string sql = "SELECT " + std::string(kColumns) + " FROM users WHERE name_key = ?";
    auto q = db_.query(sql);
    q.bind(1, core::casefold(name));
    return first_user(q);
}

std::optional<User> UserStore::find_by_phone(std::string_view phone) {
    static const std::string sql = "SELECT " + std::string(kColumns) + " FROM users WHERE phone = ?";
    auto q = db_.query(sql);
    q.bind(1, phone);
    return first_user(q);
}

void UserStore::set_language(std::int64_t id, std::string_view language) {
    db_.query("UPDATE users SET language = ? WHERE id = ?").bind(1, language).bind(2, id).run();
}

void UserStore::set_verified(std::int64_t id) {
    db_.query("UPDATE users SET is_verified = 1 WHERE id = ?").bind(1, id).run();
}

void UserStore::set_email(std::int64_t id, const std::optional<std::string>& email, bool verified) {
    db_.query("UPDATE users SET email = ?, email_key = ?, is_verified = ? WHERE id = ?")
        .bind(1, email)
        .bind(2, folded(email))
        .bind(3, verified)
        .bind(4, id)
        .run();
}

void UserStore::set_phone_verified(std::int64_t id) {
    db_.query("UPDATE users SET phone_verified = 1 WHERE id = ?").bind(1, id).run();
}

void UserStore::set_active(std::int64_t id, bool active) {
    db_.query("UPDATE users SET is_active = ? WHERE id = ?").bind(1, active).bind(2, id).run();
}

void UserStore::remove(std::int64_t id) { db_.query("DELETE FROM users WHERE id = ?").bind(1, id).run(); }

void UserStore::set_last_login(std::int64_t id, std::string_view when) {
    db_.query("UPDATE users SET last_login = ? WHERE id = ?").bind(1, when).bind(2, id).run();
}

void UserStore::update_profile(const User& u) {
    db_.query(
           "UPDATE users SET name = ?, first_name = ?, last_name = ?, phone = ?, date_of_birth = ?, gender = ?,"
           " is_verified = ?, phone_verified = ?, name_key = ? WHERE id = ?")
        .bind(1, u.name)
        .bind(2, u.first_name)
        .bind(3, u.last_name)
        .bind(4, u.phone)
        .bind(5, u.date_of_birth)
        .bind(6, u.gender)
        .bind(7, u.is_verified)
        .bind(8, u.phone_verified)
        .bind(9, folded(u.name))
        .bind(10, u.id)
        .run();
}

std::optional<std::string> UserStore::swap_image(std::int64_t id, const std::optional<std::string>& image) {
    auto q = db_.query("SELECT image FROM users WHERE id = ?");
    q.bind(1, id);
    std::optional<std::string> before;
    if (q.step()) before = q.row().column_optional_text(0);
    db_.query("UPDATE users SET image = ? WHERE id = ?").bind(1, image).bind(2, id).run();
    return before;
}

void UserStore::set_password_hash(std::int64_t id, std::string_view hash) {
    db_.query("UPDATE users SET password = ? WHERE id = ?").bind(1, hash).bind(2, id).run();
}

void UserStore::set_flags(std::int64_t id, bool is_active, bool is_staff, bool is_superuser, bool is_verified) {
    db_.query("UPDATE users SET is_active = ?, is_staff = ?, is_superuser = ?, is_verified = ? WHERE id = ?")
        .bind(1, is_active)
        .bind(2, is_staff)
        .bind(3, is_superuser)
        .bind(4, is_verified)
        .bind(5, id)
        .run();
}

std::int64_t UserStore::count() {
    auto q = db_.query("SELECT count(*) FROM users");
    q.step();
    return q.row().column_int(0);
}

std::int64_t UserStore::count_matching(const std::vector<std::string>& terms) {
    const std::string sql = "SELECT count(*) FROM users" + matches_every_term(db_.engine());
    auto q = db_.query(sql);
    q.bind(1, like_patterns(terms));
    q.step();
    return q.row().column_int(0);
}

std::vector<User> UserStore::page_matching(const std::vector<std::string>& terms, std::int64_t limit,
                                           std::int64_t offset) {
    const std::string sql =
        "SELECT " + std::string(kColumns) + " FROM users" + matches_every_term(db_.engine()) + " ORDER BY id LIMIT ? OFFSET ?";
    auto q = db_.query(sql);
    q.bind(1, like_patterns(terms)).bind(2, limit).bind(3, offset);
    std::vector<User> out;
    while (q.step()) out.push_back(read_user(q.row()));
    return out;
}

}  // namespace gatehouse::store
