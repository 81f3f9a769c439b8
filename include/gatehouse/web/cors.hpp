#pragma once
// CORS for browser apps on other origins (GATEHOUSE_CORS_ORIGINS), the way django-cors-headers does
// it with CORS_ALLOW_CREDENTIALS = True and CORS_URLS_REGEX = r"^/api/": only paths under /api/, only
// the listed origins (exact, never "*"), and a refused origin simply gets no CORS headers.
#include "gatehouse/core/config.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::web {

inline constexpr int kCorsMaxAge = 86400;  // django-cors-headers' CORS_PREFLIGHT_MAX_AGE

// `origin` (a request's Origin header) is exactly one of `allowed` (normalised by
// core::parse_origins); letters compared ignoring case. "" and "null" never match.
bool cors_origin_allowed(const std::vector<std::string>& allowed, std::string_view origin);

// OPTIONS under /api/ with Origin and Access-Control-Request-Method, while CORS is configured.
bool is_cors_preflight(const core::Config& config, const http::Request& request);

// The answer to a preflight for a route whose methods are `methods` ("GET, HEAD, POST"): 204 with
// Allow-Origin (the request's origin), Allow-Credentials, Allow-Methods, Allow-Headers, Max-Age and
// Vary: Origin for an allowed origin; the same 204 with only Vary: Origin for any other (as
// django-cors-headers answers every preflight and lets the browser refuse).
http::Response cors_preflight(const core::Config& config, const http::Request& request, const std::string& methods);

// On an /api/ answer, while CORS is configured: Vary: Origin always, and for an allowed origin
// Allow-Origin, Allow-Credentials and Expose-Headers (Retry-After, when the answer has one).
void add_cors_headers(const core::Config& config, const http::Request& request, http::Response& response);

}  // namespace gatehouse::web
