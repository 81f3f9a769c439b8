#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/core/crypto.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>

using gatehouse::accounts::HasherSettings;
using gatehouse::accounts::PasswordHasher;

namespace {

// Small work factors keep the suite fast; the defaults are exercised once.
HasherSettings argon2(int t, int m_kib) { return {.algorithm = "argon2id", .argon2_t = t, .argon2_m_kib = m_kib}; }
HasherSettings pbkdf2(int iterations) { return {.algorithm = "pbkdf2_sha256", .pbkdf2_iterations = iterations}; }

bool all_alnum(std::string_view s) { return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); }); }

}  // namespace

BOOST_AUTO_TEST_SUITE(password_hasher)

BOOST_AUTO_TEST_CASE(argon2id_default_settings_use_djangos_format) {
    const PasswordHasher hasher{HasherSettings{}};
    const std::string hash = hasher.hash("correct horse battery staple");
    BOOST_TEST(hash.starts_with("argon2$argon2id$v=19$m=19456,t=2,p=1$"));
    BOOST_TEST(hasher.verify("correct horse battery staple", hash));
    BOOST_TEST(!hasher.verify("correct horse battery stapler", hash));
    BOOST_TEST(!hasher.needs_rehash(hash));
}

BOOST_AUTO_TEST_CASE(argon2id_hash_and_verify) {
    const PasswordHasher hasher(argon2(1, 8192));
    const std::string hash = hasher.hash("s3cret-pässword");
    BOOST_TEST(hash.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"));
    BOOST_TEST(hasher.verify("s3cret-pässword", hash));
    BOOST_TEST(!hasher.verify("s3cret-password", hash));
    BOOST_TEST(!hasher.verify("", hash));
    BOOST_TEST(hasher.hash("s3cret-pässword") != hash);  // a fresh salt each time
    BOOST_TEST(!hasher.needs_rehash(hash));
}

BOOST_AUTO_TEST_CASE(needs_rehash_when_weaker_or_other_algorithm) {
    const std::string weak_t = PasswordHasher(argon2(1, 8192)).hash("pw");
    const std::string weak_m = PasswordHasher(argon2(2, 4096)).hash("pw");
    const std::string same = PasswordHasher(argon2(2, 8192)).hash("pw");
    const std::string old = PasswordHasher(pbkdf2(1000)).hash("pw");

    const PasswordHasher argon(argon2(2, 8192));
    BOOST_TEST(argon.needs_rehash(weak_t));
    BOOST_TEST(argon.needs_rehash(weak_m));
    BOOST_TEST(!argon.needs_rehash(same));
    BOOST_TEST(argon.needs_rehash(old));
    BOOST_TEST(argon.verify("pw", weak_m));  // older hashes still verify
    BOOST_TEST(argon.verify("pw", old));

    const PasswordHasher pbkdf(pbkdf2(2000));
    BOOST_TEST(pbkdf.needs_rehash(old));
    BOOST_TEST(!pbkdf.needs_rehash(PasswordHasher(pbkdf2(2000)).hash("pw")));
    BOOST_TEST(pbkdf.needs_rehash(same));
    BOOST_TEST(pbkdf.verify("pw", same));
}

BOOST_AUTO_TEST_CASE(pbkdf2_sha256_format_and_verify) {
    const PasswordHasher hasher(pbkdf2(1000));
    const std::string hash = hasher.hash("hunter2");
    // pbkdf2_sha256$1000$<22 letters and digits>$<base64 of 32 bytes>
    const std::string prefix = "pbkdf2_sha256$1000$";
    BOOST_REQUIRE(hash.starts_with(prefix));
    const std::string salt = hash.substr(prefix.size(), 22);
    BOOST_TEST(all_alnum(salt));
    BOOST_TEST(hash[prefix.size() + 22] == '$');
    const std::string digest = hash.substr(prefix.size() + 23);
    BOOST_TEST(digest.size() == 44u);
    BOOST_TEST(gatehouse::core::base64_decode(digest).value_or("").size() == 32u);
    BOOST_TEST(hash == hasher.pbkdf2_hash("hunter2", salt, 1000));
    BOOST_TEST(hasher.verify("hunter2", hash));
    BOOST_TEST(!hasher.verify("hunter3", hash));
    BOOST_TEST(!hasher.verify("hunter2", "pbkdf2_sha256$01000" + hash.substr(18)));  // one spelling only

    // PBKDF2-HMAC-SHA256("password", "salt", 1, 32), the widely published vector.
    const std::string one = hasher.pbkdf2_hash("password", "salt", 1);
    BOOST_TEST(one.starts_with("pbkdf2_sha256$1$salt$"));
    BOOST_TEST(gatehouse::core::hex_encode(gatehouse::core::base64_decode(one.substr(21)).value_or("")) ==
               "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    BOOST_TEST(hasher.verify("password", one));
}

BOOST_AUTO_TEST_CASE(unusable_and_unknown_hashes_never_verify) {
    const PasswordHasher hasher(argon2(1, 8192));
    for (const char* encoded : {"", "!", "!unusable", "md5$salt$hash", "pbkdf2_sha256$x$salt$hash",
                                "pbkdf2_sha256$1000$salt", "argon2$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                                "argon2$argon2id$garbage"}) {
        BOOST_TEST_CONTEXT(encoded) {
            BOOST_TEST(!hasher.verify("", encoded));
            BOOST_TEST(!hasher.verify("password", encoded));
            BOOST_TEST(hasher.needs_rehash(encoded));
        }
    }
}

BOOST_AUTO_TEST_CASE(argon2_parallelism_other_than_one_is_refused) {
    BOOST_CHECK_THROW(PasswordHasher(HasherSettings{.argon2_p = 8}), std::invalid_argument);
}

// The master makes the dummy hash once and hands it to every worker: a hasher given one keeps it
// (no hash at construction) and burns the same time with it.
BOOST_AUTO_TEST_CASE(a_dummy_hash_made_elsewhere_is_kept) {
    using gatehouse::accounts::HasherSettings;
    using gatehouse::accounts::PasswordHasher;
    HasherSettings cheap;
    cheap.argon2_t = 1;
    cheap.argon2_m_kib = 8192;
    const PasswordHasher master(cheap);
    BOOST_TEST(master.dummy_hash().starts_with("argon2$argon2id$"));
    const PasswordHasher worker(cheap, master.dummy_hash());
    BOOST_TEST(worker.dummy_hash() == master.dummy_hash());
    BOOST_TEST(!worker.verify("gatehouse-dummy-password-not", worker.dummy_hash()));
    worker.burn_time("anything");  // verifies against the given hash: no throw, no crash
    const PasswordHasher other(cheap);
    BOOST_TEST(other.dummy_hash() != master.dummy_hash(), "a fresh salt each time it is made");
}

BOOST_AUTO_TEST_SUITE_END()
