#include "gatehouse/accounts/health.hpp"
#include "gatehouse/core/errors.hpp"
#include "gatehouse/web/app.hpp"
#include "gatehouse/web/handlers.hpp"

#include <time.h>

#include <cerrno>

namespace gatehouse::web {
namespace {

// nginx allows /status and /metrics from localhost only; so do we, should another config forget.
bool from_localhost(const http::Request& req) { return req.remote_addr == "127.0.0.1" || req.remote_addr == "::1"; }

// The scoreboard's workers by state, and the outbox's backlog when the database answers.
core::MetricsGauges read_gauges(Context& ctx) {
    core::MetricsGauges gauges;
    gauges.workers_configured = ctx.config.effective_workers();
    if (ctx.worker_status) {
        const auto status = ctx.worker_status();
        for (const auto& worker : status.value("workers", nlohmann::json::array())) {
            const std::string state = worker.value("state", "");
            gauges.workers_busy += state == "busy";
            gauges.workers_idle += state == "idle";
            gauges.workers_draining += state == "draining";
        }
    }
    try {
        const auto backlog = accounts::outbox_backlog(ctx.accounts);
        gauges.outbox_pending = backlog.pending;
        gauges.outbox_oldest_pending_seconds = backlog.oldest_age_seconds;
    } catch (const core::Unavailable& e) {
        ctx.log.error(std::string("metrics: outbox: ") + e.what());
        ctx.metrics->count_unavailable(e.backend);
    }
    return gauges;
}

}  // namespace

http::Response healthz(Context& ctx, http::Request&) {
    const auto health = accounts::check_health(ctx.accounts);
    nlohmann::json body = {{"status", health.ok() ? "ok" : "unavailable"},
                           {"db", health.db ? "ok" : "unavailable"},
                           {"memcached", health.memcached ? "ok" : "unavailable"}};
    auto response = http::Response::json(health.ok() ? 200 : 503, body);
    response.set_header("Cache-Control", "no-store");
    if (!health.ok()) response.set_header("Retry-After", "5");
    return response;
}

// PHP-FPM's status page: one line per worker. Localhost only.
http::Response worker_status(Context& ctx, http::Request& req) {
    if (!from_localhost(req) || !ctx.worker_status)
        return error_response(ctx, false, 404, "Page not found.", "not_found");
    auto response = http::Response::json(200, ctx.worker_status());
    response.set_header("Cache-Control", "no-store");
    return response;
}

// For Prometheus: the text exposition format 0.0.4. Localhost only.
http::Response metrics(Context& ctx, http::Request& req) {
    if (!from_localhost(req) || !ctx.metrics) return error_response(ctx, false, 404, "Page not found.", "not_found");
    http::Response response;
    response.body = ctx.metrics->render(read_gauges(ctx));
    response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.set_header("Cache-Control", "no-store");
    return response;
}

// Test hook (GATEHOUSE_TEST_HOOKS=1 only): holds a worker for ?ms= milliseconds, so the tests can
// prove that a draining worker finishes its request.
http::Response test_sleep(Context& ctx, http::Request& req) {
    if (!ctx.config.test_hooks) return error_response(ctx, false, 404, "Page not found.", "not_found");
    long ms = 0;
    try {
        ms = std::stol(req.query_param("ms").value_or("0"));
    } catch (...) {
        ms = 0;
    }
    ms = std::clamp(ms, 0L, 30000L);
    timespec left{ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    return http::Response::json(200, {{"slept_ms", ms}});
}

}  // namespace gatehouse::web
