#include "gatehouse/http/response.hpp"

#include "gatehouse/core/catalog.hpp"

#include <algorithm>
#include <strings.h>

namespace gatehouse::http {

std::string Cookie::header_value() const {
    std::string out = name + "=" + value;
    if (max_age) out += "; Max-Age=" + std::to_string(*max_age);
    out += "; Path=" + path;
    if (http_only) out += "; HttpOnly";
    if (secure) out += "; Secure";
    if (!same_site.empty()) out += "; SameSite=" + same_site;
    return out;
}

Cookie Cookie::expired(std::string name, bool http_only) {
    Cookie c;
    c.name = std::move(name);
    c.value = "";
    c.max_age = 0;
    c.http_only = http_only;
    return c;
}

void Response::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (strcasecmp(n.c_str(), name.c_str()) == 0) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

void Response::add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }

std::optional<std::string> Response::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n.size() == name.size() && strncasecmp(n.c_str(), name.data(), name.size()) == 0) return v;
    return std::nullopt;
}

void Response::set_cookie(const Cookie& cookie) { add_header("Set-Cookie", cookie.header_value()); }

Response Response::html(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.set_header("Content-Type", "text/html; charset=utf-8");
    return r;
}

Response Response::json(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    if (status != 204) r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.set_header("Content-Type", "application/json");
    return r;
}

Response Response::redirect(const std::string& location, int status) {
    Response r;
    r.status = status;
    r.set_header("Location", location);
    r.set_header("Content-Type", "text/html; charset=utf-8");
    return r;
}

std::string Response::serialize(bool include_body) const {
    std::string out;
    out.reserve(body.size() + 256);
    out += "Status: " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
    for (const auto& [name, value] : headers) {
        out += name;
        out += ": ";
        // A header value never carries a line break (no response splitting).
        for (char ch : value) out += (ch == '\r' || ch == '\n') ? ' ' : ch;
        out += "\r\n";
    }
    if (include_body && !header("Content-Length")) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n";
    if (include_body) out += body;
    return out;
}

// The errors' phrases are marked for translation: the error pages show them (web translates).
std::string_view reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 400: return core::N_("Bad Request");
        case 401: return core::N_("Unauthorized");
        case 403: return core::N_("Forbidden");
        case 404: return core::N_("Not Found");
        case 405: return core::N_("Method Not Allowed");
        case 406: return core::N_("Not Acceptable");
        case 409: return core::N_("Conflict");
        case 413: return core::N_("Content Too Large");
        case 415: return core::N_("Unsupported Media Type");
        case 429: return core::N_("Too Many Requests");
        case 500: return core::N_("Internal Server Error");
        case 503: return core::N_("Service Unavailable");
        default: return "Unknown";
    }
}

}  // namespace gatehouse::http
