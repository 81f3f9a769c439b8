// Email verification: by the 6-digit code (with a resend button) or by the link in the mail.
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/store/users.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"

namespace gatehouse::web {

http::Response verify_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    ctemplate::TemplateDictionary dict("verify");
    std::optional<std::int64_t> user_id;
    if (browser.user()) user_id = browser.user()->id;
    else user_id = pending_user(ctx, req);
    if (browser.user() && browser.user()->is_verified) {
        dict.SetValueAndShowSection("NOTICE", "Your email address is already verified.", "NOTICE_SECTION");
        return verify_form(ctx, browser, dict);
    }
    if (!user_id) {
        dict.SetValueAndShowSection("NOTICE", "Log in to verify your email address.", "NOTICE_SECTION");
        return verify_form(ctx, browser, dict);
    }
    dict.ShowSection("CAN_VERIFY");
    if (req.method == "POST") {
        if (!form(req, "resend").empty()) {
            auto user = store::UserStore(ctx.accounts.db).find_by_id(*user_id);
            if (!user) return redirect_to_login(req);
            const auto sent = accounts::send_verification(ctx.accounts, *user);
            if (!sent.allowed) return throttled_page(ctx, browser, sent.retry_after);
            return redirect_with_flash(ctx, "/accounts/verify/", "We sent you a new code and link.", "info");
        }
        switch (accounts::verify_with_code(ctx.accounts, *user_id, form(req, "code"))) {
            case accounts::VerifyOutcome::Verified:
            case accounts::VerifyOutcome::AlreadyVerified: {
                auto response = redirect_with_flash(ctx, browser.user() ? "/accounts/profile/" : "/accounts/login/",
                                                    browser.user() ? "Your email address is verified."
                                                                   : "Your email address is verified. You can log in now.");
                forget_pending_user(response);
                return response;
            }
            case accounts::VerifyOutcome::Invalid:
                show_field_errors(dict, {{"code", {"The code is not valid."}}});
                break;
            case accounts::VerifyOutcome::Expired:
                show_field_errors(dict, {{"code", {"The code has expired or was tried too many times. Ask for a new one."}}});
                break;
        }
    }
    return verify_form(ctx, browser, dict);
}

http::Response verify_link_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    ctemplate::TemplateDictionary dict("verify_link");
    std::string message;
    int status = 200;
    switch (accounts::verify_with_link(ctx.accounts, req.path_params["token"])) {
        case accounts::VerifyOutcome::Verified:
            message = "Thank you: your email address is verified. You can log in now.";
            dict.ShowSection("VERIFIED");
            break;
        case accounts::VerifyOutcome::AlreadyVerified:
            message = "This email address was already verified. You can log in.";
            dict.ShowSection("VERIFIED");
            break;
        case accounts::VerifyOutcome::Expired:
            message = "This verification link has expired. Log in to ask for a new code.";
            status = 400;
            break;
        case accounts::VerifyOutcome::Invalid:
            message = "This verification link is not valid.";
            status = 400;
            break;
    }
    dict.SetValue("MESSAGE", message);
    return browser_page(ctx, browser, status, "Email verification", "accounts/verify_link.html", dict);
}

}  // namespace gatehouse::web
