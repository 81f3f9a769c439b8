#pragma once
// argon2id in the PHC string format that Django stores after its "argon2" prefix:
//   $argon2id$v=19$m=19456,t=2,p=1$<salt>$<tag>      (salt and tag: base64 without padding)
// computed by either of two libraries that read and write the same strings:
//  - libargon2 (derive_in): in memory the caller gives it, through argon2_context's allocation
//    callback, so a hash can run in a hashing slot that is already mapped and faulted in;
//  - libsodium (sodium_hash, sodium_verify): maps fresh memory for every hash; any p (it runs the
//    lanes one after another), for Django's own m=102400,p=8 hashes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts::argon2id {

struct Params {
    std::uint32_t m_kib = 19456;
    std::uint32_t t = 2;
    std::uint32_t p = 1;
};

struct Phc {
    Params params;
    std::string salt;  // raw bytes
    std::string tag;   // raw bytes
};

// The canonical string only (version 19, m,t,p in that order, base64 without padding and with zero
// trailing bits): anything else is nullopt, never a throw.
std::optional<Phc> parse(std::string_view encoded);
std::string format(const Phc& phc);

// The bytes libargon2 allocates for these parameters (m rounded down to a multiple of 4 p, at least 8 p).
std::size_t memory_bytes(const Params& params);

// libargon2 argon2id into memory[0, size): the tag of tag_bytes bytes. libargon2 wipes the memory
// before it gives it back. std::runtime_error on a libargon2 error, or when size < memory_bytes(params).
std::string derive_in(std::uint8_t* memory, std::size_t size, std::string_view password, std::string_view salt,
                      const Params& params, std::size_t tag_bytes);

// The same hash with fresh memory from the kernel each time (mmap, munmap), as libsodium does: for
// measuring only.
std::string derive_fresh(std::string_view password, std::string_view salt, const Params& params,
                         std::size_t tag_bytes);

// libsodium: a new PHC string (16 random salt bytes, 32-byte tag; p must be 1), and a verification of
// any argon2id PHC string.
std::string sodium_hash(std::string_view password, const Params& params);
bool sodium_verify(std::string_view password, const std::string& encoded);

}  // namespace gatehouse::accounts::argon2id
