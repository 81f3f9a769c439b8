#pragma once
// bcrypt verification for the hashes Django keeps (imported users: README, gatehouse import-django):
//   bcrypt_sha256$$2b$12$<salt><hash>   BCryptSHA256PasswordHasher: bcrypt of the hex SHA-256 of the password
//   bcrypt$$2b$12$<salt><hash>          BCryptPasswordHasher: bcrypt of the password (72 bytes at most count)
// through libxcrypt's crypt_rn (Debian's libcrypt, which knows $2b$, $2a$ and $2y$). Gatehouse never
// makes bcrypt hashes: a user logging in with one gets the configured hasher's instead.
#include <string_view>

namespace gatehouse::accounts::bcrypt {

// The bcrypt string itself ("$2b$12$…", 60 characters); false for anything else, never a throw.
bool verify(std::string_view password, std::string_view bcrypt_hash);
// Django's two formats above; false for any other string.
bool verify_django(std::string_view password, std::string_view encoded);
// The string is one of Django's two bcrypt formats (with a well-formed bcrypt hash in it).
bool is_django_bcrypt(std::string_view encoded);

}  // namespace gatehouse::accounts::bcrypt
