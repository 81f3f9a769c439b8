// accounts::argon2id: the PHC strings, and the two libraries that compute them — libsodium (fresh
// memory) and libargon2 (in a hashing slot) — checked against each other both ways, directly and
// through PasswordHasher with and without slots. Django's own hashes: test_hasher_django.cpp.
#include "gatehouse/accounts/argon2id.hpp"
#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/errors.hpp"
#include "gatehouse/core/hashing_slots.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

namespace argon2id = gatehouse::accounts::argon2id;
using gatehouse::accounts::HasherSettings;
using gatehouse::accounts::PasswordHasher;
using gatehouse::core::HashingSlots;

namespace {

const argon2id::Params kCheap{8192, 1, 1};
const HasherSettings kCheapSettings{.algorithm = "argon2id", .argon2_t = 1, .argon2_m_kib = 8192};
const HasherSettings kCheapArena{.algorithm = "argon2id", .argon2_t = 1, .argon2_m_kib = 8192, .arena = true};

std::string in_buffer(std::string_view password, const argon2id::Phc& phc) {
    std::vector<std::uint8_t> memory(argon2id::memory_bytes(phc.params));
    return argon2id::derive_in(memory.data(), memory.size(), password, phc.salt, phc.params, phc.tag.size());
}

bool all_zero(const std::uint8_t* memory, std::size_t size) {
    return std::all_of(memory, memory + size, [](std::uint8_t b) { return b == 0; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(argon2id_libraries)

BOOST_AUTO_TEST_CASE(parse_and_format_are_inverse) {
    for (const char* encoded :
         {"$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw",
          "$argon2id$v=19$m=19456,t=2,p=1$2Jd+AyxfMpWQLx047DXJrg$r3ITOmLpbRMV2Zi5abQGaApV3U/ljv4wuNYqSvO91uk"}) {
        BOOST_TEST_CONTEXT(encoded) {
            const auto phc = argon2id::parse(encoded);
            BOOST_TEST_REQUIRE(phc.has_value());
            BOOST_TEST(argon2id::format(*phc) == encoded);
        }
    }
    const auto phc = argon2id::parse("$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw");
    BOOST_TEST(phc->params.m_kib == 102400u);
    BOOST_TEST(phc->params.t == 2u);
    BOOST_TEST(phc->params.p == 8u);
    BOOST_TEST(phc->salt == "cN5tLa6IcEE2");
    BOOST_TEST(phc->tag.size() == 16u);
}

BOOST_AUTO_TEST_CASE(only_the_canonical_string_parses) {
    const std::string good = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    BOOST_TEST(argon2id::parse(good).has_value());
    for (const char* bad : {"", "$argon2id$", "argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=16$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=19$t=1,m=8192,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",  // another order
                            "$argon2id$v=19$m=08192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=19$m=8192,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=19$m=8192,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=19$m=7,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",     // under 8 p KiB
                            "$argon2id$v=19$m=8192,t=-1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ=$aGFzaGhhc2g",  // padding
                            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHR$aGFzaGhhc2g",   // trailing bits set
                            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaGhhc2g",        // salt under 8 bytes
                            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGE",           // tag under 4 bytes
                            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFz*2hhc2g",
                            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g$"}) {
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!argon2id::parse(bad).has_value()); }
    }
}

BOOST_AUTO_TEST_CASE(memory_is_m_rounded_to_the_lanes) {
    BOOST_TEST(argon2id::memory_bytes({19456, 2, 1}) == 19456u * 1024);
    BOOST_TEST(argon2id::memory_bytes({102400, 2, 8}) == 102400u * 1024);
    BOOST_TEST(argon2id::memory_bytes({100, 1, 8}) == 96u * 1024);  // 3 blocks per lane and slice
    BOOST_TEST(argon2id::memory_bytes({8, 1, 1}) == 8u * 1024);
}

// libsodium's hash, verified by libargon2 (the same tag from the same salt), and the other way round.
BOOST_AUTO_TEST_CASE(each_library_verifies_what_the_other_made) {
    const std::string password = "pässwörd ✓ 🔑";
    const auto by_sodium = argon2id::parse(argon2id::sodium_hash(password, kCheap));
    BOOST_TEST_REQUIRE(by_sodium.has_value());
    BOOST_TEST(in_buffer(password, *by_sodium) == by_sodium->tag);
    BOOST_TEST(in_buffer(password + " ", *by_sodium) != by_sodium->tag);

    argon2id::Phc by_argon2{kCheap, gatehouse::core::random_bytes(16), {}};
    std::vector<std::uint8_t> memory(argon2id::memory_bytes(kCheap));
    by_argon2.tag = argon2id::derive_in(memory.data(), memory.size(), password, by_argon2.salt, kCheap, 32);
    BOOST_TEST(argon2id::sodium_verify(password, argon2id::format(by_argon2)));
    BOOST_TEST(!argon2id::sodium_verify("pässwörd ✓", argon2id::format(by_argon2)));
    BOOST_TEST(argon2id::derive_fresh(password, by_argon2.salt, kCheap, 32) == by_argon2.tag);
}

// The same through PasswordHasher: a worker's with the arena (libargon2 in a slot) and a command's
// (no slots: libsodium).
BOOST_AUTO_TEST_CASE(hashes_made_with_and_without_slots_verify_with_the_other) {
    HashingSlots slots(1, 8192);
    const PasswordHasher in_slots(kCheapArena, "x", &slots);
    const PasswordHasher fresh(kCheapSettings, "x");
    const std::string a = in_slots.hash("correct horse");
    const std::string b = fresh.hash("correct horse");
    for (const auto& encoded : {a, b}) {
        BOOST_TEST_CONTEXT(encoded) {
            BOOST_TEST(encoded.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"));
            const auto phc = argon2id::parse(std::string_view(encoded).substr(6));
            BOOST_TEST_REQUIRE(phc.has_value());
            BOOST_TEST(phc->salt.size() == 16u);
            BOOST_TEST(phc->tag.size() == 32u);
            BOOST_TEST(in_slots.verify("correct horse", encoded));
            BOOST_TEST(fresh.verify("correct horse", encoded));
            BOOST_TEST(!in_slots.verify("correct horsE", encoded));
            BOOST_TEST(!fresh.verify("correct horsE", encoded));
            BOOST_TEST(!in_slots.needs_rehash(encoded));
        }
    }
    BOOST_TEST(slots.in_use() == 0);
}

// A hash in a slot really runs in the slot (what was there is overwritten) and leaves nothing behind:
// libargon2 wipes the memory before it hands it back.
BOOST_AUTO_TEST_CASE(a_slot_is_wiped_after_a_hash) {
    HashingSlots slots(1, 8192);
    const PasswordHasher hasher(kCheapArena, "x", &slots);
    auto scribble = [&] {
        auto lease = slots.acquire();
        std::memset(lease.memory(), 0xaa, lease.size());
    };
    auto wiped = [&] {
        auto lease = slots.acquire();
        return all_zero(lease.memory(), lease.size());
    };
    scribble();
    const std::string encoded = hasher.hash("a secret password");
    BOOST_TEST(wiped(), "after a hash");
    scribble();
    BOOST_TEST(hasher.verify("a secret password", encoded));
    BOOST_TEST(wiped(), "after a verification");
    scribble();
    BOOST_TEST(!hasher.verify("another password", encoded));
    BOOST_TEST(wiped(), "after a failed verification");
}

// Without the arena (the default) a worker hashes with libsodium: the slot's memory is not touched,
// the slot is still held while it hashes (the cap).
BOOST_AUTO_TEST_CASE(without_the_arena_libsodium_hashes_under_the_cap) {
    HashingSlots slots(1, 8192, std::chrono::milliseconds(300));
    const PasswordHasher hasher(kCheapSettings, "x", &slots);
    {
        auto lease = slots.acquire();
        std::memset(lease.memory(), 0xaa, lease.size());
        BOOST_CHECK_THROW(hasher.hash("pw"), gatehouse::core::Unavailable);  // the only slot is taken
    }
    const std::string encoded = hasher.hash("pw");
    BOOST_TEST(hasher.verify("pw", encoded));
    auto lease = slots.acquire();
    BOOST_TEST(std::all_of(lease.memory(), lease.memory() + lease.size(), [](std::uint8_t b) { return b == 0xaa; }));
}

BOOST_AUTO_TEST_CASE(too_little_memory_is_an_error_not_an_overrun) {
    std::vector<std::uint8_t> memory(argon2id::memory_bytes(kCheap) - 1024);
    BOOST_CHECK_THROW(argon2id::derive_in(memory.data(), memory.size(), "pw", "saltsalt", kCheap, 32),
                      std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
