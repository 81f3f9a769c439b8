#pragma once
// Password hashes in Django's formats:
//   argon2$argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<hash b64>   (argon2id.hpp: libargon2 or libsodium)
//   pbkdf2_sha256$<iterations>$<salt>$<hash base64>              (OpenSSL PKCS5_PBKDF2_HMAC)
// Both verify whichever is configured; the configured one makes new hashes. Django's bcrypt_sha256$…
// and bcrypt$… (bcrypt.hpp) verify too, for imported users; needs_rehash is true for them, so their
// first login stores a hash of the configured kind.
//
// Given the workers' hashing slots, every hash and verification holds a slot while it runs: at most
// as many at once as there are slots, across all workers. argon2id runs with libsodium, in fresh memory
// each time; with the arena setting, one that fits in the slot's memory runs there with libargon2
// instead (memory the master faulted in once), and others (Django's own m=102400,p=8) with libsodium.
// Which is faster depends on the machine: `build/hash_speed` measures both (README, Benchmarks).
// Without slots (commands, tests) nothing is capped and libsodium hashes.
#include "gatehouse/accounts/argon2id.hpp"
#include "gatehouse/core/hashing_slots.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

struct HasherSettings {
    std::string algorithm = "argon2id";  // or "pbkdf2_sha256"
    int argon2_t = 2;
    int argon2_m_kib = 19456;
    int argon2_p = 1;
    int pbkdf2_iterations = 1000000;
    bool arena = false;  // argon2id in the hashing slots' memory with libargon2 (GATEHOUSE_ARGON2_ARENA)
};

// A hash of a kind verify() checks (pbkdf2_sha256, argon2id, Django's bcrypt ones), well formed;
// false for unusable ("!…"), empty and other kinds (Django's sha1$, md5$, argon2$argon2i$, …).
bool is_checkable_hash(std::string_view encoded);

class PasswordHasher {
public:
    // dummy_hash: a hash these settings made of any password, for burn_time — not a secret, so the
    // master makes it once before forking and no worker pays a full hash to start; empty: made here.
    // slots: the workers' (none: no cap, no arena); it must outlive the hasher.
    explicit PasswordHasher(HasherSettings settings, std::string dummy_hash = {}, core::HashingSlots* slots = nullptr);

    std::string hash(std::string_view password) const;
    // Constant-time where it matters; false for unusable ("!…") or unknown formats.
    bool verify(std::string_view password, std::string_view encoded) const;
    // True when the hash is of another algorithm or weaker settings than configured.
    bool needs_rehash(std::string_view encoded) const;
    // Spends the time of one verification, for unknown users (no timing oracle on emails).
    void burn_time(std::string_view password) const;
    const std::string& dummy_hash() const { return dummy_hash_; }

    std::string pbkdf2_hash(std::string_view password, std::string_view salt, int iterations) const;

private:
    std::optional<core::HashingSlots::Lease> take_slot() const;
    bool in_slot(const std::optional<core::HashingSlots::Lease>& lease, const argon2id::Params& params) const;

    HasherSettings settings_;
    std::string dummy_hash_;
    core::HashingSlots* slots_;
};

}  // namespace gatehouse::accounts
