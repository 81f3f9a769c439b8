#pragma once
// The service's counters for GET /metrics, and their rendering in the Prometheus text format 0.0.4.
// They live in one anonymous shared mapping that the master makes before it forks (as the
// scoreboard), so every worker adds to the same numbers and a worker that dies or is recycled takes
// none of them along. Each is a lock-free std::atomic added to with relaxed order: counting costs a
// few nanoseconds, no lock and no allocation. The label sets are fixed when it is made (the route
// table, the throttle scopes, the lists below), so the number of series is bounded.
#include "gatehouse/core/errors.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::core {

// gatehouse_logins_total{result}: how a login ended (accounts::login_result maps the outcome).
enum class LoginResult : std::uint8_t {
    Ok,
    WrongPassword,   // wrong or unknown email or password, or an inactive user (one answer for all)
    Throttled,
    Unverified,
    CodeInvalid,     // phone login: a wrong code
    CodeExpired,     // phone login: a code expired, used up or never sent
    BadPhoneNumber,
    MfaRequired,     // the password was right; the second factor's step follows (counted again when it ends)
    Other,
};

enum class TokenEvent : std::uint8_t { JwtIssued, ApiTokenIssued, Refreshed, RefreshReused };

// Why the master started another worker: one died (signal or non-zero exit), or one ended cleanly
// (GATEHOUSE_MAX_REQUESTS, or a SIGHUP roll).
enum class WorkerExit : std::uint8_t { Crashed, Recycled };

struct MetricsLayout {
    std::vector<std::string> routes;           // the route table's patterns; a route's index is its id
    std::vector<std::string> throttle_limits;  // the throttle scopes; any other counts as "other"
};

// What is read at scrape time instead of counted.
struct MetricsGauges {
    int workers_busy = 0;
    int workers_idle = 0;
    int workers_draining = 0;
    int workers_configured = 0;
    std::optional<std::int64_t> outbox_pending;                 // none: the database did not answer
    std::optional<std::int64_t> outbox_oldest_pending_seconds;  // 0 when nothing is pending
};

class Metrics {
public:
    static constexpr int kUnmatched = -1;  // the route id of a request no route took

    explicit Metrics(MetricsLayout layout);  // std::runtime_error when the mapping fails
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // One answered request: its route id (kUnmatched, or an index of layout.routes), method, status
    // and time taken. Methods and statuses outside the fixed lists count as "other".
    void count_request(int route, std::string_view method, int status, std::chrono::nanoseconds took) noexcept;
    void count_login(LoginResult result) noexcept;
    void count_token(TokenEvent event) noexcept;
    void count_throttled(std::string_view limit) noexcept;
    void count_unavailable(Backend backend) noexcept;
    void count_worker_restart(WorkerExit why) noexcept;

    // Everything, with the build info and the gauges, as a Prometheus text exposition.
    std::string render(const MetricsGauges& gauges) const;

private:
    using Cell = std::atomic<std::uint64_t>;
    void add(std::size_t cell) noexcept { cells_[cell].fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t read(std::size_t cell) const noexcept { return cells_[cell].load(std::memory_order_relaxed); }
    std::size_t route_slot(int route) const noexcept;  // the unmatched slot is the last

    MetricsLayout layout_;
    std::size_t route_slots_;
    // Offsets into cells_ of each family.
    std::size_t requests_, durations_, logins_, tokens_, throttled_, unavailable_, restarts_, size_;
    Cell* cells_;
};

}  // namespace gatehouse::core
