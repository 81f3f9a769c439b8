#include "gatehouse/web/cors.hpp"

#include <strings.h>

namespace gatehouse::web {
namespace {

bool cors_applies(const core::Config& config, const http::Request& request) {
    return !config.cors_origins.empty() && request.is_api();
}

void add_vary_origin(http::Response& response) {
    auto vary = response.header("Vary");
    if (!vary || vary->empty()) response.set_header("Vary", "Origin");
    else if (vary->find("Origin") == std::string::npos) response.set_header("Vary", *vary + ", Origin");
}

void allow_origin(http::Response& response, const std::string& origin) {
    response.set_header("Access-Control-Allow-Origin", origin);
    response.set_header("Access-Control-Allow-Credentials", "true");
}

}  // namespace

bool cors_origin_allowed(const std::vector<std::string>& allowed, std::string_view origin) {
    if (origin.empty() || origin == "null") return false;
    for (const auto& candidate : allowed)
        if (candidate.size() == origin.size() && strncasecmp(candidate.data(), origin.data(), origin.size()) == 0)
            return true;
    return false;
}

bool is_cors_preflight(const core::Config& config, const http::Request& request) {
    return cors_applies(config, request) && request.method == "OPTIONS" && !request.header("origin").empty() &&
           !request.header("access-control-request-method").empty();
}

http::Response cors_preflight(const core::Config& config, const http::Request& request, const std::string& methods) {
    http::Response response;
    response.status = 204;
    add_vary_origin(response);
    const std::string origin = request.header("origin");
    if (!cors_origin_allowed(config.cors_origins, origin)) return response;
    allow_origin(response, origin);
    response.set_header("Access-Control-Allow-Methods", methods);
    response.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-CSRFToken");
    response.set_header("Access-Control-Max-Age", std::to_string(kCorsMaxAge));
    return response;
}

void add_cors_headers(const core::Config& config, const http::Request& request, http::Response& response) {
    if (!cors_applies(config, request)) return;
    add_vary_origin(response);
    const std::string origin = request.header("origin");
    if (!cors_origin_allowed(config.cors_origins, origin)) return;
    allow_origin(response, origin);
    if (response.header("Retry-After")) response.set_header("Access-Control-Expose-Headers", "Retry-After");
}

}  // namespace gatehouse::web
