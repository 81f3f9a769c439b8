#include "gatehouse/accounts/throttle.hpp"

#include "gatehouse/core/crypto.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gatehouse::accounts {
namespace {

constexpr std::int64_t kMemcachedMaxRelativeTtl = 30 * 24 * 3600;  // beyond this memcached reads a date

void check_scope(std::string_view scope) {
    if (scope.empty() || scope.size() > 64) throw std::invalid_argument("throttle scope length");
    for (unsigned char ch : scope)
        if (ch <= ' ' || ch >= 0x7F) throw std::invalid_argument("throttle scope has a space or non-ASCII byte");
}

void check_limits(int limit, int window_seconds) {
    if (limit <= 0) throw std::invalid_argument("throttle limit must be > 0");
    if (window_seconds <= 0) throw std::invalid_argument("throttle window must be > 0");
}

struct Window {
    std::int64_t index;
    int retry_after;  // seconds until it ends, ≥ 1
};

Window current_window(const core::Clock& clock, int window_seconds) {
    const std::int64_t now = clock.unix_seconds();
    std::int64_t index = now / window_seconds;
    if (now % window_seconds < 0) --index;  // floor, should a clock ever be set before 1970
    const std::int64_t end = (index + 1) * window_seconds;
    return {index, static_cast<int>(std::max<std::int64_t>(1, end - now))};
}

std::string counter_key(std::string_view scope, std::string_view subject, std::int64_t window_index) {
    return "th:" + std::string(scope) + ":" + core::hex_encode(core::sha256(subject)).substr(0, 32) + ":" +
           std::to_string(window_index);
}

// memcached keeps counters as decimal text, padded with spaces after an in-place increment.
std::uint64_t parse_counter(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return 0;
    return value;
}

}  // namespace

Throttle::Throttle(store::Cache& cache, const core::Clock& clock, bool enabled)
    : cache_(cache), clock_(clock), enabled_(enabled) {}

ThrottleDecision Throttle::hit(std::string_view scope, std::string_view subject, int limit, int window_seconds) {
    check_scope(scope);
    check_limits(limit, window_seconds);
    if (!enabled_) return {true, 0};
    const Window window = current_window(clock_, window_seconds);
    const std::string key = counter_key(scope, subject, window.index);
    const std::int64_t ttl = std::min<std::int64_t>(window_seconds, kMemcachedMaxRelativeTtl);
    // memcached's increment-with-initial is not atomic on a missing key (two workers creating it
    // at once: one gets NOT_STORED), so the counter is created with add first; then every increment
    // finds it and is atomic.
    cache_.add(key, "0", ttl);
    const std::uint64_t count = cache_.increment(key, 1, ttl);
    if (count <= static_cast<std::uint64_t>(limit)) return {true, 0};
    return {false, window.retry_after};
}

ThrottleDecision Throttle::peek(std::string_view scope, std::string_view subject, int limit, int window_seconds) {
    check_scope(scope);
    check_limits(limit, window_seconds);
    if (!enabled_) return {true, 0};
    const Window window = current_window(clock_, window_seconds);
    const auto stored = cache_.get(counter_key(scope, subject, window.index));
    const std::uint64_t count = stored ? parse_counter(*stored) : 0;
    if (count < static_cast<std::uint64_t>(limit)) return {true, 0};
    return {false, window.retry_after};
}

void Throttle::reset(std::string_view scope, std::string_view subject, int window_seconds) {
    check_scope(scope);
    if (window_seconds <= 0) throw std::invalid_argument("throttle window must be > 0");
    if (!enabled_) return;
    cache_.remove(counter_key(scope, subject, current_window(clock_, window_seconds).index));
}

}  // namespace gatehouse::accounts
