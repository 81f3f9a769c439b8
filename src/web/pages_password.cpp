// Password change (logged in) and reset (by mailed link).
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"
#include "gatehouse/web/reauth.hpp"

namespace gatehouse::web {

http::Response password_change_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    if (auto ask = require_recent_login(ctx, req, browser)) return *ask;
    ctemplate::TemplateDictionary dict("password_change");
    if (req.method == "POST") {
        auto result = accounts::change_password(ctx.accounts, *browser.user(), form(req, "old_password"),
                                                form(req, "new_password1"), form(req, "new_password2"), std::nullopt);
        if (result) {
            // Every login ended with the change; this browser gets a fresh session and stays in.
            const auto session = accounts::start_session(ctx.accounts, *result, browser.session->remember, browser.client);
            auto response = redirect_with_flash(ctx, "/accounts/profile/", "Your password was changed.");
            set_session_cookie(response, session);
            return response;
        }
        show_field_errors(ctx, dict, result.error());
    }
    return browser_page(ctx, browser, 200, "Change your password", "accounts/password_change.html", dict);
}

http::Response password_reset_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    ctemplate::TemplateDictionary dict("password_reset");
    if (req.method == "POST") {
        auto requested = accounts::request_password_reset(ctx.accounts, form(req, "email"), browser.client);
        if (!requested) return refusal_page(ctx, browser, requested.error());
        dict.ShowSection("SENT");
    } else {
        dict.ShowSection("ASK");
    }
    return browser_page(ctx, browser, 200, "Reset your password", "accounts/password_reset.html", dict);
}

http::Response password_reset_confirm_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    const std::string token = req.path_params["token"];
    ctemplate::TemplateDictionary dict("password_reset_confirm");
    if (!accounts::check_reset_link(ctx.accounts, token)) {
        dict.ShowSection("INVALID");
        return browser_page(ctx, browser, 200, "Password reset", "accounts/password_reset_confirm.html", dict);
    }
    dict.ShowSection("VALID");
    if (req.method == "POST") {
        auto result = accounts::reset_password(ctx.accounts, token, form(req, "new_password1"), form(req, "new_password2"));
        if (result) {
            auto response = redirect_with_flash(ctx, "/accounts/login/",
                                                "Your password has been set. You may go ahead and log in now.");
            if (browser.user()) clear_session_cookie(response);
            return response;
        }
        show_field_errors(ctx, dict, result.error());
    }
    return browser_page(ctx, browser, 200, "Set a new password", "accounts/password_reset_confirm.html", dict);
}

}  // namespace gatehouse::web
