// JSON API: registration, JWT obtain/refresh/verify, API token login, logout, email verification.
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/browser.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/refresh_cookie.hpp"

namespace gatehouse::web {
namespace {

// A login's refusal; MfaRequired carries the token of the second step (README: *Two-factor
// authentication*): 401 {"detail", "code": "mfa_required", "mfa_token"}.
http::Response login_refused(const Context& ctx, const accounts::Refusal& refused) {
    auto response = api_answer(ctx, refused);
    if (refused.outcome == accounts::Outcome::MfaRequired) {
        auto body = nlohmann::json::parse(response.body);
        body["mfa_token"] = refused.subject;
        response.body = body.dump();
        response.set_header("Cache-Control", "no-store");
    }
    return response;
}

// A password login of this kind, or the answer that refuses it.
std::expected<accounts::LoggedIn, http::Response> password_login(Context& ctx, http::Request& req, accounts::LoginKind kind) {
    if (auto missing = require_fields(ctx, req, {"email", "password"})) return std::unexpected(*missing);
    auto in = accounts::log_in(ctx.accounts, {accounts::PasswordCredential{api_field_or_empty(req, "email"),
                                                                           api_field_or_empty(req, "password")},
                                              kind, false, {}, api_client(req), {}});
    if (!in) return std::unexpected(login_refused(ctx, in.error()));
    return *in;
}

// What /api/auth/login/ answers for a login.
http::Response api_token_answer(const accounts::LoggedIn& in) {
    return http::Response::json(200, {{"token", in.api_token}, {"user_id", in.user.id}, {"email", in.user.email.value_or("")}});
}

}  // namespace

http::Response api_register(Context& ctx, http::Request& req) {
    auto input = api_signup_input(req);
    input.language = ctx.language;
    auto result = accounts::sign_up(ctx.accounts, input, api_client(req));
    if (result) return http::Response::json(201, user_json(*result, ctx.accounts.site_url()));
    auto refused = result.error();
    refused.errors = api_signup_errors(std::move(refused.errors));
    return api_answer(ctx, refused);
}

http::Response api_token_obtain(Context& ctx, http::Request& req) {
    auto in = password_login(ctx, req, accounts::LoginKind::Jwt);
    if (!in) return in.error();
    return token_pair_answer(ctx, req, in->tokens, &in->user);
}

http::Response api_token_refresh(Context& ctx, http::Request& req) {
    const auto cookie = refresh_from_cookie(ctx, req);
    if (cookie) {
        // A cookie rides along with any request the browser makes: the CSRF check of the forms.
        if (auto refused = csrf_refusal(req, ctx.config.cors_origins)) {
            ctx.log.warning("csrf refused: " + refused->substr(0, refused->find('.')));
            return api_detail(403, core::fill_blank(std::string(ctx.tr("CSRF Failed: {reason}")), "{reason}", ctx.tr(*refused)),
                              "permission_denied");
        }
    } else if (auto missing = require_fields(ctx, req, {"refresh"})) {
        return *missing;
    }
    auto pair = accounts::rotate_refresh(ctx.accounts, cookie.value_or(api_field_or_empty(req, "refresh")), api_client(req));
    if (!pair) {
        auto refused = api_answer(ctx, pair.error());
        if (cookie) expire_refresh_cookie(refused);  // a dead token is of no use to keep
        return refused;
    }
    return token_pair_answer(ctx, req, *pair);
}

http::Response api_token_verify(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"token"})) return *missing;
    if (!accounts::token_is_valid(ctx.accounts, api_field_or_empty(req, "token")))
        return api_answer(ctx, accounts::Outcome::RefreshInvalid);
    return http::Response::json(200, nlohmann::json::object());
}

http::Response api_login(Context& ctx, http::Request& req) {
    auto in = password_login(ctx, req, accounts::LoginKind::Token);
    if (!in) return in.error();
    return api_token_answer(*in);
}

// The second step of /api/auth/token/ or /api/auth/login/: the answer that endpoint would have given.
http::Response api_mfa_verify(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"mfa_token", "code"})) return *missing;
    const std::string token = api_field_or_empty(req, "mfa_token");
    accounts::LoginKind kind;
    if (token.starts_with("jwt.")) kind = accounts::LoginKind::Jwt;
    else if (token.starts_with("token.")) kind = accounts::LoginKind::Token;
    else return api_answer(ctx, accounts::Outcome::MfaTokenInvalid);
    auto in = accounts::complete_mfa_login(ctx.accounts, {token, api_field_or_empty(req, "code"), kind, false, {}, api_client(req)});
    if (!in) return api_answer(ctx, in.error());
    if (kind == accounts::LoginKind::Jwt) return token_pair_answer(ctx, req, in->tokens, &in->user);
    return api_token_answer(*in);
}

http::Response api_logout(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    // With the refresh cookie, which is scoped to the refresh path and so never reaches this one, a
    // Bearer caller sends no refresh token: its access token's own login ends.
    const bool by_access = ctx.config.jwt_cookie && principal->kind == "jwt" && api_field_or_empty(req, "refresh").empty();
    if (principal->kind == "jwt" && !by_access)
        if (auto missing = require_fields(ctx, req, {"refresh"})) return *missing;
    auto done = by_access ? accounts::end_jwt_login(ctx.accounts, *principal)
                          : accounts::log_out_api(ctx.accounts, *principal, api_field_or_empty(req, "refresh"));
    if (!done) return api_answer(ctx, done.error());
    auto response = http::Response::json(200, {{"detail", ctx.tr("Logged out.")}});
    if (ctx.config.jwt_cookie) expire_refresh_cookie(response);
    return response;
}

http::Response api_logout_all(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    accounts::revoke_all_logins(ctx.accounts, principal->user.id);
    return http::Response::json(200, {{"detail", ctx.tr("Logged out of every device.")}});
}

http::Response api_verify_email(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"token"})) return *missing;
    auto verified = accounts::verify_with_link(ctx.accounts, api_field_or_empty(req, "token"));
    if (!verified) return api_answer(ctx, verified.error());
    return http::Response::json(200, {{"detail", ctx.tr("Email verified.")}});
}

http::Response api_verify_email_resend(Context& ctx, http::Request& req) {
    if (auto missing = require_fields(ctx, req, {"email"})) return *missing;
    accounts::resend_verification_to(ctx.accounts, api_field_or_empty(req, "email"));
    return http::Response::json(200, {{"detail", ctx.tr("If that account exists and is not verified, a new mail is on its way.")}});
}

}  // namespace gatehouse::web
