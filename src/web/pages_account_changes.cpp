// Email change (request, confirm by code or link, undo from the old address) and a first password
// for users who have none (phone login).
#include "gatehouse/accounts/email_change.hpp"
#include "gatehouse/accounts/reauth.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"
#include "gatehouse/web/reauth.hpp"

namespace gatehouse::web {

http::Response email_change_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    if (auto ask = require_recent_login(ctx, req, browser)) return *ask;
    const auto& user = *browser.user();
    ctemplate::TemplateDictionary dict("email_change");
    if (req.method == "POST") {
        if (!form(req, "cancel").empty()) {
            accounts::cancel_email_change(ctx.accounts, user);
            return redirect_with_flash(ctx, "/accounts/email/", "The email change was cancelled.");
        }
        if (!form(req, "confirm").empty()) {
            auto changed = accounts::confirm_email_change(ctx.accounts, user, form(req, "code"), browser.client);
            if (changed)
                return redirect_with_flash(ctx, "/accounts/profile/",
                                           core::fill_blank(std::string(ctx.tr("Your email address is now {email}.")),
                                                            "{email}", *changed->email));
            if (auto page = show_refusal(ctx, browser, dict, changed.error())) return *page;
        } else {
            const std::string email = form(req, "email");
            auto pending = accounts::request_email_change(ctx.accounts, user, email, browser.client);
            if (pending)
                return redirect_with_flash(ctx, "/accounts/email/",
                                           core::fill_blank(std::string(ctx.tr("We sent a code and a link to {email}. Confirm it to make the change.")),
                                                            "{email}", pending->email));
            if (auto page = show_refusal(ctx, browser, dict, pending.error())) return *page;
            dict.SetValue("NEW_EMAIL", email);
        }
    }
    dict.SetValue("EMAIL", user.email.value_or(""));
    dict.ShowSection(user.email ? "HAS_EMAIL" : "NO_EMAIL");
    if (auto pending = accounts::pending_email(ctx.accounts, user)) dict.SetValueAndShowSection("PENDING", pending->email, "PENDING_SECTION");
    return browser_page(ctx, browser, 200, "Change your email", "accounts/email_change.html", dict);
}

http::Response email_confirm_link_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    ctemplate::TemplateDictionary dict("email_confirm");
    auto changed = accounts::confirm_email_change_link(ctx.accounts, req.path_params["token"], browser.client);
    if (!changed) return refusal_page(ctx, browser, changed.error());
    dict.SetValue("MESSAGE", core::fill_blank(std::string(ctx.tr("Your email address is now {email}.")), "{email}", *changed->email));
    dict.ShowSection("VERIFIED");
    return browser_page(ctx, browser, 200, "Email changed", "accounts/verify_link.html", dict);
}

http::Response email_undo_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    const std::string token = req.path_params["token"];
    ctemplate::TemplateDictionary dict("email_undo");
    if (req.method == "POST") {
        auto undone = accounts::undo_email_change(ctx.accounts, token, browser.client);
        if (!undone) return refusal_page(ctx, browser, undone.error());
        auto response = redirect_with_flash(
            ctx, "/accounts/login/",
            core::fill_blank(std::string(ctx.tr("The change was undone: {email} signs in again, and the account was logged out "
                                                "everywhere. Reset the password if you did not make the change.")),
                             "{email}", undone->old_email));
        clear_login_cookies(response);
        return response;
    }
    auto change = accounts::check_undo_link(ctx.accounts, token);
    if (!change) return refusal_page(ctx, browser, accounts::refuse(accounts::Outcome::UndoLinkInvalid));
    dict.SetValue("OLD_EMAIL", change->old_email);
    dict.SetValue("NEW_EMAIL", change->new_email);
    dict.SetValue("TOKEN", token);
    return browser_page(ctx, browser, 200, "Undo the email change", "accounts/email_undo.html", dict);
}

http::Response password_set_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    if (accounts::has_usable_password(*browser.user())) return http::Response::redirect("/accounts/password/change/");
    if (auto ask = require_recent_login(ctx, req, browser)) return *ask;
    ctemplate::TemplateDictionary dict("password_set");
    if (req.method == "POST") {
        auto result = accounts::set_first_password(ctx.accounts, *browser.user(), form(req, "new_password1"),
                                                   form(req, "new_password2"), browser.client);
        if (result) {
            // The session's password fingerprint changed with it: this browser gets a fresh session.
            const auto session = accounts::start_session(ctx.accounts, *result, browser.session->remember, browser.client);
            auto response = redirect_with_flash(ctx, "/accounts/profile/", "Your password was set.");
            set_session_cookie(response, session);
            return response;
        }
        if (auto page = show_refusal(ctx, browser, dict, result.error())) return *page;
    }
    return browser_page(ctx, browser, 200, "Set a password", "accounts/password_set.html", dict);
}

}  // namespace gatehouse::web
