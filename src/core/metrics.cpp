#include "gatehouse/core/metrics.hpp"

#include "gatehouse/core/version.hpp"

#include <sys/mman.h>

#include <array>
#include <charconv>
#include <limits>
#include <new>
#include <stdexcept>

namespace gatehouse::core {
namespace {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared counters must be lock-free");

// The fixed label values; the last of methods and statuses is "other".
constexpr std::array<std::string_view, 8> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
constexpr std::array<int, 26> kStatuses = {200, 201, 202, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403,
                                           404, 405, 406, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504};
constexpr std::size_t kStatusSlots = kStatuses.size() + 1;
constexpr std::size_t kRequestCells = kMethods.size() * kStatusSlots;  // per route

// The duration histogram's upper bounds, in nanoseconds and as the `le` label writes them.
struct Bucket {
    std::int64_t ns;
    std::string_view le;
};
constexpr std::array<Bucket, 12> kBuckets = {{{1'000'000, "0.001"},
                                              {2'500'000, "0.0025"},
                                              {5'000'000, "0.005"},
                                              {10'000'000, "0.01"},
                                              {25'000'000, "0.025"},
                                              {50'000'000, "0.05"},
                                              {100'000'000, "0.1"},
                                              {250'000'000, "0.25"},
                                              {500'000'000, "0.5"},
                                              {1'000'000'000, "1"},
                                              {2'500'000'000, "2.5"},
                                              {std::numeric_limits<std::int64_t>::max(), "+Inf"}}};
constexpr std::size_t kDurationCells = kBuckets.size() + 1;  // a count per bucket (not cumulative), then the sum in ns

// In the order of the enums.
constexpr std::array<std::string_view, 9> kLoginResults = {"ok",           "wrong_password", "throttled",        "unverified",
                                                           "code_invalid", "code_expired",   "bad_phone_number", "mfa_required",
                                                           "other"};
static_assert(kLoginResults.size() == static_cast<std::size_t>(LoginResult::Other) + 1, "a label per LoginResult");
constexpr std::size_t kTokenEvents = 4;
constexpr std::array<std::string_view, 4> kBackends = {"other", "sqlite", "memcached", "postgresql"};
constexpr std::array<std::string_view, 2> kWorkerExits = {"crashed", "recycled"};

std::size_t method_slot(std::string_view method) {
    for (std::size_t i = 0; i + 1 < kMethods.size(); ++i)
        if (kMethods[i] == method) return i;
    return kMethods.size() - 1;
}

std::size_t status_slot(int status) {
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
        if (kStatuses[i] == status) return i;
    return kStatuses.size();
}

// A label value as the text format wants it: backslash, double quote and line feed escaped.
std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

using Labels = std::vector<std::pair<std::string_view, std::string>>;

// The text exposition, family by family: HELP and TYPE once, then the samples.
class Exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        text_ += "# HELP ";
        text_ += name;
        text_ += ' ';
        text_ += help;
        text_ += "\n# TYPE ";
        text_ += name;
        text_ += ' ';
        text_ += type;
        text_ += '\n';
    }
    void sample(std::string_view name, const Labels& labels, std::uint64_t value) {
        sample(name, labels, std::to_string(value));
    }
    void sample(std::string_view name, const Labels& labels, double value) {
        char buffer[64];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
        sample(name, labels, std::string(buffer, end));
    }
    void sample(std::string_view name, const Labels& labels, const std::string& value) {
        text_ += name;
        if (!labels.empty()) {
            text_ += '{';
            for (std::size_t i = 0; i < labels.size(); ++i) {
                if (i) text_ += ',';
                text_ += labels[i].first;
                text_ += "=\"";
                text_ += escape_label(labels[i].second);
                text_ += '"';
            }
            text_ += '}';
        }
        text_ += ' ';
        text_ += value;
        text_ += '\n';
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

}  // namespace

Metrics::Metrics(MetricsLayout layout) : layout_(std::move(layout)), route_slots_(layout_.routes.size() + 1) {
    requests_ = 0;
    durations_ = requests_ + route_slots_ * kRequestCells;
    logins_ = durations_ + route_slots_ * kDurationCells;
    tokens_ = logins_ + kLoginResults.size();
    throttled_ = tokens_ + kTokenEvents;
    unavailable_ = throttled_ + layout_.throttle_limits.size() + 1;
    restarts_ = unavailable_ + kBackends.size();
    size_ = restarts_ + kWorkerExits.size();
    void* memory = mmap(nullptr, sizeof(Cell) * size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::runtime_error("metrics: mmap failed");
    cells_ = static_cast<Cell*>(memory);
    for (std::size_t i = 0; i < size_; ++i) new (&cells_[i]) Cell(0);
}

Metrics::~Metrics() { munmap(cells_, sizeof(Cell) * size_); }

std::size_t Metrics::route_slot(int route) const noexcept {
    if (route < 0 || static_cast<std::size_t>(route) >= layout_.routes.size()) return layout_.routes.size();
    return static_cast<std::size_t>(route);
}

void Metrics::count_request(int route, std::string_view method, int status, std::chrono::nanoseconds took) noexcept {
    const std::size_t slot = route_slot(route);
    add(requests_ + slot * kRequestCells + method_slot(method) * kStatusSlots + status_slot(status));
    const std::int64_t ns = std::max<std::int64_t>(0, took.count());
    std::size_t bucket = 0;
    while (ns > kBuckets[bucket].ns) ++bucket;  // the last bound is the largest int64
    const std::size_t durations = durations_ + slot * kDurationCells;
    add(durations + bucket);
    cells_[durations + kBuckets.size()].fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

void Metrics::count_login(LoginResult result) noexcept { add(logins_ + static_cast<std::size_t>(result)); }

void Metrics::count_token(TokenEvent event) noexcept { add(tokens_ + static_cast<std::size_t>(event)); }

void Metrics::count_throttled(std::string_view limit) noexcept {
    std::size_t i = 0;
    while (i < layout_.throttle_limits.size() && layout_.throttle_limits[i] != limit) ++i;
    add(throttled_ + i);
}

void Metrics::count_unavailable(Backend backend) noexcept { add(unavailable_ + static_cast<std::size_t>(backend)); }

void Metrics::count_worker_restart(WorkerExit why) noexcept { add(restarts_ + static_cast<std::size_t>(why)); }

std::string Metrics::render(const MetricsGauges& gauges) const {
    Exposition out;
    const auto route_name = [&](std::size_t slot) {
        return slot < layout_.routes.size() ? layout_.routes[slot] : std::string("unmatched");
    };

    out.family("gatehouse_build_info", "gauge", "The running release (always 1).");
    out.sample("gatehouse_build_info", {{"version", kVersion}}, std::uint64_t{1});

    // Requests: only the series that occurred (most route, method and status triples never do).
    out.family("gatehouse_http_requests_total", "counter",
               "Requests answered by the workers, by route pattern, method and status.");
    for (std::size_t slot = 0; slot < route_slots_; ++slot)
        for (std::size_t m = 0; m < kMethods.size(); ++m)
            for (std::size_t s = 0; s < kStatusSlots; ++s)
                if (const auto n = read(requests_ + slot * kRequestCells + m * kStatusSlots + s))
                    out.sample("gatehouse_http_requests_total",
                               {{"route", route_name(slot)},
                                {"method", std::string(kMethods[m])},
                                {"status", s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other"}},
                               n);

    out.family("gatehouse_http_request_duration_seconds", "histogram",
               "Time from taking a request to having answered it, by route pattern.");
    for (std::size_t slot = 0; slot < route_slots_; ++slot) {
        const std::size_t base = durations_ + slot * kDurationCells;
        std::uint64_t cumulative = 0;
        std::array<std::uint64_t, kBuckets.size()> counts{};
        for (std::size_t b = 0; b < kBuckets.size(); ++b) counts[b] = cumulative += read(base + b);
        if (cumulative == 0) continue;
        const std::string route = route_name(slot);
        for (std::size_t b = 0; b < kBuckets.size(); ++b)
            out.sample("gatehouse_http_request_duration_seconds_bucket",
                       {{"route", route}, {"le", std::string(kBuckets[b].le)}}, counts[b]);
        out.sample("gatehouse_http_request_duration_seconds_sum", {{"route", route}},
                   static_cast<double>(read(base + kBuckets.size())) / 1e9);
        out.sample("gatehouse_http_request_duration_seconds_count", {{"route", route}}, cumulative);
    }

    out.family("gatehouse_workers", "gauge", "Worker processes by state (the scoreboard).");
    out.sample("gatehouse_workers", {{"state", "busy"}}, static_cast<std::uint64_t>(gauges.workers_busy));
    out.sample("gatehouse_workers", {{"state", "idle"}}, static_cast<std::uint64_t>(gauges.workers_idle));
    out.sample("gatehouse_workers", {{"state", "draining"}}, static_cast<std::uint64_t>(gauges.workers_draining));
    out.family("gatehouse_workers_configured", "gauge", "Workers the master keeps running (GATEHOUSE_WORKERS).");
    out.sample("gatehouse_workers_configured", {}, static_cast<std::uint64_t>(gauges.workers_configured));
    out.family("gatehouse_worker_restarts_total", "counter",
               "Workers the master replaced: crashed (signal or error exit) or recycled (clean exit).");
    for (std::size_t i = 0; i < kWorkerExits.size(); ++i)
        out.sample("gatehouse_worker_restarts_total", {{"reason", std::string(kWorkerExits[i])}}, read(restarts_ + i));

    out.family("gatehouse_logins_total", "counter", "Logins (pages and API, any credential) by result.");
    for (std::size_t i = 0; i < kLoginResults.size(); ++i)
        out.sample("gatehouse_logins_total", {{"result", std::string(kLoginResults[i])}}, read(logins_ + i));

    out.family("gatehouse_tokens_issued_total", "counter", "API logins opened: JWT pairs and API tokens.");
    out.sample("gatehouse_tokens_issued_total", {{"kind", "jwt"}}, read(tokens_ + static_cast<std::size_t>(TokenEvent::JwtIssued)));
    out.sample("gatehouse_tokens_issued_total", {{"kind", "api_token"}},
               read(tokens_ + static_cast<std::size_t>(TokenEvent::ApiTokenIssued)));
    out.family("gatehouse_token_refreshes_total", "counter", "JWT refresh tokens rotated for a new pair.");
    out.sample("gatehouse_token_refreshes_total", {}, read(tokens_ + static_cast<std::size_t>(TokenEvent::Refreshed)));
    out.family("gatehouse_refresh_token_reuses_total", "counter",
               "Rotated refresh tokens presented again (the login was ended as stolen).");
    out.sample("gatehouse_refresh_token_reuses_total", {},
               read(tokens_ + static_cast<std::size_t>(TokenEvent::RefreshReused)));

    out.family("gatehouse_throttle_refusals_total", "counter", "Attempts refused by a rate limit, by limit.");
    for (std::size_t i = 0; i <= layout_.throttle_limits.size(); ++i)
        out.sample("gatehouse_throttle_refusals_total",
                   {{"limit", i < layout_.throttle_limits.size() ? layout_.throttle_limits[i] : "other"}},
                   read(throttled_ + i));

    out.family("gatehouse_backend_errors_total", "counter",
               "Requests answered 503 because a backend failed, by backend.");
    for (std::size_t i = 0; i < kBackends.size(); ++i)
        out.sample("gatehouse_backend_errors_total", {{"backend", std::string(kBackends[i])}}, read(unavailable_ + i));

    if (gauges.outbox_pending) {
        out.family("gatehouse_outbox_pending", "gauge", "Mail and SMS waiting in the outbox for the mailer.");
        out.sample("gatehouse_outbox_pending", {}, static_cast<std::uint64_t>(*gauges.outbox_pending));
    }
    if (gauges.outbox_oldest_pending_seconds) {
        out.family("gatehouse_outbox_oldest_pending_age_seconds", "gauge",
                   "Age of the oldest message waiting in the outbox (0 when none).");
        out.sample("gatehouse_outbox_oldest_pending_age_seconds", {},
                   static_cast<std::uint64_t>(*gauges.outbox_oldest_pending_seconds));
    }
    return out.take();
}

}  // namespace gatehouse::core
