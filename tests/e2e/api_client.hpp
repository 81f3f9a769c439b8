// Helpers for the JSON API end-to-end tests (tests/e2e/test_api_*.cpp): a small API client, the
// mailer's outbox (mail and SMS files), users, and JWT crafting with the stack's own secret key.
// Everything lives in gatehouse::e2e::api so that it never clashes with the browser helpers.
#pragma once

#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace gatehouse::e2e::api {

using json = nlohmann::json;

inline constexpr const char* kPassword = "Api-Sturdy-Passw0rd";
inline constexpr const char* kUserAgent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 e2e-api";

// ---------------------------------------------------------------------------------------------
// The client

inline std::string bearer(const std::string& access) { return "Bearer " + access; }
inline std::string token_auth(const std::string& key) { return "Token " + key; }

// One API caller (its own connection, no cookies). `auth` is a whole Authorization value.
class ApiClient {
public:
    explicit ApiClient(const Stack& stack, std::string user_agent = kUserAgent)
        : stack_(stack), user_agent_(std::move(user_agent)), client_({.cookies = false, .timeout_seconds = 20}) {}

    HttpResponse call(std::string_view method, const std::string& path, const json& body = nullptr,
                      const std::string& auth = {}, HeaderList extra = {}) {
        HeaderList headers = {{"User-Agent", user_agent_}, {"Accept", "application/json"}};
        if (!auth.empty()) headers.emplace_back("Authorization", auth);
        std::string text;
        if (!body.is_null()) {
            text = body.dump();
            headers.emplace_back("Content-Type", "application/json");
        }
        for (auto& h : extra) headers.push_back(std::move(h));
        return client_.request(method, stack_.https_url(path), text, headers);
    }
    HttpResponse post(const std::string& path, const json& body = json::object(), const std::string& auth = {}) {
        return call("POST", path, body, auth);
    }
    HttpResponse get(const std::string& path, const std::string& auth = {}) { return call("GET", path, nullptr, auth); }
    HttpResponse patch(const std::string& path, const json& body, const std::string& auth = {}) {
        return call("PATCH", path, body, auth);
    }
    HttpResponse del(const std::string& path, const json& body = nullptr, const std::string& auth = {}) {
        return call("DELETE", path, body, auth);
    }
    // A raw body with the given Content-Type (form-encoded, text/plain, …).
    HttpResponse raw(std::string_view method, const std::string& path, const std::string& body,
                     const std::string& content_type, const std::string& auth = {}) {
        HeaderList headers = {{"User-Agent", user_agent_}, {"Content-Type", content_type}};
        if (!auth.empty()) headers.emplace_back("Authorization", auth);
        return client_.request(method, stack_.https_url(path), body, headers);
    }
    HttpResponse post_raw(const std::string& path, const std::string& body, const std::string& content_type,
                          const std::string& auth = {}) {
        return raw("POST", path, body, content_type, auth);
    }
    // Any headers, as given (for the session-cookie test).
    HttpResponse get_with(const std::string& path, const HeaderList& headers) {
        return client_.request("GET", stack_.https_url(path), {}, headers);
    }

    const Stack& stack() const { return stack_; }

private:
    const Stack& stack_;
    std::string user_agent_;
    HttpClient client_;
};

// The body as JSON, or a JSON string holding the raw body when it is not JSON (never throws).
inline json body_of(const HttpResponse& r) {
    try {
        return r.json();
    } catch (const std::exception&) {
        return json(r.body);
    }
}

// The keys of a JSON object.
inline std::set<std::string> keys_of(const json& object) {
    std::set<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it) keys.insert(it.key());
    return keys;
}

// "status body" for test messages.
inline std::string show(const HttpResponse& r) { return std::to_string(r.status) + " " + r.body.substr(0, 400); }

// A DRF detail error: status, {"detail": …, "code": code}, JSON content type, and, for 401,
// WWW-Authenticate; for 429, Retry-After.
inline boost::test_tools::predicate_result is_error(const HttpResponse& r, long status, const std::string& code) {
    boost::test_tools::predicate_result result(true);
    const json body = body_of(r);
    std::string problem;
    if (r.status != status) problem += "status " + std::to_string(r.status) + " (wanted " + std::to_string(status) + "); ";
    if (!body.is_object() || !body.contains("detail") || !body["detail"].is_string()) problem += "no string detail; ";
    if (!body.is_object() || body.value("code", std::string()) != code) problem += "code is not \"" + code + "\"; ";
    if (!r.header("Content-Type").value_or("").starts_with("application/json")) problem += "not application/json; ";
    if (status == 401 && r.header("WWW-Authenticate").value_or("").empty()) problem += "no WWW-Authenticate; ";
    if (status == 429 && r.header("Retry-After").value_or("").empty()) problem += "no Retry-After; ";
    if (!problem.empty()) {
        result = false;
        result.message() << problem << "answer: " << show(r);
    }
    return result;
}

// A DRF validation error naming (at least) these fields, each with a non-empty list of strings.
inline boost::test_tools::predicate_result is_validation(const HttpResponse& r, std::initializer_list<const char*> fields) {
    boost::test_tools::predicate_result result(true);
    const json body = body_of(r);
    std::string problem;
    if (r.status != 400) problem += "status " + std::to_string(r.status) + " (wanted 400); ";
    if (!body.is_object()) problem += "body is not an object; ";
    else {
        for (const char* field : fields) {
            auto it = body.find(field);
            if (it == body.end() || !it->is_array() || it->empty() || !(*it)[0].is_string())
                problem += std::string("no message list for \"") + field + "\"; ";
        }
        if (body.contains("detail")) problem += "has a detail (not a validation error); ";
    }
    if (!problem.empty()) {
        result = false;
        result.message() << problem << "answer: " << show(r);
    }
    return result;
}

// ---------------------------------------------------------------------------------------------
// Users

inline int next_serial() {
    static std::atomic<int> n{0};
    return ++n;
}

inline std::string unique_email(std::string_view tag) {
    return "api-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(next_serial()) +
           "@example.com";
}

// A valid, distinct E.164 number (UK mobile range +44 7700 9xxxxx).
inline std::string unique_phone() {
    const int n = (static_cast<int>(::getpid()) * 37 + next_serial() * 1009) % 100000;
    char digits[8];
    std::snprintf(digits, sizeof digits, "%05d", n);
    return std::string("+4477009") + digits;
}

// ---------------------------------------------------------------------------------------------
// Outbox: the mailer's files

// What a shell command prints on stdout, without the trailing newlines.
inline std::string shell_output(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Undo quoted-printable (soft breaks and =XX) when the message says it uses it.
inline std::string decode_mail(const std::string& raw) {
    if (raw.find("quoted-printable") == std::string::npos) return raw;
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '=' && i + 1 < raw.size()) {
            if (raw.compare(i, 3, "=\r\n") == 0) {
                i += 2;
                continue;
            }
            if (raw[i + 1] == '\n') {
                i += 1;
                continue;
            }
            if (i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
                std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
                out.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
                i += 2;
                continue;
            }
        }
        out.push_back(raw[i]);
    }
    return out;
}

inline std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

class Outbox {
public:
    explicit Outbox(const Stack& stack) : var_(stack.var_dir()) {}

    // Every mail to the address (decoded text of the whole message), oldest first.
    std::vector<std::string> mails_to(const std::string& address) const {
        std::vector<std::string> out;
        const std::string wanted = "to: " + lower(address);
        for (const auto& path : files("mail", ".eml")) {
            const std::string raw = slurp(path);
            const auto head_end = raw.find("\r\n\r\n");
            const std::string head = lower(raw.substr(0, head_end));
            if (head.find(wanted) != std::string::npos || head.find("<" + lower(address) + ">") != std::string::npos)
                out.push_back(decode_mail(raw));
        }
        return out;
    }

    // Every SMS text to the number, oldest first.
    std::vector<std::string> sms_to(const std::string& phone) const {
        std::vector<std::string> out;
        for (const auto& path : files("sms", ".json")) {
            try {
                const json message = json::parse(slurp(path));
                if (message.value("to", std::string()) == phone) out.push_back(message.value("text", std::string()));
            } catch (const std::exception&) {
            }
        }
        return out;
    }

    // Waits (bounded) for the n-th mail to the address (1-based) and returns it.
    std::string wait_mail(const std::string& address, std::size_t n = 1,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        std::vector<std::string> seen;
        if (wait_until(timeout, [&] { return (seen = mails_to(address)).size() >= n; }, std::chrono::milliseconds(50)))
            return seen[n - 1];
        throw std::runtime_error("no mail #" + std::to_string(n) + " to " + address + " (saw " +
                                 std::to_string(seen.size()) + ")");
    }

    std::string wait_sms(const std::string& phone, std::size_t n = 1,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        std::vector<std::string> seen;
        if (wait_until(timeout, [&] { return (seen = sms_to(phone)).size() >= n; }, std::chrono::milliseconds(50)))
            return seen[n - 1];
        throw std::runtime_error("no SMS #" + std::to_string(n) + " to " + phone + " (saw " +
                                 std::to_string(seen.size()) + ")");
    }

private:
    std::vector<std::string> files(const char* sub, const char* ext) const {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(var_ + "/" + sub, ec))
            if (entry.path().extension() == ext) out.push_back(entry.path().string());
        std::sort(out.begin(), out.end());  // <secs>-<id>: delivery order
        return out;
    }
    std::string var_;
};

// The 6-digit code on a line of its own ("    123456").
inline std::string code_in(const std::string& text) {
    static const std::regex line(R"((^|\n)[ \t]*(\d{6})[ \t]*\r?(\n|$))");
    std::smatch m;
    if (std::regex_search(text, m, line)) return m[2];
    static const std::regex any(R"(\b(\d{6})\b)");
    if (std::regex_search(text, m, any)) return m[1];
    throw std::runtime_error("no 6-digit code in: " + text.substr(0, 600));
}

// The path segment after `prefix` in the first link that has it (e.g. "/accounts/verify/").
inline std::string token_after(const std::string& text, const std::string& prefix) {
    const auto at = text.find(prefix);
    if (at == std::string::npos) throw std::runtime_error("no link " + prefix + " in: " + text.substr(0, 600));
    const auto start = at + prefix.size();
    const auto end = text.find_first_of("/\r\n\" <", start);
    return text.substr(start, end - start);
}

// ---------------------------------------------------------------------------------------------
// Flows

// Registers (201) and returns the user object; fails the test (REQUIRE) otherwise.
inline json register_user(ApiClient& api, const std::string& email, const std::string& password = kPassword,
                          json extra = json::object()) {
    extra["email"] = email;
    extra["password"] = password;
    extra["password2"] = password;
    const auto r = api.post("/api/auth/register/", extra);
    BOOST_TEST_REQUIRE(r.status == 201, "register " << email << ": " << show(r));
    return r.json();
}

// Registers and verifies through /api/auth/verify-email/ with the token of the mailed link.
inline json verified_user(ApiClient& api, const std::string& email, const std::string& password = kPassword,
                          json extra = json::object()) {
    json user = register_user(api, email, password, std::move(extra));
    const std::string mail = Outbox(api.stack()).wait_mail(email);
    const auto r = api.post("/api/auth/verify-email/", {{"token", token_after(mail, "/accounts/verify/")}});
    BOOST_TEST_REQUIRE(r.status == 200, "verify-email " << email << ": " << show(r));
    user["is_verified"] = true;
    return user;
}

struct Pair {
    std::string access, refresh;
    json user;
};

inline Pair obtain(ApiClient& api, const std::string& email, const std::string& password = kPassword) {
    const auto r = api.post("/api/auth/token/", {{"email", email}, {"password", password}});
    BOOST_TEST_REQUIRE(r.status == 200, "token " << email << ": " << show(r));
    const json body = r.json();
    return {body.at("access"), body.at("refresh"), body.at("user")};
}

inline std::string api_token(ApiClient& api, const std::string& email, const std::string& password = kPassword) {
    const auto r = api.post("/api/auth/login/", {{"email", email}, {"password", password}});
    BOOST_TEST_REQUIRE(r.status == 200, "login " << email << ": " << show(r));
    return r.json().at("token");
}

// GET /api/me/ with these credentials: the status.
inline long me_status(ApiClient& api, const std::string& auth) { return api.get("/api/me/", auth).status; }

// Refresh: the raw answer.
inline HttpResponse refresh(ApiClient& api, const std::string& token) {
    return api.post("/api/auth/token/refresh/", {{"refresh", token}});
}

// Logs a browser (a cookie-keeping HttpClient) in through /accounts/login/ and returns its sessionid
// cookie; fails the test (REQUIRE) when that does not work.
inline std::string session_login(HttpClient& browser, const Stack& stack, const std::string& email,
                                 const std::string& password = kPassword) {
    const std::string origin = stack.https_url("");
    const HeaderList agent = {{"User-Agent", "Mozilla/5.0 (Macintosh; Mac OS X 14_0) Safari/605.1.15"}};
    const auto page = browser.get(stack.https_url("/accounts/login/"), agent);
    BOOST_TEST_REQUIRE(page.status == 200, "GET /accounts/login/: " << page.status);
    static const std::regex field(R"re(name="csrfmiddlewaretoken" value="([^"]+)")re");
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_search(page.body, m, field), "no CSRF field on the login page");
    HeaderList headers = agent;
    headers.emplace_back("Origin", origin);
    headers.emplace_back("Referer", origin + "/accounts/login/");
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    const auto r = browser.post(stack.https_url("/accounts/login/"),
                                form_encode({{"csrfmiddlewaretoken", m[1]}, {"email", email}, {"password", password}}),
                                headers);
    BOOST_TEST_REQUIRE(r.status == 302, "POST /accounts/login/: " << r.status);
    const auto session = browser.cookie("sessionid");
    BOOST_TEST_REQUIRE((session && !session->empty()), "no sessionid cookie after the login");
    return *session;
}

// ---------------------------------------------------------------------------------------------
// JWT crafting (independent of the server's code: OpenSSL HMAC, hand-made base64url)

inline std::string b64url(std::string_view bytes) {
    static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += {abc[v >> 18 & 63], abc[v >> 12 & 63], abc[v >> 6 & 63], abc[v & 63]};
    }
    if (bytes.size() - i == 1) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += {abc[v >> 18 & 63], abc[v >> 12 & 63]};
    } else if (bytes.size() - i == 2) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += {abc[v >> 18 & 63], abc[v >> 12 & 63], abc[v >> 6 & 63]};
    }
    return out;
}

inline std::string unb64url(std::string_view text) {
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : text) {
        int d;
        if (c >= 'A' && c <= 'Z') d = c - 'A';
        else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
        else if (c >= '0' && c <= '9') d = c - '0' + 52;
        else if (c == '-') d = 62;
        else if (c == '_') d = 63;
        else throw std::runtime_error("not base64url");
        v = v << 6 | static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>(v >> bits & 0xFF));
        }
    }
    return out;
}

inline std::vector<std::string> split_dots(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = token.find('.', start);
        parts.push_back(token.substr(start, dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

// The (unverified) header and payload of a compact JWS.
inline json jws_header(const std::string& token) { return json::parse(unb64url(split_dots(token).at(0))); }
inline json jws_payload(const std::string& token) { return json::parse(unb64url(split_dots(token).at(1))); }

// The stack's HMAC key: $VAR/secret.key, its text without the newline, as raw bytes.
inline std::string secret_key(const Stack& stack) {
    std::string key = slurp(stack.var_dir() + "/secret.key");
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (key.empty()) throw std::runtime_error("empty " + stack.var_dir() + "/secret.key");
    return key;
}

// A compact JWS over header and payload; alg "HS256"/"HS512" sign with key, "none" leaves the signature empty.
inline std::string forge(const json& header, const json& payload, const std::string& key, const std::string& alg) {
    const std::string input = b64url(header.dump()) + "." + b64url(payload.dump());
    if (alg == "none") return input + ".";
    const EVP_MD* md = alg == "HS512" ? EVP_sha512() : EVP_sha256();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         mac, &length);
    return input + "." + b64url(std::string_view(reinterpret_cast<const char*>(mac), length));
}

inline std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
    return out;
}

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---------------------------------------------------------------------------------------------
// Python (Debian's /usr/bin/python3 with python3-jwt and python3-jwcrypto)

struct ProcessResult {
    int status = -1;
    std::string output;  // stdout and stderr
};

// Runs a Python script (written to a temp file) with the arguments; bounded by timeout(1).
inline ProcessResult run_python(const std::string& script, const std::vector<std::string>& args,
                                const std::string& dir) {
    const std::string path = dir + "/check-" + std::to_string(next_serial()) + ".py";
    {
        std::ofstream out(path);
        out << script;
    }
    std::string command = "timeout 30 /usr/bin/python3 " + path;
    for (const auto& arg : args) {
        std::string quoted = "'";
        for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        command += " " + quoted + "'";
    }
    command += " 2>&1";
    ProcessResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
    result.status = ::pclose(pipe);
    std::filesystem::remove(path);
    return result;
}

// An authenticator's code for this base32 secret, now or `offset` seconds from now (python3-pyotp).
// Throws std::runtime_error when pyotp gives no 6-digit code.
inline std::string pyotp_code(const std::string& dir, const std::string& secret, long offset = 0) {
    const auto run = run_python("import pyotp, sys, time\nprint(pyotp.TOTP(sys.argv[1]).at(int(time.time()) + int(sys.argv[2])))\n",
                                {secret, std::to_string(offset)}, dir);
    std::string code = run.output;
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
    if (run.status != 0 || code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos)
        throw std::runtime_error("pyotp gave no code for " + secret + ": " + run.output);
    return code;
}

}  // namespace gatehouse::e2e::api
