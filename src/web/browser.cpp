#include "gatehouse/web/browser.hpp"

#include "gatehouse/accounts/csrf.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/web/cors.hpp"
#include "gatehouse/web/render.hpp"

#include <algorithm>
#include <cctype>

// The names this file sets on every page, with their ctemplate ids made once (STS_INIT): a name
// given as a plain string is hashed and registered in ctemplate's global id map each time it is set,
// an eighth of a session page's instructions (callgrind).
static const ctemplate::StaticTemplateString kCsrfToken = STS_INIT(kCsrfToken, "CSRF_TOKEN");
static const ctemplate::StaticTemplateString kUserLabel = STS_INIT(kUserLabel, "USER_LABEL");
static const ctemplate::StaticTemplateString kUser = STS_INIT(kUser, "USER");
static const ctemplate::StaticTemplateString kAnonymous = STS_INIT(kAnonymous, "ANONYMOUS");
static const ctemplate::StaticTemplateString kLogoutCsrfToken = STS_INIT(kLogoutCsrfToken, "LOGOUT_CSRF_TOKEN");

namespace gatehouse::web {
namespace {

constexpr const char* kSessionCookie = "sessionid";
constexpr const char* kCsrfCookie = "csrftoken";
constexpr const char* kFlashCookie = "messages";
constexpr long long kCsrfCookieAge = 31449600;  // Django's CSRF_COOKIE_AGE: one year

std::string flash_signature(const Context& ctx, std::string_view payload) {
    return core::base64url_encode(core::hmac_sha256(ctx.config.secret_key, "flash|" + std::string(payload))).substr(0, 22);
}

void read_flash(const Context& ctx, const http::Request& request, Browser& browser) {
    auto cookie = request.cookie(kFlashCookie);
    if (!cookie) return;
    const auto dot = cookie->rfind('.');
    if (dot == std::string::npos) return;
    const std::string payload = cookie->substr(0, dot);
    if (!core::constant_time_equals(cookie->substr(dot + 1), flash_signature(ctx, payload))) return;
    auto decoded = core::base64url_decode(payload);
    if (!decoded) return;
    const auto bar = decoded->find('|');
    if (bar == std::string::npos) return;
    browser.flash_level = decoded->substr(0, bar);
    browser.flash_text = decoded->substr(bar + 1);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

}  // namespace

std::string user_label(const accounts::User& user) {
    if (user.name && !user.name->empty()) return *user.name;
    if (user.email) return *user.email;
    return user.phone.value_or("user " + std::to_string(user.id));
}

Browser load_browser(Context& ctx, const http::Request& request) {
    Browser browser;
    browser.client = {request.remote_addr, request.header("user-agent")};
    browser.path = request.query_string.empty() ? request.path : request.path + "?" + request.query_string;
    if (auto sid = request.cookie(kSessionCookie); sid && !sid->empty()) {
        browser.session_id = *sid;
        browser.session = accounts::resume_session(ctx.accounts, *sid, browser.client);
        if (browser.session && ctx.language_stated) accounts::remember_language(ctx.accounts, browser.session->user, ctx.language);
    }
    if (auto csrf = csrf_cookie_secret(request)) {
        browser.csrf_secret = *csrf;
    } else {
        browser.csrf_secret = accounts::new_csrf_secret();
        browser.csrf_cookie_new = true;
    }
    read_flash(ctx, request, browser);
    return browser;
}

std::optional<accounts::ActiveSession> peek_session(Context& ctx, const http::Request& request) {
    auto sid = request.cookie(kSessionCookie);
    if (!sid || sid->empty()) return std::nullopt;
    return accounts::resume_session(ctx.accounts, *sid, {request.remote_addr, request.header("user-agent")},
                                    accounts::Lookup::Peek);
}

std::optional<std::string> csrf_cookie_secret(const http::Request& request) {
    auto csrf = request.cookie(kCsrfCookie);
    if (csrf && csrf->size() == 32 && accounts::unmask_csrf_token(*csrf)) return csrf;
    return std::nullopt;
}

void set_csrf_cookie(http::Response& response, const std::string& secret) {
    response.set_cookie(http::Cookie{kCsrfCookie, secret, kCsrfCookieAge, "/", false, true, "Lax"});
}

std::optional<std::string> csrf_refusal(const http::Request& request, const std::vector<std::string>& trusted_origins) {
    if (request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS") return std::nullopt;
    const std::string origin = request.header("origin");
    if (!accounts::csrf_origin_ok(origin, request.header("referer"), request.header("host")) &&
        !cors_origin_allowed(trusted_origins, origin))
        return core::N_("The request did not come from this site (Origin or Referer checking failed).");
    const auto secret = csrf_cookie_secret(request);
    if (!secret) return core::N_("CSRF cookie not set. Your browser must accept cookies from this site.");
    const std::string submitted = request.form_field("csrfmiddlewaretoken").value_or(request.header("x-csrftoken"));
    if (!accounts::csrf_token_matches(*secret, submitted)) return core::N_("CSRF token missing or incorrect.");
    return std::nullopt;
}

std::optional<http::Response> csrf_failure(Context& ctx, const http::Request& request, const Browser& browser) {
    const auto refused = csrf_refusal(request);
    if (!refused) return std::nullopt;
    const std::string& reason = *refused;
    ctx.log.warning("csrf refused: " + reason.substr(0, reason.find('.')));
    ctemplate::TemplateDictionary dict("csrf");
    dict.SetValue("REASON", std::string(ctx.tr(reason)));
    Layout layout;
    layout.title = ctx.tr("Forbidden");
    layout.user_label = browser.user() ? user_label(*browser.user()) : "";
    layout.language = ctx.language;
    auto response = http::Response::html(403, render_layout(ctx.templates, "errors/csrf.html", dict, layout));
    response.set_header("Cache-Control", "no-store");
    return response;
}

http::Response browser_page(Context& ctx, Browser& browser, int status, const std::string& title,
                            const std::string& content_template, ctemplate::TemplateDictionary& dict) {
    // One masked token for every form of the page (each answer gets a new mask, as BREACH asks).
    const std::string csrf_token = accounts::mask_csrf_secret(browser.csrf_secret);
    dict.SetValue(kCsrfToken, csrf_token);
    if (browser.user()) {
        dict.SetValue(kUserLabel, user_label(*browser.user()));  // the section reads it from here
        dict.ShowSection(kUser);
    } else {
        dict.ShowSection(kAnonymous);
    }
    Layout layout{std::string(ctx.tr(title)), browser.user() ? user_label(*browser.user()) : "", browser.flash_text,
                  browser.flash_level, browser.user() && browser.user()->is_staff, ctx.language, csrf_token, browser.path};
    dict.SetValue(kLogoutCsrfToken, csrf_token);
    auto response = http::Response::html(status, render_layout(ctx.templates, content_template, dict, layout));
    if (browser.csrf_cookie_new) {
        set_csrf_cookie(response, browser.csrf_secret);
        browser.csrf_cookie_new = false;
    }
    if (!browser.flash_text.empty()) response.set_cookie(http::Cookie::expired(kFlashCookie));
    response.set_header("Cache-Control", "no-store");
    return response;
}

http::Response redirect_with_flash(Context& ctx, const std::string& location, const std::string& text,
                                   const std::string& level) {
    auto response = http::Response::redirect(location);
    const std::string payload = core::base64url_encode(level + "|" + std::string(ctx.tr(text)));
    response.set_cookie(http::Cookie{kFlashCookie, payload + "." + flash_signature(ctx, payload), std::nullopt, "/", true, true, "Lax"});
    return response;
}

void set_session_cookie(http::Response& response, const accounts::StartedSession& session) {
    response.set_cookie(http::Cookie{kSessionCookie, session.id, session.cookie_max_age, "/", true, true, "Lax"});
}

void clear_session_cookie(http::Response& response) { response.set_cookie(http::Cookie::expired(kSessionCookie)); }

void set_login_cookies(http::Response& response, const accounts::LoggedIn& in) {
    response.set_cookie(http::Cookie{kSessionCookie, in.session_id, in.cookie_max_age, "/", true, true, "Lax"});
    set_csrf_cookie(response, in.csrf_secret);
}

void clear_login_cookies(http::Response& response) {
    clear_session_cookie(response);
    response.set_cookie(http::Cookie::expired(kCsrfCookie, false));
}

std::string safe_next(std::string_view next, const std::string& fallback) {
    // A local path only: "/x", never "//host", "/\host", a scheme, or control characters.
    if (next.empty() || next.front() != '/' || next.size() > 2000) return fallback;
    if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return fallback;
    for (unsigned char c : next)
        if (c < 0x20 || c == 0x7F || c == '\\') return fallback;
    return std::string(next);
}

void show_field_errors(const Context& ctx, ctemplate::TemplateDictionary& dict, const accounts::FieldErrors& errors) {
    for (const auto& [field, messages] : errors) {
        const std::string section = field == "non_field_errors" ? "NON_FIELD_ERRORS" : "ERRORS_" + upper(field);
        for (const auto& message : messages)
            dict.AddSectionDictionary(section)->SetValue("ERROR", ctx.catalog().translate_filled(message));
    }
}

}  // namespace gatehouse::web
