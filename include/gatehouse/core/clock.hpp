#pragma once
// Time comes from a Clock so that expiry can be tested without sleeping.
#include <chrono>
#include <cstdint>
#include <string>

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

}  // namespace gatehouse::core
