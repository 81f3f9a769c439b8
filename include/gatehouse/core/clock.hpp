#pragma once
// Time comes from a Clock so that expiry can be tested without sleeping.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::core {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
    std::int64_t unix_seconds() const;
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override;
};

// A clock the tests move by hand.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t unix_seconds = 1'700'000'000);
    std::chrono::system_clock::time_point now() const override;
    void advance(std::chrono::seconds by);
    void set(std::int64_t unix_seconds);

private:
    std::chrono::system_clock::time_point now_;
};

// "2026-11-21T10:25:00Z"
std::string iso8601_utc(std::int64_t unix_seconds);
// ISO 8601 as an operator types it: "2026-11-21", "2026-11-21T10:25", "2026-11-21T10:25:00" (also
// with a space for the T, fractions of a second dropped), then "Z", "+02:00", "-0500", "+02" or nothing
// (UTC). Unix seconds, or nullopt for anything else, an impossible date (2026-02-30) included.
std::optional<std::int64_t> parse_iso8601(std::string_view text);

}  // namespace gatehouse::core
