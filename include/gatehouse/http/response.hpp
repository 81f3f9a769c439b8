#pragma once
// An HTTP response: status, headers, cookies, body; serialised as a FastCGI/CGI answer.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::http {

struct Cookie {
    std::string name;
    std::string value;
    std::optional<long long> max_age;  // none: a browser-session cookie
    std::string path = "/";
    bool http_only = true;
    bool secure = true;
    std::string same_site = "Lax";

    // The Set-Cookie header value, e.g. "sessionid=…; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax".
    std::string header_value() const;
    // A cookie that makes the browser forget `name`.
    static Cookie expired(std::string name, bool http_only = true);
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    void set_header(std::string name, std::string value);  // replaces one of the same name
    void add_header(std::string name, std::string value);
    std::optional<std::string> header(std::string_view name) const;
    void set_cookie(const Cookie& cookie);

    static Response html(int status, std::string body);
    static Response json(int status, const nlohmann::json& body);
    static Response redirect(const std::string& location, int status = 302);

    // "Status: 200 OK\r\nContent-Type: …\r\n\r\n<body>"; no body for HEAD.
    std::string serialize(bool include_body = true) const;
};

std::string_view reason_phrase(int status);

}  // namespace gatehouse::http
