// Re-authentication: the guard of sensitive actions, the page that asks for the password again, and
// its API twin.
#include "gatehouse/web/reauth.hpp"

#include "gatehouse/accounts/reauth.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"

namespace gatehouse::web {

std::string reauth_url(std::string_view next) {
    // login_url's encoding of `next`, on the re-authentication page.
    const std::string login = login_url(next);
    const auto query = login.find('?');
    return "/accounts/reauthenticate/" + (query == std::string::npos ? std::string() : login.substr(query));
}

std::optional<http::Response> require_recent_login(Context& ctx, const http::Request& request, const Browser& browser) {
    if (!browser.session) return redirect_to_login(request);
    if (accounts::recently_authenticated(ctx.accounts, browser.session->login_id)) return std::nullopt;
    std::string here = request.path;
    if (!request.query_string.empty()) here += "?" + request.query_string;
    return http::Response::redirect(reauth_url(here));
}

std::optional<http::Response> require_recent_login(Context& ctx, const accounts::ApiPrincipal& principal) {
    if (accounts::recently_authenticated(ctx.accounts, principal.login_id)) return std::nullopt;
    return api_answer(ctx, accounts::Outcome::ReauthenticationRequired);
}

http::Response reauthenticate_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    const auto& user = *browser.user();
    const std::string next = safe_next(req.method == "POST" ? form(req, "next") : req.query_param("next").value_or(""),
                                       "/accounts/profile/");
    ctemplate::TemplateDictionary dict("reauthenticate");
    dict.SetValue("NEXT", next);
    const auto method = accounts::reauth_method(user);
    dict.ShowSection(method == accounts::ReauthMethod::PhoneCode ? "BY_CODE" : "BY_PASSWORD");
    if (req.method == "POST") {
        if (method == accounts::ReauthMethod::PhoneCode && !form(req, "send_code").empty()) {
            auto sent = accounts::send_reauth_code(ctx.accounts, user);
            if (!sent) return refusal_page(ctx, browser, sent.error());
            dict.ShowSection("CODE_SENT");
        } else {
            auto done = accounts::reauthenticate(ctx.accounts, user, browser.session->login_id,
                                                 {form(req, "password"), form(req, "code")}, browser.client);
            if (done) return http::Response::redirect(next);
            if (auto page = show_refusal(ctx, browser, dict, done.error())) return *page;
        }
    }
    return browser_page(ctx, browser, 200, "Confirm it is you", "accounts/reauthenticate.html", dict);
}

http::Response api_reauthenticate(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    const bool by_code = accounts::reauth_method(principal->user) == accounts::ReauthMethod::PhoneCode;
    if (auto missing = require_fields(ctx, req, {by_code ? "code" : "password"})) return *missing;
    auto done = accounts::reauthenticate(ctx.accounts, principal->user, principal->login_id,
                                         {api_field_or_empty(req, "password"), api_field_or_empty(req, "code")},
                                         api_client(req));
    if (!done) return api_answer(ctx, done.error());
    return http::Response::json(200, {{"detail", ctx.tr("Identity confirmed.")},
                                      {"valid_for", ctx.config.reauth_seconds}});
}

}  // namespace gatehouse::web
