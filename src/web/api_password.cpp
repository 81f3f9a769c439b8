// JSON API: password change, and reset by code (token → check-otp → confirm).
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"

namespace gatehouse::web {

http::Response api_password_change(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(req, {"old_password", "new_password"})) return *missing;
    const std::string new_password = api_field_or_empty(req, "new_password");
    auto result = accounts::change_password(ctx.accounts, principal->user, api_field_or_empty(req, "old_password"),
                                            new_password, new_password, principal->login_id);
    if (!result) {
        accounts::FieldErrors errors;
        for (auto& [field, messages] : result.error())
            for (auto& message : messages)
                errors[field.starts_with("new_password") ? "new_password" : field].push_back(message);
        return api_validation(errors);
    }
    return http::Response::json(200, {{"detail", "Password changed."}});
}

http::Response api_password_reset(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"email"})) return *missing;
    const std::string email = api_field_or_empty(req, "email");
    const auto decision = accounts::request_password_reset(ctx.accounts, email, api_client(req));
    if (!decision.allowed) return api_throttled(decision.retry_after);
    return http::Response::json(200, {{"token", accounts::api_reset_token(ctx.accounts, email)},
                                      {"detail", "If an account exists for this email, a code was sent to it."}});
}

http::Response api_password_reset_check(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"token", "otp"})) return *missing;
    switch (accounts::check_reset_code(ctx.accounts, api_field_or_empty(req, "token"), api_field_or_empty(req, "otp"))) {
        case accounts::ResetCodeCheck::Valid: return http::Response::json(200, {{"detail", "OTP is valid."}});
        case accounts::ResetCodeCheck::Invalid: return api_detail(400, "The code is not valid.", "otp_invalid");
        case accounts::ResetCodeCheck::Expired:
            return api_detail(400, "The code has expired or was tried too many times.", "otp_expired");
        case accounts::ResetCodeCheck::BadToken: break;
    }
    return api_detail(400, "The reset token is not valid.", "token_invalid");
}

http::Response api_password_reset_confirm(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"token", "new_password"})) return *missing;
    auto result = accounts::confirm_reset_by_code(ctx.accounts, api_field_or_empty(req, "token"),
                                                  api_field_or_empty(req, "new_password"));
    if (!result) return api_validation(result.error());
    switch (*result) {
        case accounts::ResetConfirm::Done: return http::Response::json(200, {{"detail", "Password has been reset."}});
        case accounts::ResetConfirm::NotChecked:
            return api_detail(400, "Check the code first (password/reset/check-otp/).", "otp_required");
        case accounts::ResetConfirm::BadToken: break;
    }
    return api_detail(400, "The reset token is not valid.", "token_invalid");
}

}  // namespace gatehouse::web
