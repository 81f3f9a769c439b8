// A small blocking HTTP(S) client for the end-to-end tests, on libcurl.
//
// One HttpClient is one "browser": it keeps its connections and, unless told otherwise, its cookies
// (an in-memory jar) across requests. It does not follow redirects unless asked, does not verify the
// stack's self-signed certificate, and never waits longer than its timeout. Not thread-safe: give each
// thread its own client.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::e2e {

// Request headers, sent in order: {"Content-Type", "application/json"}.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    long status = 0;
    std::multimap<std::string, std::string> headers;  // names lower-case, values trimmed
    std::string body;

    // The first value of a header (name in any case), if present.
    std::optional<std::string> header(std::string_view name) const;
    std::vector<std::string> header_values(std::string_view name) const;
    bool has_header(std::string_view name) const { return header(name).has_value(); }
    // The body parsed as JSON; throws nlohmann::json::parse_error when it is not JSON.
    nlohmann::json json() const;
};

// The request never got an HTTP answer (connection refused, timeout, TLS failure, …).
class HttpError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ClientOptions {
    bool follow_redirects = false;
    bool cookies = true;        // keep a cookie jar for the life of the client
    long timeout_seconds = 30;  // whole request
    long connect_timeout_seconds = 10;
    std::string source_address = {};  // connect from this local address (e.g. "127.0.1.7": another client); "": any
};

class HttpClient {
public:
    explicit HttpClient(ClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Any method; a non-empty body is sent as is (curl's default Content-Type for a body is
    // application/x-www-form-urlencoded unless headers name another). Throws HttpError when no
    // answer came.
    HttpResponse request(std::string_view method, const std::string& url, const std::string& body = {},
                         const HeaderList& headers = {});
    HttpResponse get(const std::string& url, const HeaderList& headers = {}) { return request("GET", url, {}, headers); }
    HttpResponse post(const std::string& url, const std::string& body, const HeaderList& headers = {}) {
        return request("POST", url, body, headers);
    }

    // A cookie's value from the jar (any domain/path), if the client holds one by that name.
    std::optional<std::string> cookie(std::string_view name) const;
    void clear_cookies();

private:
    void* curl_;  // CURL*
    ClientOptions options_;
};

// application/x-www-form-urlencoded from pairs, with percent-encoding.
std::string form_encode(const HeaderList& fields);

// Header names and values: ASCII lower case, and without surrounding whitespace.
std::string lower(std::string_view s);
std::string trim(std::string_view s);

}  // namespace gatehouse::e2e
