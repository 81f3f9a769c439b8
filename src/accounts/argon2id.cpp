#include "gatehouse/accounts/argon2id.hpp"

#include "gatehouse/core/crypto.hpp"

#include <argon2.h>
#include <sodium.h>
#include <sys/mman.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace gatehouse::accounts::argon2id {
namespace {

constexpr std::uint32_t kVersion = ARGON2_VERSION_13;  // 0x13 = 19

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) return parts;
        start = pos + 1;
    }
}

// "name=<decimal>" with no sign, no leading zero and no overflow.
std::optional<std::uint32_t> number(std::string_view field, std::string_view name) {
    if (!field.starts_with(name)) return std::nullopt;
    field.remove_prefix(name.size());
    if (field.empty() || (field.size() > 1 && field.front() == '0')) return std::nullopt;
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc{} || end != field.data() + field.size()) return std::nullopt;
    return value;
}

std::string b64(std::string_view bytes) {
    std::string text = core::base64_encode(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

// Base64 without padding, canonical only (what b64 gives back for it), as libargon2 and libsodium read it.
std::optional<std::string> unb64(std::string_view text) {
    if (text.empty() || text.size() % 4 == 1 || text.find('=') != std::string_view::npos) return std::nullopt;
    std::string padded(text);
    padded.append((4 - text.size() % 4) % 4, '=');
    auto bytes = core::base64_decode(padded);
    if (!bytes || b64(*bytes) != text) return std::nullopt;
    return bytes;
}

// argon2_context's allocation callbacks have no user pointer: the memory of the hash running in this
// thread is handed over here.
thread_local std::uint8_t* given_memory = nullptr;
thread_local std::size_t given_size = 0;

int give_memory(std::uint8_t** memory, std::size_t bytes) {
    *memory = bytes <= given_size ? given_memory : nullptr;
    return *memory ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
}
void keep_memory(std::uint8_t*, std::size_t) {}  // wiped by libargon2 already; it stays mapped

int map_fresh(std::uint8_t** memory, std::size_t bytes) {
    void* mapped = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *memory = mapped == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(mapped);
    return *memory ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
}
void unmap(std::uint8_t* memory, std::size_t bytes) { munmap(memory, bytes); }

std::string derive(std::string_view password, std::string_view salt, const Params& params, std::size_t tag_bytes,
                   allocate_fptr allocate, deallocate_fptr deallocate) {
    std::string tag(tag_bytes, '\0');
    argon2_context context{};
    context.out = reinterpret_cast<std::uint8_t*>(tag.data());
    context.outlen = static_cast<std::uint32_t>(tag_bytes);
    // Read only: libargon2 writes to the password only with ARGON2_FLAG_CLEAR_PASSWORD.
    context.pwd = reinterpret_cast<std::uint8_t*>(const_cast<char*>(password.data()));
    context.pwdlen = static_cast<std::uint32_t>(password.size());
    context.salt = reinterpret_cast<std::uint8_t*>(const_cast<char*>(salt.data()));
    context.saltlen = static_cast<std::uint32_t>(salt.size());
    context.t_cost = params.t;
    context.m_cost = params.m_kib;
    context.lanes = params.p;
    context.threads = 1;  // no threads in a worker: lanes run one after another
    context.version = kVersion;
    context.allocate_cbk = allocate;
    context.free_cbk = deallocate;
    context.flags = ARGON2_DEFAULT_FLAGS;
    const int result = argon2_ctx(&context, Argon2_id);
    if (result != ARGON2_OK) throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(result));
    return tag;
}

void init_sodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("sodium_init failed");
}

}  // namespace

std::optional<Phc> parse(std::string_view encoded) {
    const auto parts = split(encoded, '$');
    if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id" || number(parts[2], "v=") != kVersion)
        return std::nullopt;
    const auto params = split(parts[3], ',');
    if (params.size() != 3) return std::nullopt;
    const auto m = number(params[0], "m="), t = number(params[1], "t="), p = number(params[2], "p=");
    if (!m || !t || !p || *t < ARGON2_MIN_TIME || *p < ARGON2_MIN_LANES || *p > ARGON2_MAX_LANES ||
        *m < 2 * ARGON2_SYNC_POINTS * *p)
        return std::nullopt;
    auto salt = unb64(parts[4]);
    auto tag = unb64(parts[5]);
    if (!salt || !tag || salt->size() < ARGON2_MIN_SALT_LENGTH || tag->size() < ARGON2_MIN_OUTLEN) return std::nullopt;
    return Phc{{*m, *t, *p}, std::move(*salt), std::move(*tag)};
}

std::string format(const Phc& phc) {
    return "$argon2id$v=" + std::to_string(kVersion) + "$m=" + std::to_string(phc.params.m_kib) +
           ",t=" + std::to_string(phc.params.t) + ",p=" + std::to_string(phc.params.p) + "$" + b64(phc.salt) + "$" +
           b64(phc.tag);
}

std::size_t memory_bytes(const Params& params) {
    const std::size_t quantum = std::size_t{ARGON2_SYNC_POINTS} * params.p;
    const std::size_t blocks = std::max<std::size_t>(params.m_kib, 2 * quantum) / quantum * quantum;
    return blocks * 1024;  // ARGON2_BLOCK_SIZE, not in the public header
}

std::string derive_in(std::uint8_t* memory, std::size_t size, std::string_view password, std::string_view salt,
                      const Params& params, std::size_t tag_bytes) {
    if (size < memory_bytes(params)) throw std::runtime_error("argon2id: the memory given is too small");
    given_memory = memory;
    given_size = size;
    struct Forget {
        ~Forget() {
            given_memory = nullptr;
            given_size = 0;
        }
    } forget;
    return derive(password, salt, params, tag_bytes, give_memory, keep_memory);
}

std::string derive_fresh(std::string_view password, std::string_view salt, const Params& params,
                         std::size_t tag_bytes) {
    return derive(password, salt, params, tag_bytes, map_fresh, unmap);
}

std::string sodium_hash(std::string_view password, const Params& params) {
    init_sodium();
    if (params.p != 1) throw std::invalid_argument("argon2id: libsodium makes hashes with p=1 only");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.t, std::size_t{params.m_kib} * 1024,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("argon2id: out of memory");
    return out;
}

bool sodium_verify(std::string_view password, const std::string& encoded) {
    init_sodium();
    return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

}  // namespace gatehouse::accounts::argon2id
