#pragma once
// Rate limits in fixed windows, counted in memcached (Django-ratelimit style): one counter per
// (scope, subject, window), bumped with an atomic increment so parallel workers cannot overshoot.
//
// Keys: "th:<scope>:<first 32 hex of sha256(subject)>:<window index>", window index = now / window.
// Subjects (emails, IPs, phone numbers) are hashed, so keys are memcached-safe and carry no personal
// data. `scope` is a short constant naming the limit ("login_fail", "otp_send"…): 1–64 printable ASCII
// characters without spaces, else std::invalid_argument. The window comes from the injected Clock;
// memcached's TTL (the window length, real time) only cleans up.
//
// enabled=false (GATEHOUSE_THROTTLE=0): every call allows and touches no memcached.
// memcached down: core::Unavailable propagates (the request answers 503).
#include "gatehouse/core/clock.hpp"
#include "gatehouse/store/cache.hpp"

#include <string_view>

namespace gatehouse::accounts {

struct ThrottleDecision {
    bool allowed;
    int retry_after;  // seconds until the window ends, ≥ 1 when !allowed; 0 when allowed
};

class Throttle {
public:
    Throttle(store::Cache& cache, const core::Clock& clock, bool enabled);

    // Counts this attempt in a fixed window and says whether it is within `limit` per `window_seconds`.
    // limit and window_seconds must be > 0 (std::invalid_argument).
    ThrottleDecision hit(std::string_view scope, std::string_view subject, int limit, int window_seconds);
    // Says whether one more attempt would be allowed, without counting.
    ThrottleDecision peek(std::string_view scope, std::string_view subject, int limit, int window_seconds);
    // Forgets the attempts counted in the current window (e.g. failed logins after a good one).
    void reset(std::string_view scope, std::string_view subject, int window_seconds);

private:
    store::Cache& cache_;
    const core::Clock& clock_;
    bool enabled_;
};

}  // namespace gatehouse::accounts
