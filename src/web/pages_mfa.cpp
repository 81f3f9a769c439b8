// The second factor's pages (README: *Two-factor authentication*): /accounts/2fa/ (status, set-up
// with its QR code, recovery codes, turning it off) and the login's "Enter your code" step,
// /accounts/login/2fa/. The rules are accounts/mfa.hpp's and accounts/login.hpp's.
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"
#include "gatehouse/web/qr.hpp"
#include "gatehouse/web/reauth.hpp"

namespace gatehouse::web {
namespace {

constexpr const char* kRememberCookie = "mfa_remember";
constexpr const char* kRememberPath = "/accounts/login/";
constexpr const char* kPath = "/accounts/2fa/";

// Every message of a refusal, in the form's own error list (the page has several forms).
void show_errors(const Context& ctx, ctemplate::TemplateDictionary& dict, const char* section, const accounts::Refusal& refused) {
    for (const auto& [field, messages] : page_errors(ctx, refused))
        for (const auto& message : messages) dict.AddSectionDictionary(section)->SetValue("ERROR", message);
}

void show_codes(ctemplate::TemplateDictionary& dict, const std::vector<std::string>& codes) {
    auto* section = dict.AddSectionDictionary("NEW_CODES");
    for (const auto& code : codes) section->AddSectionDictionary("CODE")->SetValue("VALUE", code);
}

// The page as the user's second factor stands now (plus whatever the action put in dict).
http::Response status_page(Context& ctx, Browser& browser, ctemplate::TemplateDictionary& dict) {
    const accounts::User& user = *browser.user();
    const auto status = accounts::mfa_status(ctx.accounts, user);
    if (status.enabled) {
        dict.ShowSection("ENABLED");
        dict.SetIntValue("CODES_LEFT", status.recovery_codes_left);
    } else if (const auto setup = accounts::pending_totp(ctx.accounts, user)) {
        auto* section = dict.AddSectionDictionary("SETUP");
        section->SetValue("QR_SVG", qr_svg(ctx, setup->uri));  // numbers and an escaped label: shown as it is
        section->SetValue("SECRET", setup->secret);
        section->SetValue("URI", setup->uri);
        section->SetIntValue("MINUTES", (setup->expires_in + 59) / 60);
    } else {
        dict.ShowSection("OFF");
    }
    return browser_page(ctx, browser, 200, "Two-factor authentication", "accounts/mfa.html", dict);
}

}  // namespace

std::string remembered_browser(const http::Request& request) { return request.cookie(kRememberCookie).value_or(""); }

http::Response login_code_form(Context& ctx, Browser& browser, const std::string& mfa_token, const std::string& next,
                               bool remember, const accounts::FieldErrors& errors) {
    ctemplate::TemplateDictionary dict("login_2fa");
    dict.SetValue("MFA_TOKEN", mfa_token);
    dict.SetValue("NEXT", next);
    dict.SetValue("REMEMBER", remember ? "1" : "");
    show_field_errors(ctx, dict, errors);
    return browser_page(ctx, browser, 200, "Enter your code", "accounts/login_2fa.html", dict);
}

http::Response login_mfa_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (req.method != "POST") return http::Response::redirect("/accounts/login/");
    const std::string token = form(req, "mfa_token");
    const std::string next = safe_next(form(req, "next"), "");
    const bool remember = !form(req, "remember").empty();
    auto in = accounts::complete_mfa_login(
        ctx.accounts, {token, form(req, "code"), accounts::LoginKind::Session, remember, browser.session_id, browser.client});
    if (in) {
        auto response = http::Response::redirect(safe_next(next, "/accounts/profile/"));
        set_login_cookies(response, *in);
        forget_pending_user(response);
        if (!form(req, "remember_browser").empty())
            response.set_cookie(http::Cookie{kRememberCookie, accounts::remember_browser_token(ctx.accounts, in->user),
                                             accounts::kRememberBrowserSeconds, kRememberPath, true, true, "Lax"});
        return response;
    }
    const auto& refused = in.error();
    if (refused.outcome == accounts::Outcome::CodeInvalid)
        return login_code_form(ctx, browser, token, next, remember, page_errors(ctx, refused));
    if (refused.outcome == accounts::Outcome::Throttled) return refusal_page(ctx, browser, refused);
    return redirect_with_flash(ctx, login_url(next), page_message(ctx, refused), "error");
}

http::Response mfa_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    const accounts::User user = *browser.user();
    ctemplate::TemplateDictionary dict("mfa");
    if (req.method != "POST") return status_page(ctx, browser, dict);
    const std::string action = form(req, "action");
    // Setting up, regenerating and turning off change the second factor: a recent login first
    // (the confirmation follows a set-up that already asked).
    if (action == "begin" || action == "regenerate" || action == "disable")
        if (auto ask = require_recent_login(ctx, req, browser)) return *ask;
    const accounts::MfaProof proof{form(req, "password"), form(req, "code")};
    if (action == "begin") {
        if (auto setup = accounts::begin_totp(ctx.accounts, user); !setup) show_errors(ctx, dict, "BEGIN_ERRORS", setup.error());
    } else if (action == "confirm") {
        auto codes = accounts::confirm_totp(ctx.accounts, user, form(req, "code"), req.remote_addr);
        if (!codes) {
            if (codes.error().outcome == accounts::Outcome::MfaNotPending)
                return redirect_with_flash(ctx, kPath, page_message(ctx, codes.error()), "error");
            show_errors(ctx, dict, "CONFIRM_ERRORS", codes.error());
        } else {
            show_codes(dict, *codes);
            browser.flash_text = ctx.tr("Two-factor authentication is on.");  // shown on this very page: it has the codes
            browser.flash_level = "success";
        }
    } else if (action == "regenerate") {
        auto codes = accounts::regenerate_recovery_codes(ctx.accounts, user, proof, req.remote_addr);
        if (!codes && codes.error().outcome == accounts::Outcome::Throttled) return refusal_page(ctx, browser, codes.error());
        if (codes) show_codes(dict, *codes);
        else show_errors(ctx, dict, "REGENERATE_ERRORS", codes.error());
    } else if (action == "disable") {
        auto done = accounts::disable_totp(ctx.accounts, user, proof, req.remote_addr);
        if (done) return redirect_with_flash(ctx, kPath, "Two-factor authentication is off.");
        if (done.error().outcome == accounts::Outcome::Throttled) return refusal_page(ctx, browser, done.error());
        show_errors(ctx, dict, "DISABLE_ERRORS", done.error());
    } else {
        return redirect_with_flash(ctx, kPath, "Unknown action.", "error");
    }
    return status_page(ctx, browser, dict);
}

}  // namespace gatehouse::web
