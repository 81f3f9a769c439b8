#include "gatehouse/web/pages.hpp"

#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/app.hpp"
#include "gatehouse/web/render.hpp"

namespace gatehouse::web {
namespace {
constexpr const char* kPendingCookie = "verify_pending";
constexpr int kPendingSeconds = 3600;
}  // namespace

std::string login_url(std::string_view target) {
    if (target.empty()) return "/accounts/login/";
    std::string next;
    for (unsigned char c : target) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.') next += static_cast<char>(c);
        else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            next += buf;
        }
    }
    return "/accounts/login/?next=" + next;
}

http::Response redirect_to_login(const http::Request& request) { return http::Response::redirect(login_url(request.path)); }

http::Response refusal_page(Context& ctx, Browser& browser, const accounts::Refusal& refusal) {
    const int status = answer_for(refusal.outcome).page_status;
    const std::string reason(http::reason_phrase(status));
    ctemplate::TemplateDictionary dict("refused");
    set_error(ctx, dict, status, page_message(ctx, refusal));
    auto response = browser_page(ctx, browser, status, status == 429 ? "Too many attempts" : reason, "errors/error.html", dict);
    if (refusal.retry_after > 0) response.set_header("Retry-After", std::to_string(refusal.retry_after));
    return response;
}

std::optional<http::Response> show_refusal(Context& ctx, Browser& browser, ctemplate::TemplateDictionary& dict,
                                           const accounts::Refusal& refusal) {
    if (refusal.outcome != accounts::Outcome::Invalid && !*answer_for(refusal.outcome).page_field)
        return refusal_page(ctx, browser, refusal);
    show_field_errors(ctx, dict, page_errors(ctx, refusal));
    return std::nullopt;
}

void remember_pending_user(Context& ctx, http::Response& response, std::int64_t user_id) {
    const std::string token = ctx.accounts.signer.make("pending-verify", user_id, kPendingSeconds, "");
    response.set_cookie(http::Cookie{kPendingCookie, token, kPendingSeconds, "/accounts/", true, true, "Lax"});
}

std::optional<std::int64_t> pending_user(Context& ctx, const http::Request& request) {
    auto token = request.cookie(kPendingCookie);
    if (!token) return std::nullopt;
    if (ctx.accounts.signer.verify(*token, "pending-verify", "") != accounts::TokenCheck::Valid) return std::nullopt;
    auto claims = ctx.accounts.signer.read(*token);
    if (!claims) return std::nullopt;
    return claims->user_id;
}

void forget_pending_user(http::Response& response) {
    auto cookie = http::Cookie::expired(kPendingCookie);
    cookie.path = "/accounts/";
    response.set_cookie(cookie);
}

std::string form(const http::Request& request, const char* field) { return request.form_field(field).value_or(""); }

http::Response verify_form(Context& ctx, Browser& browser, ctemplate::TemplateDictionary& dict, int status) {
    return browser_page(ctx, browser, status, "Verify your email", "accounts/verify.html", dict);
}

}  // namespace gatehouse::web
