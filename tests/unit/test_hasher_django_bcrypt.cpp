// Django's bcrypt hashes, which imported users bring along (gatehouse import-django): every hash here
// was made by Django 3.2.25 itself (Debian 12 python3-django, python3-bcrypt 3.2.2) with make_password,
// on 2026-12-07, and checked True by its own check_password for the password given.
//   bcrypt_sha256$$2b$…  BCryptSHA256PasswordHasher: bcrypt of the hex SHA-256 of the password
//   bcrypt$$2b$…         BCryptPasswordHasher: bcrypt of the password, which bcrypt cuts at 72 bytes
#include "gatehouse/accounts/bcrypt.hpp"
#include "gatehouse/accounts/password_hasher.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

using gatehouse::accounts::HasherSettings;
using gatehouse::accounts::PasswordHasher;
namespace bcrypt = gatehouse::accounts::bcrypt;

namespace {

struct Vector {
    std::string_view password;
    std::string_view encoded;
};

const std::string kLong = std::string(72, 'x') + "-and-the-rest ✓";

// make_password(password, hasher='bcrypt_sha256'), Django's default 12 rounds, then 4 rounds (cheap).
const Vector kDjangoBcryptSha256[] = {
    {"lètmein", "bcrypt_sha256$$2b$12$twBnyI0DDAo8IB8gFTzqQu3r9zHpRcWr3yK/RoyE6JCvcGZ5sKOZG"},
    {"pässwörd 🔑", "bcrypt_sha256$$2b$04$jO.0lZPkpcPKJJLz4322petF63NSjm1ZbdlDWnQNzaYYPF0QIAMPW"},
    {"", "bcrypt_sha256$$2b$04$ORsgMoIADK7H/q6d78Jhwec6nkQHnIQW5ps2TT15y0noVtpety1xS"},
    {kLong, "bcrypt_sha256$$2b$04$tLa25rx02jXCmTzf/TnY.OHX8TH40t1SgLNGoxkX0XAVAVEdtvGxG"},
};

// make_password(password, hasher='bcrypt') at 4 rounds.
const Vector kDjangoBcrypt[] = {
    {"lètmein", "bcrypt$$2b$04$jheQkAkZ3T5A95fQ7GvO7uZaevabEIEZxbylv6fFf8XXC.2Js9KfO"},
    {kLong, "bcrypt$$2b$04$bJ5OWew2cE/5ipcTeKLPj.tpVc.Aa0b7zsLgFSbiFc3io.6vBYnQ6"},
};

const PasswordHasher& hasher() {
    static const PasswordHasher h(HasherSettings{.algorithm = "pbkdf2_sha256", .pbkdf2_iterations = 1000});
    return h;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hasher_django_bcrypt)

BOOST_AUTO_TEST_CASE(verifies_django_bcrypt_sha256) {
    for (const auto& v : kDjangoBcryptSha256) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(gatehouse::accounts::is_checkable_hash(v.encoded));
            BOOST_TEST(hasher().verify(v.password, v.encoded));
            BOOST_TEST(!hasher().verify(std::string(v.password) + "x", v.encoded));
        }
    }
}

// The SHA-256 first is what lets every byte of a long password count, as in Django: the first 72
// bytes alone do not verify under bcrypt_sha256, and do under plain bcrypt (Django's check_password
// says the same of these two hashes).
BOOST_AUTO_TEST_CASE(long_passwords_as_django_counts_them) {
    BOOST_TEST(!hasher().verify(kLong.substr(0, 72), kDjangoBcryptSha256[3].encoded));
    BOOST_TEST(hasher().verify(kLong.substr(0, 72), kDjangoBcrypt[1].encoded));
}

BOOST_AUTO_TEST_CASE(verifies_django_bcrypt) {
    for (const auto& v : kDjangoBcrypt) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(hasher().verify(v.password, v.encoded));
            BOOST_TEST(!hasher().verify("l\u00e8tmeiN", v.encoded));
        }
    }
}

BOOST_AUTO_TEST_CASE(tampered_or_malformed_bcrypt_is_refused) {
    const std::string good(kDjangoBcryptSha256[1].encoded);
    std::string tampered = good;
    tampered.back() = tampered.back() == 'W' ? 'X' : 'W';
    BOOST_TEST(!hasher().verify("pässwörd 🔑", tampered));
    // The other hasher's prefix: bcrypt of the password itself is not bcrypt of its SHA-256.
    BOOST_TEST(!hasher().verify("pässwörd 🔑", "bcrypt$" + good.substr(std::string_view("bcrypt_sha256$").size())));
    for (std::string_view bad : {"bcrypt_sha256$", "bcrypt_sha256$$2b$04$short", "bcrypt_sha256$$2x$04$jO.0lZPkpcPKJJLz4322petF63NSjm1ZbdlDWnQNzaYYPF0QIAMPW",
                                 "bcrypt_sha256$2b$04$jO.0lZPkpcPKJJLz4322petF63NSjm1ZbdlDWnQNzaYYPF0QIAMPW"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(!gatehouse::accounts::is_checkable_hash(bad));
            BOOST_TEST(!hasher().verify("pässwörd 🔑", bad));
        }
    }
    BOOST_TEST(!bcrypt::verify(std::string("a\0b", 3), "$2b$04$jheQkAkZ3T5A95fQ7GvO7uZaevabEIEZxbylv6fFf8XXC.2Js9KfO"));
}

// A login with a bcrypt hash stores one of the configured kind (login.cpp asks needs_rehash).
BOOST_AUTO_TEST_CASE(bcrypt_hashes_need_rehash) {
    const PasswordHasher argon(HasherSettings{.argon2_t = 1, .argon2_m_kib = 64});
    BOOST_TEST(argon.needs_rehash(kDjangoBcryptSha256[0].encoded));
    BOOST_TEST(argon.needs_rehash(kDjangoBcrypt[0].encoded));
    BOOST_TEST(hasher().needs_rehash(kDjangoBcryptSha256[0].encoded));
}

// Django's hashers Gatehouse does not have, and unusable passwords: not checkable, never verified.
BOOST_AUTO_TEST_CASE(other_django_hashes_are_not_checkable) {
    const Vector others[] = {
        {"lètmein", "md5$OeBMLe0O6Bzfn9g6LFTg1B$8bf31a855cce256aee6621be9a676d80"},  // Django 3.2.25 make_password(…, hasher='md5')
        {"Django-Sha1-pass 4", "sha1$bDxSZwFWuR29W8lMwC79VG$d333355b82872b772cc258b48587a653c31e693f"},  // hasher='sha1'
        {"", "!rbF7YWhyK5j0wr2PYsEKrIb1hhyxtPlv2uqt0ZXj"},  // set_unusable_password
        {"", ""},
    };
    for (const auto& v : others) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(!gatehouse::accounts::is_checkable_hash(v.encoded));
            BOOST_TEST(!hasher().verify(v.password, v.encoded));
        }
    }
    BOOST_TEST(gatehouse::accounts::is_checkable_hash("pbkdf2_sha256$260000$seasalt$YlZ2Vggtqdc61YjArZuoApoBh9JNGYoDRBUGu6tcJQo="));
    BOOST_TEST(gatehouse::accounts::is_checkable_hash(
        "argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw"));
}

BOOST_AUTO_TEST_SUITE_END()
