#include "gatehouse/accounts/one_time_codes.hpp"

#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/core/errors.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>

namespace gatehouse::accounts {
namespace {

constexpr std::int64_t kMemcachedMaxRelativeTtl = 30 * 24 * 3600;  // beyond this memcached reads a date
constexpr std::int64_t kTriesTtlMargin = 60;  // the tries counter outlives its code a little
constexpr int kIssueAttempts = 5;

void check_purpose(std::string_view purpose) {
    if (purpose.empty() || purpose.size() > 64) throw std::invalid_argument("one-time code purpose length");
    for (unsigned char ch : purpose)
        if (ch <= ' ' || ch >= 0x7F || ch == '|')
            throw std::invalid_argument("one-time code purpose has a space, '|' or non-ASCII byte");
}

std::string code_key(std::string_view purpose, std::string_view subject) {
    return "otp:" + std::string(purpose) + ":" + core::hex_encode(core::sha256(subject)).substr(0, 32);
}

std::string tries_key(const std::string& code_key, std::string_view code_id) {
    return code_key + ":" + std::string(code_id) + ":tries";
}

std::int64_t memcached_ttl(std::int64_t seconds) { return std::clamp<std::int64_t>(seconds, 1, kMemcachedMaxRelativeTtl); }

bool six_digits(std::string_view code) {
    return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Uniform over 000000–999999: 4 random bytes, rejecting the top of the range that would bias the modulo.
std::string random_code() {
    constexpr std::uint32_t kRange = 1'000'000;
    constexpr std::uint32_t kLimit = (0xFFFFFFFFu / kRange) * kRange;  // 4'294'000'000
    while (true) {
        const std::string bytes = core::random_bytes(4);
        std::uint32_t v = 0;
        for (unsigned char b : bytes) v = v << 8 | b;
        if (v >= kLimit) continue;
        std::string code = std::to_string(v % kRange);
        return std::string(6 - code.size(), '0') + code;
    }
}

// Stored value: "v1:<expires unix>:<code id, 16 hex>:<hmac, 64 hex>".
struct Record {
    std::int64_t expires;
    std::string id;
    std::string mac_hex;
};

std::string encode(const Record& r) { return "v1:" + std::to_string(r.expires) + ":" + r.id + ":" + r.mac_hex; }

std::optional<Record> decode(std::string_view text) {
    if (!text.starts_with("v1:")) return std::nullopt;
    text.remove_prefix(3);
    const auto colon1 = text.find(':');
    if (colon1 == std::string_view::npos) return std::nullopt;
    Record r{};
    const std::string_view expires = text.substr(0, colon1);
    auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), r.expires);
    if (ec != std::errc{} || end != expires.data() + expires.size()) return std::nullopt;
    text.remove_prefix(colon1 + 1);
    const auto colon2 = text.find(':');
    if (colon2 != 16 || text.size() != 16 + 1 + 64) return std::nullopt;
    r.id = std::string(text.substr(0, 16));
    r.mac_hex = std::string(text.substr(17));
    return r;
}

}  // namespace

OneTimeCodes::OneTimeCodes(store::Cache& cache, const core::Clock& clock, std::string secret_key)
    : cache_(cache), clock_(clock), secret_key_(std::move(secret_key)) {
    if (secret_key_.empty()) throw std::invalid_argument("OneTimeCodes needs a secret key");
}

std::string OneTimeCodes::issue(std::string_view purpose, std::string_view subject, int ttl_seconds) {
    check_purpose(purpose);
    if (ttl_seconds <= 0) throw std::invalid_argument("one-time code ttl must be > 0");
    const std::string key = code_key(purpose, subject);
    const std::string code = random_code();
    const Record record{clock_.unix_seconds() + ttl_seconds, core::random_hex(8),
                        core::hex_encode(core::hmac_sha256(
                            secret_key_, std::string(purpose) + "|" + std::string(subject) + "|" + code))};
    const std::string value = encode(record);
    // New code keys go in with add: drop the earlier code, then add; should another worker issue a code
    // for the same subject in between, go again so that the code returned here is the one stored.
    for (int attempt = 0; attempt < kIssueAttempts; ++attempt) {
        cache_.remove(key);
        if (cache_.add(key, value, memcached_ttl(ttl_seconds))) return code;
    }
    throw core::Unavailable(core::Backend::Memcached, "memcached: could not store a one-time code (contended key)");
}

CodeCheck OneTimeCodes::check(std::string_view purpose, std::string_view subject, std::string_view typed,
                              int max_tries) {
    check_purpose(purpose);
    const std::string code = core::ascii_digits(typed);  // every code read by the site comes through here
    if (max_tries <= 0) throw std::invalid_argument("one-time code max_tries must be > 0");
    const std::string key = code_key(purpose, subject);
    const auto stored = cache_.get(key);
    if (!stored) return CodeCheck::Expired;  // none issued, used, revoked, or gone from memcached
    const auto record = decode(*stored);
    if (!record) return CodeCheck::Expired;
    const std::int64_t now = clock_.unix_seconds();
    if (now >= record->expires) return CodeCheck::Expired;

    // Every try is counted before the compare, atomically: N parallel guesses get N distinct numbers,
    // and only the first max_tries of them are compared at all.
    // (Created with add first: memcached's increment-with-initial is not atomic on a missing key.)
    const std::string counter = tries_key(key, record->id);
    const std::int64_t counter_ttl = memcached_ttl(record->expires - now + kTriesTtlMargin);
    cache_.add(counter, "0", counter_ttl);
    const std::uint64_t tries = cache_.increment(counter, 1, counter_ttl);
    if (tries > static_cast<std::uint64_t>(max_tries)) return CodeCheck::Expired;

    // Always compute the HMAC, so that a malformed code costs the same as a wrong one.
    const std::string candidate = core::hex_encode(
        core::hmac_sha256(secret_key_, std::string(purpose) + "|" + std::string(subject) + "|" + std::string(code)));
    const bool matches = core::constant_time_equals(candidate, record->mac_hex);
    if (!six_digits(code) || !matches) return CodeCheck::Invalid;

    // Single use: of two requests racing with the right code, only the one that deletes it wins.
    if (!cache_.remove(key)) return CodeCheck::Expired;
    cache_.remove(tries_key(key, record->id));
    return CodeCheck::Valid;
}

void OneTimeCodes::revoke(std::string_view purpose, std::string_view subject) {
    check_purpose(purpose);
    const std::string key = code_key(purpose, subject);
    const auto stored = cache_.get(key);
    cache_.remove(key);
    if (stored)
        if (const auto record = decode(*stored)) cache_.remove(tries_key(key, record->id));
}

std::optional<Refusal> code_refusal(CodeCheck check) {
    switch (check) {
        case CodeCheck::Valid: return std::nullopt;
        case CodeCheck::Invalid: return refuse(Outcome::CodeInvalid);
        case CodeCheck::Expired: return refuse(Outcome::CodeExpired);
    }
    return refuse(Outcome::CodeInvalid);
}

}  // namespace gatehouse::accounts
