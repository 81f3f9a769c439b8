#include "gatehouse/accounts/totp.hpp"

#include <liboath/oath.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace gatehouse::accounts {
namespace {

// liboath asks for oath_init() once before use; it only sets up its crypto backend.
void ensure_oath() {
    static const int ready = oath_init();
    if (ready != OATH_OK) throw std::runtime_error("liboath could not start");
}

struct FreeDeleter {
    void operator()(char* p) const { std::free(p); }
};

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::int64_t totp_step(std::int64_t unix_time) { return unix_time / kTotpStepSeconds; }

std::string totp_code(std::string_view secret, std::int64_t unix_time, unsigned digits) {
    if (digits < 6 || digits > 8) throw std::invalid_argument("totp_code: 6, 7 or 8 digits");
    ensure_oath();
    char out[10] = {};
    const int rc = oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(unix_time), kTotpStepSeconds, 0,
                                      digits, out);
    if (rc != OATH_OK) throw std::runtime_error(std::string("oath_totp_generate: ") + oath_strerror(rc));
    return out;
}

std::optional<std::int64_t> totp_match(std::string_view secret, std::int64_t unix_time, std::string_view code,
                                       unsigned window) {
    if (code.size() < 6 || code.size() > 8) return std::nullopt;
    for (char c : code)
        if (c < '0' || c > '9') return std::nullopt;
    ensure_oath();
    const std::string otp(code);
    int position = 0;
    std::uint64_t counter = 0;
    const int rc = oath_totp_validate3(secret.data(), secret.size(), static_cast<time_t>(unix_time), kTotpStepSeconds, 0,
                                       window, &position, &counter, otp.c_str());
    if (rc < 0) return std::nullopt;
    return static_cast<std::int64_t>(counter);
}

std::string base32_encode(std::string_view bytes) {
    ensure_oath();
    char* out = nullptr;
    std::size_t length = 0;
    if (oath_base32_encode(bytes.data(), bytes.size(), &out, &length) != OATH_OK) throw std::bad_alloc();
    std::unique_ptr<char, FreeDeleter> owned(out);
    std::string text(out, length);
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

std::optional<std::string> base32_decode(std::string_view text) {
    std::string clean;
    for (char c : text) {
        if (c == ' ' || c == '=' || c == '-') continue;
        clean += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    while (clean.size() % 8 != 0) clean += '=';  // liboath wants whole 8-character groups
    if (clean.empty()) return std::nullopt;
    ensure_oath();
    char* out = nullptr;
    std::size_t length = 0;
    if (oath_base32_decode(clean.data(), clean.size(), &out, &length) != OATH_OK) return std::nullopt;
    std::unique_ptr<char, FreeDeleter> owned(out);
    return std::string(out, length);
}

std::string otpauth_uri(std::string_view issuer, std::string_view label, std::string_view secret_base32) {
    return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(label) + "?secret=" +
           std::string(secret_base32) + "&issuer=" + percent_encode(issuer) + "&algorithm=SHA1&digits=" +
           std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace gatehouse::accounts
