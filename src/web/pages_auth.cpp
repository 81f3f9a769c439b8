// Signup, login and logout pages.
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"

namespace gatehouse::web {

http::Response signup_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (browser.user()) return http::Response::redirect("/accounts/profile/");
    ctemplate::TemplateDictionary dict("signup");
    if (req.method == "POST") {
        accounts::SignupInput input;
        input.email = form(req, "email");
        input.name = form(req, "name");
        input.password1 = form(req, "password1");
        input.password2 = form(req, "password2");
        input.language = ctx.language;
        auto result = accounts::sign_up(ctx.accounts, input, browser.client);
        if (result) {
            auto response = redirect_with_flash(
                ctx, "/accounts/verify/",
                core::fill_blank(std::string(ctx.tr("Welcome! We sent a verification code and link to {email}.")),
                                 "{email}", *result->email));
            remember_pending_user(ctx, response, result->id);
            return response;
        }
        if (auto page = show_refusal(ctx, browser, dict, result.error())) return *page;
        dict.SetValue("EMAIL", input.email);
        dict.SetValue("NAME", input.name);
    }
    return browser_page(ctx, browser, 200, "Sign up", "accounts/signup.html", dict);
}

http::Response login_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    const std::string next = req.method == "POST" ? form(req, "next") : req.query_param("next").value_or("");
    ctemplate::TemplateDictionary dict("login");
    dict.SetValue("NEXT", safe_next(next, ""));
    if (req.method == "POST") {
        const std::string email = form(req, "email");
        const bool remember = !form(req, "remember").empty();
        dict.SetValue("EMAIL", email);
        if (remember) dict.SetValue("REMEMBER_CHECKED", "checked");
        auto in = accounts::log_in(ctx.accounts, {accounts::PasswordCredential{email, form(req, "password")},
                                                  accounts::LoginKind::Session, remember, browser.session_id, browser.client,
                                                  remembered_browser(req)});
        if (in) {
            auto response = http::Response::redirect(safe_next(next, "/accounts/profile/"));
            set_login_cookies(response, *in);
            forget_pending_user(response);
            return response;
        }
        const auto& refused = in.error();
        if (refused.outcome == accounts::Outcome::MfaRequired)  // no session yet: the code step
            return login_code_form(ctx, browser, refused.subject, safe_next(next, ""), remember);
        if (refused.outcome == accounts::Outcome::Unverified) {  // no session: the verify page instead
            ctemplate::TemplateDictionary verify("verify");
            verify.ShowSection("CAN_VERIFY");
            verify.SetValueAndShowSection("NOTICE", page_message(ctx, refused), "NOTICE_SECTION");
            auto response = verify_form(ctx, browser, verify);
            remember_pending_user(ctx, response, refused.user_id);
            return response;
        }
        if (auto page = show_refusal(ctx, browser, dict, refused)) return *page;
    }
    return browser_page(ctx, browser, 200, "Log in", "accounts/login.html", dict);
}

http::Response logout_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (req.method == "POST") {
        if (!browser.session_id.empty()) accounts::end_session(ctx.accounts, browser.session_id);
        auto response = redirect_with_flash(ctx, "/accounts/login/", "You have been logged out.");
        clear_login_cookies(response);
        return response;
    }
    ctemplate::TemplateDictionary dict("logout");
    return browser_page(ctx, browser, 200, "Log out", "accounts/logout.html", dict);
}

}  // namespace gatehouse::web
