#include "gatehouse/server/worker.hpp"

#include "gatehouse/accounts/services.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/errors.hpp"
#include "gatehouse/core/image.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/store/cache.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/web/app.hpp"

#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>

namespace gatehouse::server {
namespace {

// Signal flag: the only mutable global, as DESIGN.md allows.
volatile sig_atomic_t worker_stopping = 0; // finish this request, then exit

// The stop signals are blocked except inside the ppoll that waits for a connection, so this runs
// only there, with no request in flight; the loop then ends.
extern "C" void worker_on_stop(int) { worker_stopping = 1; }

sigset_t worker_stop_signals() {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGQUIT);
    return stop_signals;
}

// The master forks with its signals blocked, so these replace its handlers before any signal sent
// since the fork is delivered; worker_unblock_signals then lets them in.
void worker_install_signals() {
    struct sigaction sa {};
    sa.sa_handler = worker_on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocked accept wakes
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGQUIT, &sa, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &dfl, nullptr);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, nullptr);
    sigaction(SIGHUP, &ign, nullptr);
}

// Back to the master's mask from before the fork, with the stop signals blocked in the same call: a
// TERM that came since the fork stays pending and ends the worker at its first ppoll.
void worker_unblock_signals(const sigset_t& master_mask) {
    sigset_t mask = master_mask;
    const sigset_t stop_signals = worker_stop_signals();
    sigorset(&mask, &mask, &stop_signals);
    sigprocmask(SIG_SETMASK, &mask, nullptr);
}

http::Params read_params(const FCGX_Request& request) {
    http::Params params;
    for (char** p = request.envp; p && *p; ++p) {
        std::string_view entry(*p);
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        params.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return params;
}

std::string read_body(FCGX_Request& request, std::size_t length) {
    std::string body(length, '\0');
    std::size_t done = 0;
    while (done < length) {
        const int n = FCGX_GetStr(body.data() + done, static_cast<int>(length - done), request.in);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    body.resize(done);
    return body;
}

// Swallows what the client sent beyond what we read, so the FastCGI stream stays in step.
void discard_rest(FCGX_Request& request) {
    char buffer[8192];
    while (FCGX_GetStr(buffer, sizeof buffer, request.in) > 0) {
    }
}

void write_response(FCGX_Request& request, const http::Response& response, bool head) {
    const std::string out = response.serialize(!head);
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), request.out);
}

// What a request is handled with, opened in the worker after the fork. Built in place and never
// moved: services and web_context hold references to the members above them.
struct WorkerContext {
    WorkerContext(const WorkerSetup& setup, std::unique_ptr<store::Database> db_, std::unique_ptr<store::Cache> cache_)
        : db(std::move(db_)),
          cache(std::move(cache_)),
          services(setup.config, *db, *cache, clock, setup.log, setup.templates, setup.policy, setup.dummy_hash,
                   &setup.metrics, setup.hashing_slots),
          web_context{setup.config, services, clock, setup.log, setup.templates,
              [&board = setup.scoreboard] { return board.snapshot(); }, &setup.metrics} {}

    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::Cache> cache;
    core::SystemClock clock;
    accounts::Services services;
    web::Context web_context;
};

// worker_init_child: this process's own connections; a worker that cannot open them exits 1.
std::unique_ptr<WorkerContext> worker_init_child(const WorkerSetup& setup) {
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::Cache> cache;
    try {
        db = std::make_unique<store::Database>(setup.config.database_url());
        cache = std::make_unique<store::Cache>(setup.config.memcached_servers(),
                                               setup.config.effective_memcached_replicas());
    } catch (const std::exception& e) {
        setup.log.error(std::string("worker cannot start: ") + e.what());
        _exit(1);
    }
    return std::make_unique<WorkerContext>(setup, std::move(db), std::move(cache));
}

// Wait for a connection with the stop signals let in (ppoll unblocks them atomically, so a TERM
// that came during the last request ends us here), then take it with them blocked: a TERM can no
// longer land between accept() and the answer and drop a request nginx already handed over (a
// 502 during a SIGHUP roll). The listening socket is non-blocking, so when another worker took
// the connection first, FCGX_Accept_r comes back at once with EAGAIN instead of waiting.
// True with a connection in request; false when the worker is to stop.
bool worker_accept(FCGX_Request& request, int listen_fd, const sigset_t& wait_mask) {
    while (true) {
        pollfd listener{listen_fd, POLLIN, 0};
        const int ready = ppoll(&listener, 1, nullptr, &wait_mask);
        if (worker_stopping) return false;
        if (ready <= 0) continue;
        const int accepted = FCGX_Accept_r(&request);
        if (accepted == -EAGAIN || accepted == -EWOULDBLOCK) continue;  // another worker took it
        return accepted >= 0;
    }
}

// Our mask with the stop signals let in, for worker_accept's ppoll.
sigset_t worker_wait_mask() {
    sigset_t wait_mask;
    sigprocmask(SIG_BLOCK, nullptr, &wait_mask);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGQUIT);
    return wait_mask;
}

http::Response request_error_response(web::Context& ctx, bool api, const http::RequestError& error) {
    return web::error_response(ctx, api, error.status, error.message,
                               error.status == 413 ? "request_too_large" : "parse_error");
}

// Reads the body, parses and routes. Nothing escapes: what is thrown is logged and answered 500.
web::Outcome worker_handle(web::Context& ctx, const core::Log& log, FCGX_Request& request,
                           const http::Params& params, bool api) {
    ctx.language = ctx.config.language;  // until handle_request reads the request's choice
    ctx.language_stated = false;
    try {
        auto length = http::announced_body_length(params);
        if (!length) return {request_error_response(ctx, api, length.error()), "-"};
        std::string body = read_body(request, *length);
        auto parsed = http::parse_request(params, std::move(body));
        if (!parsed) return {request_error_response(ctx, api, parsed.error()), "-"};
        return web::handle_request(ctx, *parsed);
    } catch (const std::exception& e) {
        log.error(std::string("request failed: ") + e.what());
        return {http::Response::html(500, "<!doctype html><title>500</title><h1>Server error</h1>"), "-"};
    }
}

std::string param_or(const http::Params& params, const std::string& name, std::string fallback) {
    const auto it = params.find(name);
    return it == params.end() ? fallback : it->second;
}

// One request, from its params to the log line.
void worker_answer(web::Context& ctx, const core::Log& log, FCGX_Request& request) {
    const auto started = std::chrono::steady_clock::now();
    const http::Params params = read_params(request);
    const std::string method = param_or(params, "REQUEST_METHOD", "?");
    const std::string request_id = params.count("REQUEST_ID") ? params.at("REQUEST_ID") : core::random_hex(8);
    const bool api = param_or(params, "REQUEST_URI", "").starts_with("/api/");

    web::Outcome outcome = worker_handle(ctx, log, request, params, api);
    discard_rest(request);
    write_response(request, outcome.response, method == "HEAD");
    FCGX_Finish_r(&request);  // the answer leaves before any signal is let in

    const auto took = std::chrono::steady_clock::now() - started;
    if (ctx.metrics) ctx.metrics->count_request(outcome.route_id, method, outcome.response.status, took);
    const auto ms = std::chrono::duration<double, std::milli>(took).count();
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1fms", ms);
    const std::string route = outcome.route == "-" ? "(unrouted)" : outcome.route;
    log.info("req=" + request_id + " " + method + " " + route + " " + std::to_string(outcome.response.status) + " " +
             elapsed);
}

// The accept loop: one request at a time until a stop signal, an accept error or max_requests.
void worker_serve(const WorkerSetup& setup, web::Context& ctx, ScoreboardSlot& slot) {
    if (FCGX_Init() != 0) {
        setup.log.error("FCGX_Init failed");
        _exit(1);
    }
    FCGX_Request request;
    FCGX_InitRequest(&request, setup.listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
    ::fcntl(setup.listen_fd, F_SETFL, ::fcntl(setup.listen_fd, F_GETFL) | O_NONBLOCK);  // see worker_accept
    const sigset_t wait_mask = worker_wait_mask();

    const std::uint64_t max_requests = static_cast<std::uint64_t>(setup.config.max_requests);
    std::uint64_t served = 0;
    while (worker_accept(request, setup.listen_fd, wait_mask)) {
        slot.state = static_cast<std::uint8_t>(WorkerState::Busy);
        worker_answer(ctx, setup.log, request);
        ++served;
        slot.requests = served;
        slot.state = static_cast<std::uint8_t>(WorkerState::Idle);
        if (max_requests > 0 && served >= max_requests) break;  // recycled; the master starts a fresh one
    }
}

}  // namespace

[[noreturn]] void worker_main(const WorkerSetup& setup) {
    worker_install_signals();
    worker_unblock_signals(setup.signal_mask);

    auto& slot = setup.scoreboard.slot(setup.slot);
    slot.requests = 0;
    slot.started = static_cast<std::int64_t>(std::time(nullptr));
    slot.state = static_cast<std::uint8_t>(WorkerState::Idle);

    const auto context = worker_init_child(setup);
    worker_serve(setup, context->web_context, slot);

    slot.state = static_cast<std::uint8_t>(WorkerState::Draining);
    _exit(0);
}

}  // namespace gatehouse::server
