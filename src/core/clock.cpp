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

}  // namespace gatehouse::core
