#include "gatehouse/accounts/health.hpp"
#include "gatehouse/web/app.hpp"
#include "gatehouse/web/handlers.hpp"

#include <time.h>

#include <cerrno>

namespace gatehouse::web {

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

// PHP-FPM's status page: one line per worker. nginx allows it from localhost only; so do we.
http::Response worker_status(Context& ctx, http::Request& req) {
    const bool local = req.remote_addr == "127.0.0.1" || req.remote_addr == "::1";
    if (!local || !ctx.worker_status) return error_response(ctx, false, 404, "Page not found.", "not_found");
    auto response = http::Response::json(200, ctx.worker_status());
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
