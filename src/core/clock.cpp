#include "gatehouse/core/clock.hpp"

#include <ctime>

namespace gatehouse::core {

std::int64_t Clock::unix_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

std::chrono::system_clock::time_point SystemClock::now() const {
    return std::chrono::system_clock::now();
}

ManualClock::ManualClock(std::int64_t unix_seconds)
    : now_(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds))) {}

std::chrono::system_clock::time_point ManualClock::now() const { return now_; }
void ManualClock::advance(std::chrono::seconds by) { now_ += by; }
void ManualClock::set(std::int64_t unix_seconds) {
    now_ = std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

std::string iso8601_utc(std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

// `count` digits at `at`, advancing it; nullopt when they are not all there.
std::optional<int> digits(std::string_view text, std::size_t& at, std::size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    at += count;
    return value;
}

bool take(std::string_view text, std::size_t& at, char c) {
    if (at < text.size() && text[at] == c) {
        ++at;
        return true;
    }
    return false;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
    std::size_t at = 0;
    const auto year = digits(text, at, 4);
    if (!year || !take(text, at, '-')) return std::nullopt;
    const auto month = digits(text, at, 2);
    if (!month || !take(text, at, '-')) return std::nullopt;
    const auto day = digits(text, at, 2);
    if (!day) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) return std::nullopt;
    int hour = 0, minute = 0, second = 0, offset_minutes = 0;
    if (at < text.size()) {
        if (!take(text, at, 'T') && !take(text, at, ' ')) return std::nullopt;
        const auto h = digits(text, at, 2);
        if (!h || !take(text, at, ':')) return std::nullopt;
        const auto m = digits(text, at, 2);
        if (!m) return std::nullopt;
        hour = *h;
        minute = *m;
        if (take(text, at, ':')) {
            const auto sec = digits(text, at, 2);
            if (!sec) return std::nullopt;
            second = *sec;
            if (take(text, at, '.') || take(text, at, ',')) {
                const std::size_t start = at;
                while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
                if (at == start) return std::nullopt;
            }
        }
        if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
        if (take(text, at, 'Z')) {
        } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
            const int sign = text[at++] == '-' ? -1 : 1;
            const auto oh = digits(text, at, 2);
            if (!oh) return std::nullopt;
            // ±hh alone is ISO 8601 too (PostgreSQL writes "+00").
            const bool hours_only = at == text.size();
            if (!hours_only) take(text, at, ':');
            const auto om = hours_only ? std::optional<int>(0) : digits(text, at, 2);
            if (!om || *oh > 23 || *om > 59) return std::nullopt;
            offset_minutes = sign * (*oh * 60 + *om);
        }
        if (at != text.size()) return std::nullopt;
    }
    const auto days = std::chrono::sys_days(date).time_since_epoch().count();
    return std::int64_t{days} * 86400 + hour * 3600 + minute * 60 + second - std::int64_t{offset_minutes} * 60;
}

}  // namespace gatehouse::core
