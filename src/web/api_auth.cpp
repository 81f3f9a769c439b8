// JSON API: registration, JWT obtain/refresh/verify, API token login, logout, email verification.
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/devices.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/store/logins.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"

namespace gatehouse::web {
namespace {

http::Response refresh_not_valid() {
    auto response = api_detail(401, "Token is invalid or expired", "token_not_valid");
    response.set_header("WWW-Authenticate", "Bearer realm=\"api\"");
    return response;
}

// The result of a password login, or the answer that refuses it.
std::expected<store::User, http::Response> password_login(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"email", "password"})) return std::unexpected(*missing);
    const auto result = accounts::authenticate(ctx.accounts, api_field_or_empty(req, "email"),
                                               api_field_or_empty(req, "password"), api_client(req));
    switch (result.outcome) {
        case accounts::LoginOutcome::Ok: return *result.user;
        case accounts::LoginOutcome::Unverified:
            return std::unexpected(api_detail(403, "Your email address is not verified.", "not_verified"));
        case accounts::LoginOutcome::Throttled: return std::unexpected(api_throttled(result.retry_after));
        case accounts::LoginOutcome::BadCredentials: break;
    }
    auto response = api_detail(401, "No active account found with the given credentials", "no_active_account");
    response.set_header("WWW-Authenticate", "Bearer realm=\"api\"");
    return std::unexpected(std::move(response));
}

}  // namespace

http::Response api_register(Context& ctx, http::Request& req) {
    auto result = accounts::sign_up(ctx.accounts, api_signup_input(req), api_client(req));
    if (result) return http::Response::json(201, user_json(*result));
    if (result.error().retry_after > 0) return api_throttled(result.error().retry_after);
    return api_validation(api_signup_errors(result.error().errors));
}

http::Response api_token_obtain(Context& ctx, http::Request& req) {
    auto user = password_login(ctx, req);
    if (!user) return user.error();
    const auto pair = accounts::open_jwt_login(ctx.accounts, *user, api_client(req));
    return http::Response::json(200, {{"access", pair.access}, {"refresh", pair.refresh}, {"user", user_json(*user)}});
}

http::Response api_token_refresh(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"refresh"})) return *missing;
    auto pair = accounts::rotate_refresh(ctx.accounts, api_field_or_empty(req, "refresh"), api_client(req));
    if (!pair) return refresh_not_valid();
    return http::Response::json(200, {{"access", pair->access}, {"refresh", pair->refresh}});
}

http::Response api_token_verify(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"token"})) return *missing;
    if (!accounts::token_is_valid(ctx.accounts, api_field_or_empty(req, "token"))) return refresh_not_valid();
    return http::Response::json(200, nlohmann::json::object());
}

http::Response api_login(Context& ctx, http::Request& req) {
    auto user = password_login(ctx, req);
    if (!user) return user.error();
    const std::string token = accounts::open_token_login(ctx.accounts, *user, api_client(req));
    return http::Response::json(200, {{"token", token}, {"user_id", user->id}, {"email", user->email.value_or("")}});
}

http::Response api_logout(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (principal->kind == "jwt") {
        if (auto missing = require_fields(req, {"refresh"})) return *missing;
        if (accounts::end_refresh_family(ctx.accounts, principal->user, api_field_or_empty(req, "refresh")) !=
            accounts::RefreshLogout::Done)
            return refresh_not_valid();
    } else if (auto login = store::LoginStore(ctx.accounts.db).find(principal->login_id)) {
        accounts::revoke_login(ctx.accounts, *login);
    }
    return http::Response::json(200, {{"detail", "Logged out."}});
}

http::Response api_logout_all(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    accounts::revoke_all_logins(ctx.accounts, principal->user.id);
    return http::Response::json(200, {{"detail", "Logged out of every device."}});
}

http::Response api_verify_email(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"token"})) return *missing;
    switch (accounts::verify_with_link(ctx.accounts, api_field_or_empty(req, "token"))) {
        case accounts::VerifyOutcome::Verified: return http::Response::json(200, {{"detail", "Email verified."}});
        case accounts::VerifyOutcome::AlreadyVerified:
            return api_detail(400, "This email address is already verified.", "already_verified");
        case accounts::VerifyOutcome::Expired: return api_detail(400, "This link has expired.", "token_expired");
        case accounts::VerifyOutcome::Invalid: break;
    }
    return api_detail(400, "This link is not valid.", "token_invalid");
}

http::Response api_verify_email_resend(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(req, {"email"})) return *missing;
    if (auto email = accounts::normalize_email(api_field_or_empty(req, "email")))
        if (auto user = store::UserStore(ctx.accounts.db).find_by_email(*email); user && !user->is_verified && user->is_active)
            accounts::send_verification(ctx.accounts, *user);  // throttled quietly: the answer never tells
    return http::Response::json(200, {{"detail", "If that account exists and is not verified, a new mail is on its way."}});
}

}  // namespace gatehouse::web
