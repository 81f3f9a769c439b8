// JSON API: one-time codes by email or SMS, and phone login.
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"

namespace gatehouse::web {
namespace {

http::Response code_sent(Context& ctx, const accounts::OtpSent& sent) {
    nlohmann::json body = {{"detail", "Code sent."}};
    if (ctx.config.expose_otp) body["code"] = sent.code;  // development only
    return http::Response::json(200, body);
}

http::Response code_refused(accounts::CodeCheck check) {
    if (check == accounts::CodeCheck::Expired)
        return api_detail(400, "The code has expired, was used, or was tried too many times.", "otp_expired");
    return api_detail(400, "The code is not valid.", "otp_invalid");
}

http::Response phone_code(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"phone"})) return *missing;
    auto sent = accounts::send_phone_login_code(ctx.accounts, api_field_or_empty(req, "phone"));
    if (sent) return code_sent(ctx, *sent);
    if (sent.error().failure == accounts::OtpFailure::BadNumber)
        return api_validation({{"phone", {"Enter a valid phone number in international format, e.g. +14155552671."}}});
    auto response = api_detail(406, "Too many codes were requested for this number. Try again later.", "otp_limit");
    response.set_header("Retry-After", std::to_string(std::max(sent.error().retry_after, 1)));
    return response;
}

}  // namespace

http::Response api_otp_send(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(req, {"channel"})) return *missing;
    const std::string channel = api_field_or_empty(req, "channel");
    if (channel != "email" && channel != "sms")
        return api_validation({{"channel", {"\"" + channel + "\" is not a valid choice."}}});
    auto sent = accounts::send_otp(ctx.accounts, principal->user, channel);
    if (sent) return code_sent(ctx, *sent);
    if (sent.error().failure == accounts::OtpFailure::Throttled) return api_throttled(sent.error().retry_after);
    return api_validation({{"channel", {channel == "sms" ? "This account has no phone number." : "This account has no email address."}}});
}

http::Response api_otp_verify(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(req, {"code"})) return *missing;
    const auto check = accounts::verify_otp(ctx.accounts, principal->user, api_field_or_empty(req, "code"));
    if (check != accounts::CodeCheck::Valid) return code_refused(check);
    return http::Response::json(200, {{"detail", "Code verified."}});
}

http::Response api_phone_login(Context& ctx, http::Request& req) { return phone_code(ctx, req); }
http::Response api_phone_resend(Context& ctx, http::Request& req) { return phone_code(ctx, req); }

http::Response api_phone_verify(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"phone", "code"})) return *missing;
    auto user = accounts::verify_phone_login(ctx.accounts, api_field_or_empty(req, "phone"), api_field_or_empty(req, "code"));
    if (!user) return code_refused(user.error());
    const auto pair = accounts::open_jwt_login(ctx.accounts, *user, api_client(req));
    return http::Response::json(200, {{"access", pair.access}, {"refresh", pair.refresh}, {"user", user_json(*user)}});
}

}  // namespace gatehouse::web
