#pragma once
// An HTTP request as the workers see it: built from FastCGI params and the body, with cgicc doing
// the form (urlencoded and multipart), query string and cookie parsing, and nlohmann-json the JSON.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::http {

inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
// The routes that take a file (the profile picture, at most 2 MiB) take a larger body, as their nginx
// locations do (nginx/gatehouse-locations.conf.in): room for the file and the other form fields.
inline constexpr std::size_t kMaxUploadBodyBytes = 3 * 1024 * 1024;
// The body limit of a request path: kMaxUploadBodyBytes for /accounts/profile/ and /api/me/, else kMaxBodyBytes.
std::size_t max_body_bytes(std::string_view path);

using Params = std::map<std::string, std::string>;  // FastCGI/CGI parameters

// A file of a multipart body (<input type="file">): its bytes as sent, never assumed to be text.
struct UploadedFile {
    std::string filename;      // as the client named it; not to be trusted or used as a path
    std::string content_type;  // as the client said; not to be trusted
    std::string data;
};

struct Request {
    std::string method;        // "GET", "POST", …
    std::string path;          // percent-decoded, starts with '/'
    std::string query_string;  // raw
    std::string content_type;  // lower-cased media type without parameters
    std::string remote_addr;
    std::string request_id;
    std::map<std::string, std::string> headers;  // lower-case names, e.g. "user-agent"
    std::map<std::string, std::string> cookies;
    std::multimap<std::string, std::string> query;
    std::multimap<std::string, std::string> form;  // urlencoded or multipart body fields
    std::multimap<std::string, UploadedFile> files;  // multipart parts with a filename
    std::optional<nlohmann::json> json;             // a JSON body
    std::map<std::string, std::string> path_params; // from the route pattern
    std::string body;

    std::string header(std::string_view name) const;  // "" when absent
    std::optional<std::string> cookie(std::string_view name) const;
    std::optional<std::string> query_param(std::string_view name) const;
    std::optional<std::string> form_field(std::string_view name) const;
    const UploadedFile* file(std::string_view name) const;  // nullptr when no such file was sent
    bool is_api() const { return path.starts_with("/api/"); }
};

struct RequestError {
    int status;            // 400 or 413
    std::string message;   // safe to show
};

// The body size a request announces; an error when it is malformed or over its path's max_body_bytes.
std::expected<std::size_t, RequestError> announced_body_length(const Params& params);

// Builds the request; every malformed part (percent-encoding, JSON, multipart, header) is a 400.
std::expected<Request, RequestError> parse_request(const Params& params, std::string body);

// A Cookie header's name=value pairs in order, split as cgicc splits them (which the unit tests
// check against cgicc itself): at each ';', leading white space off the name, the value as sent,
// a piece without '=' skipped. Parsing it here instead of in a cgicc environment saves a session
// page 11,000 instructions (callgrind).
std::vector<std::pair<std::string, std::string>> split_cookie_header(std::string_view header);

// "%41b+c" → "Ab c" (with plus_as_space); nullopt on a bad escape or an invalid UTF-8 result.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// The reverse for a query string: every byte but A–Z a–z 0–9 - . _ ~ as %XX; a space as '+' with
// space_as_plus (application/x-www-form-urlencoded, as Python's urlencode writes it), else %20.
std::string percent_encode(std::string_view text, bool space_as_plus);

}  // namespace gatehouse::http
