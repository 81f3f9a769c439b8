// JSON API: one-time codes by email or SMS, and phone login.
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/refresh_cookie.hpp"

namespace gatehouse::web {
namespace {

http::Response code_sent(Context& ctx, const accounts::OtpSent& sent) {
    nlohmann::json body = {{"detail", ctx.tr("Code sent.")}};
    if (ctx.config.expose_otp) body["code"] = sent.code;  // development only
    return http::Response::json(200, body);
}

http::Response phone_code(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"phone"})) return *missing;
    auto sent = accounts::send_phone_login_code(ctx.accounts, api_field_or_empty(req, "phone"), ctx.language);
    if (!sent) return api_answer(ctx, sent.error());
    return code_sent(ctx, *sent);
}

}  // namespace

http::Response api_otp_send(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(ctx, req, {"channel"})) return *missing;
    const std::string channel = api_field_or_empty(req, "channel");
    if (channel != "email" && channel != "sms")
        return api_validation(ctx, {{"channel", {core::fill_blank(core::N_("\"{value}\" is not a valid choice."), "{value}", channel)}}});
    auto sent = accounts::send_otp(ctx.accounts, principal->user, channel);
    if (!sent) return api_answer(ctx, sent.error());
    return code_sent(ctx, *sent);
}

http::Response api_otp_verify(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(ctx, req, {"code"})) return *missing;
    auto verified = accounts::verify_otp(ctx.accounts, principal->user, api_field_or_empty(req, "code"));
    if (!verified) return api_answer(ctx, verified.error());
    return http::Response::json(200, {{"detail", ctx.tr("Code verified.")}});
}

http::Response api_phone_login(Context& ctx, http::Request& req) { return phone_code(ctx, req); }
http::Response api_phone_resend(Context& ctx, http::Request& req) { return phone_code(ctx, req); }

http::Response api_phone_verify(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"phone", "code"})) return *missing;
    auto in = accounts::log_in(ctx.accounts, {accounts::PhoneCodeCredential{api_field_or_empty(req, "phone"),
                                                                            api_field_or_empty(req, "code")},
                                              accounts::LoginKind::Jwt, false, {}, api_client(req), {}});
    if (!in) return api_answer(ctx, in.error());
    return token_pair_answer(ctx, req, in->tokens, &in->user);
}

}  // namespace gatehouse::web
