// PasswordHasher against Django itself, both ways:
//  - Django's published vectors (django/django tests/auth_tests/test_hashers.py, Django 4.1) and hashes made
//    by Django 3.2.25 (Debian 12 python3-django, argon2-cffi 21.1.0) at Django's own defaults, which our
//    verify must accept: pbkdf2_sha256 at 260000/390000 iterations, argon2id at m=102400,t=2,p=8.
//  - Hashes made by Gatehouse, verified by Django 3.2.25's check_password on 2026-11-21: our verify
//    accepts them too and pbkdf2_hash reproduces the pbkdf2 ones byte for byte.
#include "gatehouse/accounts/argon2id.hpp"
#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/core/hashing_slots.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

using gatehouse::accounts::HasherSettings;
using gatehouse::accounts::PasswordHasher;

namespace {

// Cheap settings: these tests verify, they rarely hash.
const PasswordHasher& hasher() {
    static const PasswordHasher h(HasherSettings{.algorithm = "pbkdf2_sha256", .pbkdf2_iterations = 1000});
    return h;
}

struct Vector {
    std::string_view password;
    std::string_view encoded;
};

// make_password(password, salt, hasher) in Django; the published ones are copied from Django's test suite.
constexpr Vector kDjangoPbkdf2[] = {
    // Django 4.1 test_pbkdf2 and test_low_level_pbkdf2 (published).
    {"lètmein", "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="},
    {"lètmein", "pbkdf2_sha256$390000$seasalt2$geC/uZ92nRXDSjSxeoiBqYyRcrLzMm8xK3ro1QS1uo8="},
    // Django 3.2.25: make_password('lètmein', 'seasalt', 'pbkdf2_sha256') at its default 260000 iterations.
    {"lètmein", "pbkdf2_sha256$260000$seasalt$YlZ2Vggtqdc61YjArZuoApoBh9JNGYoDRBUGu6tcJQo="},
    {"", "pbkdf2_sha256$260000$seasalt$O2fWBq/Tb/xsu7DZ1jOnLmAmQVccDI4DuGtVaRvu24s="},
    // Django 3.2.25: PBKDF2PasswordHasher().encode(password, salt, iterations).
    {"lètmein", "pbkdf2_sha256$10000$seasalt2$skPdPHnAsVEsRcqTNPTvR47tkLzsQWTgrRtM6x/bAR0="},
    {"correct horse battery staple ✓", "pbkdf2_sha256$1000$Gx7pQ2rT9bLmN4vWk8sYzA$LGJLCFq3oD3EWwWy4m8yaS4TLqaAA2j/uAn8t9Lp1pU="},
};

constexpr Vector kDjangoArgon2[] = {
    // Django 4.1 test_argon2_version_upgrade (published): Django's default m=102400,t=2,p=8, 16-byte hash.
    {"secret", "argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw"},
    // Django 3.2.25 at its defaults (m=102400,t=2,p=8): fixed salt, then a salt of Django's choosing.
    {"lètmein", "argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$+JMlMPUK2HDUx3AfMuZcXg"},
    {"lètmein", "argon2$argon2id$v=19$m=102400,t=2,p=8$T2pSOW1ORjFQMmEwdFhoZG42Z281VA$JW7jvdezS830HkOVvjeSoQ"},
    // Django 3.2.25 with time_cost=1, memory_cost=256, parallelism=8: 8 lanes, cheap.
    {"pässwörd 🔑", "argon2$argon2id$v=19$m=256,t=1,p=8$R3g3cFEyclQ5YkxtTjR2V2s4c1l6QQ$HXksjD2EVH3JqVKxEUrICw"},
};

// Made by this PasswordHasher, checked True by Django 3.2.25's check_password (and False with one
// character appended) on 2026-11-21.
constexpr Vector kGatehouseArgon2[] = {
    // PasswordHasher{argon2_t=1, argon2_m_kib=64}.hash(…)
    {"Gatehouse ünïcode ✓ pass", "argon2$argon2id$v=19$m=64,t=1,p=1$Ac434YODW+5TCRtkFnSLrg$GZy6Hoqh7VbXDwP7arVo+S7NCXcV8t3ia7uP/gmqSSo"},
    // PasswordHasher{} (the README's defaults: m=19456,t=2,p=1).hash(…)
    {"Gatehouse default ✓", "argon2$argon2id$v=19$m=19456,t=2,p=1$2Jd+AyxfMpWQLx047DXJrg$r3ITOmLpbRMV2Zi5abQGaApV3U/ljv4wuNYqSvO91uk"},
};

struct Pbkdf2Vector {
    std::string_view password, salt;
    int iterations;
    std::string_view encoded;
};

constexpr Pbkdf2Vector kGatehousePbkdf2[] = {
    {"Gatehouse ünïcode ✓ pass", "Rk4mZt2QpW7xYc9LbN3vHs", 5000,
     "pbkdf2_sha256$5000$Rk4mZt2QpW7xYc9LbN3vHs$i3KlKOUCi6t/d+QuC2J9tcuqPiEyLTDPnHThVOlWc/U="},
    {"", "Rk4mZt2QpW7xYc9LbN3vHs", 1000,
     "pbkdf2_sha256$1000$Rk4mZt2QpW7xYc9LbN3vHs$aEjNfOFzmJ4JD25jBgAmmpYeBUGcvPyba15CkfOn220="},
    // PasswordHasher{pbkdf2_sha256, 2000 iterations}.hash(…): a salt of our own django_salt().
    {"Gatehouse random salt", "w3VZaOthqnNSPbNqMIQOMr", 2000,
     "pbkdf2_sha256$2000$w3VZaOthqnNSPbNqMIQOMr$BK6gWbxZx5Vr3u3hax5H9WAbhJ+DPNE3B3yOJftcw+g="},
};

std::string wrong(std::string_view password) { return std::string(password) + "z"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(hasher_django)

BOOST_AUTO_TEST_CASE(verifies_django_pbkdf2_sha256) {
    for (const auto& v : kDjangoPbkdf2) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(hasher().verify(v.password, v.encoded));
            BOOST_TEST(!hasher().verify(wrong(v.password), v.encoded));
        }
    }
    // "lètmein" is UTF-8 on both sides: its Latin-1 bytes are another password.
    BOOST_TEST(!hasher().verify("l\xe8tmein", kDjangoPbkdf2[4].encoded));
    BOOST_TEST(!hasher().verify(" ", kDjangoPbkdf2[3].encoded));  // Django's blank-password vector
}

BOOST_AUTO_TEST_CASE(reproduces_django_pbkdf2_sha256_byte_for_byte) {
    BOOST_TEST(hasher().pbkdf2_hash("lètmein", "seasalt", 390000) == kDjangoPbkdf2[0].encoded);
    BOOST_TEST(hasher().pbkdf2_hash("lètmein", "seasalt2", 390000) == kDjangoPbkdf2[1].encoded);
    BOOST_TEST(hasher().pbkdf2_hash("lètmein", "seasalt2", 10000) == kDjangoPbkdf2[4].encoded);
}

BOOST_AUTO_TEST_CASE(verifies_django_argon2id_with_p8) {
    // libsodium's crypto_pwhash_str_verify computes all 8 lanes (one thread): Django's default p=8 verifies.
    for (const auto& v : kDjangoArgon2) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(hasher().verify(v.password, v.encoded));
            BOOST_TEST(!hasher().verify(wrong(v.password), v.encoded));
        }
    }
}

BOOST_AUTO_TEST_CASE(tampered_django_hashes_are_refused) {
    std::string pbkdf2(kDjangoPbkdf2[5].encoded);
    pbkdf2.back() = pbkdf2.back() == 'A' ? 'B' : 'A';
    BOOST_TEST(!hasher().verify(kDjangoPbkdf2[5].password, pbkdf2));
    // Other parameters than the hash was made with: a different hash.
    std::string argon2(kDjangoArgon2[3].encoded);
    argon2.replace(argon2.find("p=8"), 3, "p=4");
    BOOST_TEST(!hasher().verify(kDjangoArgon2[3].password, argon2));
    BOOST_TEST(!hasher().verify(kDjangoArgon2[3].password, "argon2$argon2i$v=19$m=256,t=1,p=8$x$y"));
    BOOST_TEST(!hasher().verify("secret", "!unusable"));
    BOOST_TEST(!hasher().verify("", ""));
}

BOOST_AUTO_TEST_CASE(gatehouse_argon2id_hashes_verified_by_django) {
    for (const auto& v : kGatehouseArgon2) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(hasher().verify(v.password, v.encoded));
            BOOST_TEST(!hasher().verify(wrong(v.password), v.encoded));
        }
    }
}

BOOST_AUTO_TEST_CASE(gatehouse_pbkdf2_hashes_verified_by_django) {
    for (const auto& v : kGatehousePbkdf2) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(hasher().pbkdf2_hash(v.password, v.salt, v.iterations) == v.encoded);
            BOOST_TEST(hasher().verify(v.password, v.encoded));
            BOOST_TEST(!hasher().verify(wrong(v.password), v.encoded));
        }
    }
}

BOOST_AUTO_TEST_CASE(fresh_hashes_have_django_shape) {
    const PasswordHasher argon(HasherSettings{.algorithm = "argon2id", .argon2_t = 1, .argon2_m_kib = 64});
    const auto a = argon.hash("lètmein");
    BOOST_TEST(a.starts_with("argon2$argon2id$v=19$m=64,t=1,p=1$"));
    BOOST_TEST(argon.verify("lètmein", a));
    const auto p = hasher().hash("lètmein");
    BOOST_TEST(p.starts_with("pbkdf2_sha256$1000$"));
    BOOST_TEST(p.size() == std::string_view("pbkdf2_sha256$1000$").size() + 22 + 1 + 44);  // 22-char salt, b64 of 32 bytes
    BOOST_TEST(hasher().verify("lètmein", p));
}

BOOST_AUTO_TEST_CASE(django_defaults_need_rehash_to_configured_settings) {
    const PasswordHasher argon(HasherSettings{});  // m=19456,t=2,p=1
    BOOST_TEST(argon.needs_rehash(kDjangoArgon2[0].encoded));  // p=8 → our p=1
    BOOST_TEST(argon.needs_rehash(kDjangoPbkdf2[0].encoded));  // other algorithm
    BOOST_TEST(!argon.needs_rehash(kGatehouseArgon2[1].encoded));
}

// A worker's hasher with the arena (hashing slots of the default 19456 KiB): the p=1 hashes run in a
// slot with libargon2, Django's p=8 ones with libsodium, under the same cap; all verify as above.
BOOST_AUTO_TEST_CASE(verifies_django_and_gatehouse_argon2id_with_hashing_slots) {
    gatehouse::core::HashingSlots slots(1, 19456);
    const PasswordHasher worker(HasherSettings{.arena = true}, "x", &slots);
    std::vector<Vector> vectors(std::begin(kDjangoArgon2), std::end(kDjangoArgon2));
    vectors.insert(vectors.end(), std::begin(kGatehouseArgon2), std::end(kGatehouseArgon2));
    for (const auto& v : vectors) {
        BOOST_TEST_CONTEXT(v.encoded) {
            BOOST_TEST(worker.verify(v.password, v.encoded));
            BOOST_TEST(!worker.verify(wrong(v.password), v.encoded));
        }
    }
    BOOST_TEST(slots.in_use() == 0);
}

// libargon2 (Debian's, the library argon2-cffi wraps) computes Django's p=8 tags itself too: lanes
// one after another in one thread, in memory it is given.
BOOST_AUTO_TEST_CASE(libargon2_reproduces_djangos_argon2id_tags) {
    namespace argon2id = gatehouse::accounts::argon2id;
    for (const auto& v : kDjangoArgon2) {
        BOOST_TEST_CONTEXT(v.encoded) {
            const auto phc = argon2id::parse(v.encoded.substr(std::string_view("argon2").size()));
            BOOST_TEST_REQUIRE(phc.has_value());
            std::vector<std::uint8_t> memory(argon2id::memory_bytes(phc->params));
            BOOST_TEST(argon2id::derive_in(memory.data(), memory.size(), v.password, phc->salt, phc->params,
                                           phc->tag.size()) == phc->tag);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
