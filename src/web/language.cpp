#include "gatehouse/web/language.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace gatehouse::web {
namespace {

constexpr long long kLanguageCookieAge = 31536000;  // Django's LANGUAGE_COOKIE_AGE is a session; a year here

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// "q=0.8" → 800; a malformed one is 0 (never chosen), a missing one 1000.
int quality(std::string_view params) {
    for (std::size_t from = 0; from < params.size();) {
        const auto semi = params.find(';', from);
        const std::string_view param = trim(params.substr(from, semi == std::string_view::npos ? semi : semi - from));
        if (param.starts_with("q=") || param.starts_with("Q=")) {
            const std::string_view q = param.substr(2);
            if (q.empty() || q.size() > 5 || (q[0] != '0' && q[0] != '1')) return 0;
            int thousandths = (q[0] - '0') * 1000;
            if (q.size() > 1) {
                if (q[1] != '.') return 0;
                int scale = 100;
                for (char c : q.substr(2)) {
                    if (c < '0' || c > '9') return 0;
                    thousandths += (c - '0') * scale;
                    scale /= 10;
                }
            }
            return std::min(thousandths, 1000);
        }
        if (semi == std::string_view::npos) break;
        from = semi + 1;
    }
    return 1000;
}

}  // namespace

std::string accept_language_choice(const core::Translations& translations, std::string_view header) {
    if (header.size() > 1000) header = header.substr(0, 1000);
    std::string best;
    int best_q = 0;
    for (std::size_t from = 0; from <= header.size();) {
        auto comma = header.find(',', from);
        if (comma == std::string_view::npos) comma = header.size();
        const std::string_view item = trim(header.substr(from, comma - from));
        from = comma + 1;
        const auto semi = item.find(';');
        const std::string tag = lower(trim(item.substr(0, semi)));
        const int q = semi == std::string_view::npos ? 1000 : quality(item.substr(semi + 1));
        if (tag.empty() || q <= best_q) continue;
        std::string language = tag.substr(0, tag.find('-'));
        if (tag == "*") language = translations.languages().front();
        if (translations.has(language)) best = language, best_q = q;
    }
    return best;
}

std::string stated_language(const core::Translations& translations, const http::Request& request) {
    if (auto cookie = request.cookie(kLanguageCookie); cookie && translations.has(*cookie)) return *cookie;
    return accept_language_choice(translations, request.header("accept-language"));
}

std::string choose_language(const core::Translations& translations, const http::Request& request,
                            const std::string& fallback) {
    if (auto stated = stated_language(translations, request); !stated.empty()) return stated;
    return translations.has(fallback) ? fallback : "en";
}

std::string language_name(const std::string& language) {
    if (language == "en") return "English";
    if (language == "fa") return "فارسی";
    return language;
}

void set_language_cookie(http::Response& response, const std::string& language) {
    response.set_cookie(http::Cookie{kLanguageCookie, language, kLanguageCookieAge, "/", false, true, "Lax"});
}

}  // namespace gatehouse::web
