#pragma once
// The web application: one route table, and the top of every request (errors → 4xx/5xx pages).
#include "gatehouse/http/request.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

#include <string>

namespace gatehouse::web {

struct Outcome {
    http::Response response;
    std::string route;  // the matched pattern (never the raw path, which may hold a token), or "-"
    int route_id = core::Metrics::kUnmatched;  // its index in route_table(), for the metrics
};

// Routes, calls the handler and turns Unavailable into 503 and anything unexpected into 500.
Outcome handle_request(Context& ctx, http::Request& request);

// An error answer in the request's dialect: HTML page, or {"detail","code"} JSON under /api/.
http::Response error_response(const Context& ctx, bool api, int status, const std::string& detail,
                              const std::string& code);

// Every route pattern with its methods, for the schema check, the docs and the metrics (a route's
// index here is its route_id).
std::vector<std::pair<std::string, std::vector<std::string>>> route_table();

}  // namespace gatehouse::web
