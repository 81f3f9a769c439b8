#pragma once
// Rate limits as sliding windows: "5 in 15 minutes" means any 15 minutes, not the clock's quarter
// hours. As DRF's throttles do, each (scope, subject) keeps the times of the attempts it let
// through within the window, in one memcached value; a new attempt is allowed while fewer than
// `limit` are there, and Retry-After is when the oldest that matters leaves the window. Updates
// are compare-and-swap, so parallel workers cannot overshoot. Refused attempts are not counted, so
// a client that waits the Retry-After it was given gets in (unless others spent the limit meanwhile).
//
// Keys: "th:<scope>:<window>:<first 32 hex of sha256(subject)>". Subjects (emails, IPs, phone
// numbers) are hashed, so keys are memcached-safe and carry no personal data. `scope` is a short
// constant naming the limit ("login_fail", "otp_send"…): 1–64 printable ASCII characters without
// spaces, else std::invalid_argument. Times come from the injected Clock; memcached's TTL (one
// window after the last attempt, real time) only cleans up.
//
// enabled=false (GATEHOUSE_THROTTLE=0): every call allows and touches no memcached.
// memcached down: core::Unavailable propagates (the request answers 503).
// Every refusal (a hit, or a peek, that says no) is counted under its scope in the Metrics, if any.
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/store/cache.hpp"

#include <string>
#include <string_view>

namespace gatehouse::accounts {

struct ThrottleDecision {
    bool allowed;
    int retry_after;  // seconds until one more attempt would be allowed, ≥ 1 when !allowed; 0 when allowed
};

class Throttle {
public:
    Throttle(store::Cache& cache, const core::Clock& clock, bool enabled, core::Metrics* metrics = nullptr);

    // Counts this attempt if fewer than `limit` were counted in the last `window_seconds`, and says
    // whether it did. limit and window_seconds must be > 0 (std::invalid_argument).
    ThrottleDecision hit(std::string_view scope, std::string_view subject, int limit, int window_seconds);
    // Says whether one more attempt would be allowed, without counting.
    ThrottleDecision peek(std::string_view scope, std::string_view subject, int limit, int window_seconds);
    // Forgets the attempts counted (e.g. failed logins after a good one).
    void reset(std::string_view scope, std::string_view subject, int window_seconds);

    // The same, for one of the service's Limits.
    ThrottleDecision hit(std::string_view scope, std::string_view subject, Limit limit) {
        return hit(scope, subject, limit.count, limit.window_seconds);
    }
    ThrottleDecision peek(std::string_view scope, std::string_view subject, Limit limit) {
        return peek(scope, subject, limit.count, limit.window_seconds);
    }
    void reset(std::string_view scope, std::string_view subject, Limit limit) {
        reset(scope, subject, limit.window_seconds);
    }

private:
    ThrottleDecision refused(std::string_view scope, int retry_after);

    store::Cache& cache_;
    const core::Clock& clock_;
    bool enabled_;
    core::Metrics* metrics_;
};

// The subject of the failed-login limit ("login-fail"): one per account, whatever case, Unicode form
// or spaces the email was typed with (folded as the email's uniqueness key, so "Älice@…" and
// "älice@…", which reach the same account, count together), or "user:<id>" for an account without
// an email. The login, re-authentication and second-factor rules all count under it.
std::string failed_login_subject(std::string_view typed_email);
std::string failed_login_subject(const User& user);

}  // namespace gatehouse::accounts
