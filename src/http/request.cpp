#include "gatehouse/http/request.hpp"

#include "gatehouse/core/text.hpp"

#include <cgicc/CgiInput.h>
#include <cgicc/Cgicc.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace gatehouse::http {
namespace {

// Hands cgicc our parameters and body instead of the process environment and stdin.
class ParamsInput final : public cgicc::CgiInput {
public:
    ParamsInput(const Params& params, std::string_view body) : params_(params), body_(body) {}
    size_t read(char* data, size_t length) override {
        const size_t n = std::min(length, body_.size() - offset_);
        std::copy_n(body_.data() + offset_, n, data);
        offset_ += n;
        return n;
    }
    std::string getenv(const char* name) override {
        auto it = params_.find(name);
        return it == params_.end() ? std::string() : it->second;
    }

private:
    const Params& params_;
    std::string_view body_;
    size_t offset_ = 0;
};

int hex_value(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

// cgicc decodes leniently; we refuse what it would silently mangle before handing it over.
bool well_formed_urlencoded(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char ch = static_cast<unsigned char>(text[i]);
        if (ch < 0x20 || ch == 0x7F) return false;
        if (ch == '%') {
            if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) return false;
            i += 2;
        }
    }
    return true;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string param(const Params& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

std::expected<void, RequestError> bad(std::string message) {
    return std::unexpected(RequestError{400, std::move(message)});
}

// Runs cgicc over a query string (as a GET) or a form body (as a POST) and checks the result.
std::expected<void, RequestError> parse_form(const Params& params, std::string_view method, std::string_view body,
                                             std::multimap<std::string, std::string>& out,
                                             std::multimap<std::string, UploadedFile>* files = nullptr) {
    Params env = params;
    env["REQUEST_METHOD"] = std::string(method);
    if (method == "GET") {
        env.erase("CONTENT_LENGTH");
        env.erase("CONTENT_TYPE");
    } else {
        env["CONTENT_LENGTH"] = std::to_string(body.size());
        env["QUERY_STRING"] = "";
    }
    ParamsInput input(env, body);
    try {
        // cgicc throws std::runtime_error("Malformed input") on a broken multipart body (found by fuzzing).
        cgicc::Cgicc cgi(&input);
        for (const auto& entry : cgi.getElements()) {
            const std::string name = entry.getName();
            const std::string value = entry.getValue();
            if (!core::is_valid_utf8(name) || !core::is_valid_utf8(value)) return bad("Form data is not valid UTF-8.");
            out.emplace(name, value);
        }
        if (files) {
            for (const auto& file : cgi.getFiles()) {
                const std::string name = file.getName();
                if (!core::is_valid_utf8(name)) return bad("Form data is not valid UTF-8.");
                std::string filename = file.getFilename(), type = file.getDataType();
                if (!core::is_valid_utf8(filename)) filename.clear();
                if (!core::is_valid_utf8(type)) type.clear();
                files->emplace(name, UploadedFile{std::move(filename), std::move(type), file.getData()});
            }
        }
    } catch (const std::runtime_error&) {
        return bad("Malformed form data.");
    }
    return {};
}

}  // namespace

std::string percent_encode(std::string_view text, bool space_as_plus) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ' && space_as_plus) {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (ch == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (ch == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += ch;
        }
    }
    if (!core::is_valid_utf8(out)) return std::nullopt;
    return out;
}

std::vector<std::pair<std::string, std::string>> split_cookie_header(std::string_view header) {
    std::vector<std::pair<std::string, std::string>> cookies;
    while (!header.empty()) {
        const auto end = header.find(';');
        const std::string_view chunk = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
        const auto equals = chunk.find('=');
        if (equals == std::string_view::npos) continue;
        std::size_t start = 0;
        while (start < chunk.size() && std::isspace(static_cast<unsigned char>(chunk[start]))) ++start;
        // '=' is not white space, so start stops at it at the latest.
        cookies.emplace_back(std::string(chunk.substr(start, equals - start)), std::string(chunk.substr(equals + 1)));
    }
    return cookies;
}

std::string Request::header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
    auto it = cookies.find(std::string(name));
    if (it == cookies.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    auto it = query.find(std::string(name));
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::form_field(std::string_view name) const {
    auto it = form.find(std::string(name));
    if (it == form.end()) return std::nullopt;
    return it->second;
}

const UploadedFile* Request::file(std::string_view name) const {
    auto it = files.find(std::string(name));
    return it == files.end() ? nullptr : &it->second;
}

std::size_t max_body_bytes(std::string_view path) {
    const std::string_view plain = path.substr(0, path.find('?'));
    return plain == "/accounts/profile/" || plain == "/api/me/" ? kMaxUploadBodyBytes : kMaxBodyBytes;
}

std::expected<std::size_t, RequestError> announced_body_length(const Params& params) {
    const std::string text = param(params, "CONTENT_LENGTH");
    if (text.empty()) return 0;
    std::size_t length = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (ec == std::errc::result_out_of_range) return std::unexpected(RequestError{413, "Request body too large."});
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::unexpected(RequestError{400, "Malformed Content-Length."});
    if (length > max_body_bytes(param(params, "REQUEST_URI"))) return std::unexpected(RequestError{413, "Request body too large."});
    return length;
}

std::expected<Request, RequestError> parse_request(const Params& params, std::string body) {
    if (body.size() > max_body_bytes(param(params, "REQUEST_URI"))) return std::unexpected(RequestError{413, "Request body too large."});
    Request req;
    req.method = param(params, "REQUEST_METHOD");
    if (req.method.empty() || !std::all_of(req.method.begin(), req.method.end(), ::isupper))
        return std::unexpected(RequestError{400, "Malformed request method."});
    req.remote_addr = param(params, "REMOTE_ADDR");
    req.request_id = param(params, "REQUEST_ID");

    // Path and query from REQUEST_URI, so that we decide how they are decoded.
    std::string uri = param(params, "REQUEST_URI");
    if (uri.empty()) uri = param(params, "DOCUMENT_URI");
    const auto qmark = uri.find('?');
    const std::string raw_path = uri.substr(0, qmark);
    req.query_string = qmark == std::string::npos ? param(params, "QUERY_STRING") : uri.substr(qmark + 1);
    auto path = percent_decode(raw_path, false);
    if (!path || path->empty() || path->front() != '/' || path->find('\0') != std::string::npos)
        return std::unexpected(RequestError{400, "Malformed request path."});
    req.path = std::move(*path);

    for (const auto& [name, value] : params) {
        if (!name.starts_with("HTTP_")) continue;
        for (unsigned char ch : value)
            if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
                return std::unexpected(RequestError{400, "Malformed request header."});
        std::string header = lower(name.substr(5));
        std::replace(header.begin(), header.end(), '_', '-');
        req.headers[header] = value;
    }
    std::string content_type = param(params, "CONTENT_TYPE");
    req.content_type = lower(content_type.substr(0, content_type.find(';')));
    req.content_type.erase(std::remove(req.content_type.begin(), req.content_type.end(), ' '), req.content_type.end());

    if (!well_formed_urlencoded(req.query_string))
        return std::unexpected(RequestError{400, "Malformed query string."});
    if (!req.query_string.empty()) {
        // cgicc reads QUERY_STRING: give it the query just checked, the one from REQUEST_URI.
        Params query_params = params;
        query_params["QUERY_STRING"] = req.query_string;
        if (auto r = parse_form(query_params, "GET", {}, req.query); !r) return std::unexpected(r.error());
    }

    // A cookie we cannot read is left out, as browsers and Django do.
    for (auto& [name, value] : split_cookie_header(param(params, "HTTP_COOKIE"))) {
        if (name.empty() || !core::is_valid_utf8(name) || !core::is_valid_utf8(value)) continue;
        req.cookies.emplace(std::move(name), std::move(value));
    }

    req.body = std::move(body);
    if (!req.body.empty()) {
        if (req.content_type == "application/json") {
            req.json = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
            if (req.json->is_discarded()) return std::unexpected(RequestError{400, "JSON parse error."});
        } else if (req.content_type == "application/x-www-form-urlencoded") {
            if (!well_formed_urlencoded(req.body)) return std::unexpected(RequestError{400, "Malformed form data."});
            if (auto r = parse_form(params, "POST", req.body, req.form); !r) return std::unexpected(r.error());
        } else if (req.content_type == "multipart/form-data") {
            if (content_type.find("boundary=") == std::string::npos)
                return std::unexpected(RequestError{400, "Multipart form data without a boundary."});
            if (auto r = parse_form(params, "POST", req.body, req.form, &req.files); !r) return std::unexpected(r.error());
        }
    }
    return req;
}

}  // namespace gatehouse::http
