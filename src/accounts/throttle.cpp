#include "gatehouse/accounts/throttle.hpp"

#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::accounts {
namespace {

constexpr std::int64_t kMemcachedMaxRelativeTtl = 30 * 24 * 3600;  // beyond this memcached reads a date
// A compare-and-swap that keeps losing to other workers; far beyond what a real burst produces.
constexpr int kMaxRaces = 100;

void check_scope(std::string_view scope) {
    if (scope.empty() || scope.size() > 64) throw std::invalid_argument("throttle scope length");
    for (unsigned char ch : scope)
        if (ch <= ' ' || ch >= 0x7F) throw std::invalid_argument("throttle scope has a space or non-ASCII byte");
}

void check_window(int window_seconds) {
    if (window_seconds <= 0) throw std::invalid_argument("throttle window must be > 0");
}

void check_limits(int limit, int window_seconds) {
    if (limit <= 0) throw std::invalid_argument("throttle limit must be > 0");
    check_window(window_seconds);
}

std::string log_key(std::string_view scope, std::string_view subject, int window_seconds) {
    return "th:" + std::string(scope) + ":" + std::to_string(window_seconds) + ":" +
           core::hex_encode(core::sha256(subject)).substr(0, 32);
}

// The attempts still inside the window ending now, oldest first. The stored value is their unix
// times separated by spaces; anything unreadable counts as no attempt.
std::vector<std::int64_t> attempts_in_window(std::string_view stored, std::int64_t now, int window_seconds) {
    std::vector<std::int64_t> times;
    while (!stored.empty()) {
        const auto space = stored.find(' ');
        const std::string_view item = stored.substr(0, space);
        std::int64_t t = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), t);
        if (ec == std::errc{} && end == item.data() + item.size() && now - t < window_seconds) times.push_back(t);
        if (space == std::string_view::npos) break;
        stored.remove_prefix(space + 1);
    }
    std::sort(times.begin(), times.end());
    return times;
}

// With `times` (oldest first) already at or over `limit`: seconds until enough have left the window
// for one more.
int seconds_until_room(const std::vector<std::int64_t>& times, int limit, std::int64_t now, int window_seconds) {
    const std::int64_t must_leave = times[times.size() - static_cast<std::size_t>(limit)];
    return static_cast<int>(std::max<std::int64_t>(1, must_leave + window_seconds - now));
}

std::string serialize(const std::vector<std::int64_t>& times) {
    std::string out;
    for (const std::int64_t t : times) {
        if (!out.empty()) out += ' ';
        out += std::to_string(t);
    }
    return out;
}

}  // namespace

Throttle::Throttle(store::Cache& cache, const core::Clock& clock, bool enabled, core::Metrics* metrics)
    : cache_(cache), clock_(clock), enabled_(enabled), metrics_(metrics) {}

ThrottleDecision Throttle::refused(std::string_view scope, int retry_after) {
    if (metrics_) metrics_->count_throttled(scope);
    return {false, retry_after};
}

ThrottleDecision Throttle::hit(std::string_view scope, std::string_view subject, int limit, int window_seconds) {
    check_scope(scope);
    check_limits(limit, window_seconds);
    if (!enabled_) return {true, 0};
    const std::string key = log_key(scope, subject, window_seconds);
    const std::int64_t ttl = std::min<std::int64_t>(window_seconds, kMemcachedMaxRelativeTtl);
    for (int race = 0; race < kMaxRaces; ++race) {
        const std::int64_t now = clock_.unix_seconds();
        const auto stored = cache_.gets(key);
        auto times = attempts_in_window(stored ? std::string_view(stored->value) : std::string_view(), now, window_seconds);
        if (times.size() >= static_cast<std::size_t>(limit))
            return refused(scope, seconds_until_room(times, limit, now, window_seconds));
        times.push_back(now);
        const std::string value = serialize(times);
        if (stored ? cache_.cas(key, value, ttl, *stored) : cache_.add(key, value, ttl)) return {true, 0};
        // Another worker wrote in between: read again.
    }
    return refused(scope, 1);
}

ThrottleDecision Throttle::peek(std::string_view scope, std::string_view subject, int limit, int window_seconds) {
    check_scope(scope);
    check_limits(limit, window_seconds);
    if (!enabled_) return {true, 0};
    const std::int64_t now = clock_.unix_seconds();
    const auto stored = cache_.get(log_key(scope, subject, window_seconds));
    const auto times = attempts_in_window(stored.value_or(""), now, window_seconds);
    if (times.size() < static_cast<std::size_t>(limit)) return {true, 0};
    return refused(scope, seconds_until_room(times, limit, now, window_seconds));
}

void Throttle::reset(std::string_view scope, std::string_view subject, int window_seconds) {
    check_scope(scope);
    check_window(window_seconds);
    if (!enabled_) return;
    cache_.remove(log_key(scope, subject, window_seconds));
}

std::string failed_login_subject(std::string_view typed_email) { return core::casefold(trim(typed_email)); }

std::string failed_login_subject(const User& user) {
    return user.email ? failed_login_subject(*user.email) : "user:" + std::to_string(user.id);
}

}  // namespace gatehouse::accounts
