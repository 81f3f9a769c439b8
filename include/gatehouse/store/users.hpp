#pragma once
// The users table. SQL lives here and nowhere else; no policy.
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

struct User {
    std::int64_t id = 0;
    std::optional<std::string> email;
    std::optional<std::string> name;
    std::string first_name;
    std::string last_name;
    std::optional<std::string> phone;
    std::optional<std::string> date_of_birth;
    std::optional<std::string> gender;
    std::string password_hash;
    bool is_active = true;
    bool is_staff = false;
    bool is_superuser = false;
    bool is_verified = false;
    bool phone_verified = false;
    std::string date_joined;
    std::optional<std::string> last_login;
    std::optional<std::string> image;  // the profile picture's file name in $GATEHOUSE_VAR/media/
    std::string language;              // the one last used ("en", "fa"); "" until known
};

class UserStore {
public:
    explicit UserStore(Database& db) : db_(db) {}

    // Inserts and returns the new id; throws ConstraintError when email, name or phone is taken.
    std::int64_t insert(const User& user);
    std::optional<User> find_by_id(std::int64_t id);
    std::optional<User> find_by_email(std::string_view email);  // ignoring case
    std::optional<User> find_by_name(std::string_view name);    // ignoring case
    std::optional<User> find_by_phone(std::string_view phone);
    void set_password_hash(std::int64_t id, std::string_view hash);
    void set_verified(std::int64_t id);
    void set_phone_verified(std::int64_t id);
    void set_active(std::int64_t id, bool active);
    void remove(std::int64_t id);
    void set_last_login(std::int64_t id, std::string_view when);
    void set_language(std::int64_t id, std::string_view language);
    // name, first_name, last_name, phone, date_of_birth, gender (and is_verified when a phone changes).
    void update_profile(const User& user);
    // Sets the profile picture's file name (nullopt: none) and returns the one it replaces, read in
    // the same (caller's) transaction so that a concurrent change cannot leave a file unaccounted for.
    std::optional<std::string> swap_image(std::int64_t id, const std::optional<std::string>& image);
    void set_flags(std::int64_t id, bool is_active, bool is_staff, bool is_superuser, bool is_verified);
    std::int64_t count();
    // A confirmed email change (or its undo): the address, its folded key, and is_verified.
    // Throws ConstraintError when another user holds the address (ignoring case).
    void set_email(std::int64_t id, const std::optional<std::string>& email, bool verified);

    // The users matching every term — each term a substring, ignoring case, of the email, name,
    // first name, last name or phone; `%`, `_` and `\` are literal — ordered by id. No terms: all.
    std::int64_t count_matching(const std::vector<std::string>& terms);
    std::vector<User> page_matching(const std::vector<std::string>& terms, std::int64_t limit, std::int64_t offset);

private:
    Database& db_;
};

}  // namespace gatehouse::store
