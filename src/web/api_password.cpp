// JSON API: password change, and reset by code (token → check-otp → confirm).
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/reauth.hpp"

namespace gatehouse::web {

http::Response api_password_change(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto ask = require_recent_login(ctx, *principal)) return *ask;
    if (auto missing = require_fields(ctx, req, {"old_password", "new_password"})) return *missing;
    const std::string new_password = api_field_or_empty(req, "new_password");
    auto result = accounts::change_password(ctx.accounts, principal->user, api_field_or_empty(req, "old_password"),
                                            new_password, new_password, principal->login_id);
    if (!result) {
        accounts::FieldErrors errors;
        for (auto& [field, messages] : result.error())
            for (auto& message : messages)
                errors[field.starts_with("new_password") ? "new_password" : field].push_back(message);
        return api_validation(ctx, errors);
    }
    return http::Response::json(200, {{"detail", ctx.tr("Password changed.")}});
}

http::Response api_password_set(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto ask = require_recent_login(ctx, *principal)) return *ask;
    if (auto missing = require_fields(ctx, req, {"new_password"})) return *missing;
    const std::string new_password = api_field_or_empty(req, "new_password");
    auto result = accounts::set_first_password(ctx.accounts, principal->user, new_password, new_password, api_client(req));
    if (!result) {
        auto refused = result.error();
        accounts::FieldErrors errors;
        for (auto& [field, messages] : refused.errors)
            for (auto& message : messages) errors[field.starts_with("new_password") ? "new_password" : field].push_back(message);
        refused.errors = std::move(errors);
        return api_answer(ctx, refused);
    }
    return http::Response::json(200, {{"detail", ctx.tr("Password set.")}});
}

http::Response api_password_reset(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"email"})) return *missing;
    const std::string email = api_field_or_empty(req, "email");
    auto requested = accounts::request_password_reset(ctx.accounts, email, api_client(req));
    if (!requested) return api_answer(ctx, requested.error());
    return http::Response::json(200, {{"token", accounts::api_reset_token(ctx.accounts, email)},
                                      {"detail", ctx.tr("If an account exists for this email, a code was sent to it.")}});
}

http::Response api_password_reset_check(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"token", "otp"})) return *missing;
    auto checked = accounts::check_reset_code(ctx.accounts, api_field_or_empty(req, "token"), api_field_or_empty(req, "otp"));
    if (!checked) return api_answer(ctx, checked.error());
    return http::Response::json(200, {{"detail", ctx.tr("OTP is valid.")}});
}

http::Response api_password_reset_confirm(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"token", "new_password"})) return *missing;
    auto done = accounts::confirm_reset_by_code(ctx.accounts, api_field_or_empty(req, "token"),
                                                api_field_or_empty(req, "new_password"));
    if (!done) return api_answer(ctx, done.error());
    return http::Response::json(200, {{"detail", ctx.tr("Password has been reset.")}});
}

}  // namespace gatehouse::web
