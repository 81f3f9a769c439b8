// Email verification: by the 6-digit code (with a resend button) or by the link in the mail.
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/answers.hpp"
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
            auto sent = accounts::resend_verification(ctx.accounts, *user_id);
            if (!sent) return refusal_page(ctx, browser, sent.error());
            return redirect_with_flash(ctx, "/accounts/verify/", "We sent you a new code and link.", "info");
        }
        auto verified = accounts::verify_with_code(ctx.accounts, *user_id, form(req, "code"));
        if (verified || verified.error().outcome == accounts::Outcome::AlreadyVerified) {
            auto response = redirect_with_flash(ctx, browser.user() ? "/accounts/profile/" : "/accounts/login/",
                                                browser.user() ? core::N_("Your email address is verified.")
                                                               : core::N_("Your email address is verified. You can log in now."));
            forget_pending_user(response);
            return response;
        }
        if (auto page = show_refusal(ctx, browser, dict, verified.error())) return *page;
    }
    return verify_form(ctx, browser, dict);
}

http::Response verify_link_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    ctemplate::TemplateDictionary dict("verify_link");
    std::string message(ctx.tr("Thank you: your email address is verified. You can log in now."));
    int status = 200;
    auto verified = accounts::verify_with_link(ctx.accounts, req.path_params["token"]);
    if (!verified) {
        message = page_message(ctx, verified.error());
        status = answer_for(verified.error().outcome).page_status;
    }
    if (verified || verified.error().outcome == accounts::Outcome::AlreadyVerified) dict.ShowSection("VERIFIED");
    dict.SetValue("MESSAGE", message);
    return browser_page(ctx, browser, status, "Email verification", "accounts/verify_link.html", dict);
}

}  // namespace gatehouse::web
