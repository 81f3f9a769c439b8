// JSON API: the second factor of the caller (README: *Two-factor authentication*) — its status, a TOTP
// set-up and its confirmation, new recovery codes, turning it off. The login's second step is
// /api/auth/mfa/verify/ (api_auth.cpp). The rules are accounts/mfa.hpp's; here: parse, call, render.
#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/qr.hpp"
#include "gatehouse/web/reauth.hpp"

namespace gatehouse::web {
namespace {

http::Response no_store(http::Response response) {
    response.set_header("Cache-Control", "no-store");
    return response;
}

accounts::MfaProof proof_of(const http::Request& req) {
    return {api_field_or_empty(req, "password"), api_field_or_empty(req, "code")};
}

}  // namespace

http::Response api_mfa(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    const auto status = accounts::mfa_status(ctx.accounts, principal->user);
    return no_store(http::Response::json(200, {{"totp", status.enabled},
                                               {"pending", status.pending},
                                               {"recovery_codes_left", status.recovery_codes_left}}));
}

http::Response api_mfa_totp(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto ask = require_recent_login(ctx, *principal)) return *ask;  // changing the second factor
    auto setup = accounts::begin_totp(ctx.accounts, principal->user);
    if (!setup) return api_answer(ctx, setup.error());
    return no_store(http::Response::json(200, {{"secret", setup->secret},
                                               {"otpauth_uri", setup->uri},
                                               {"qr_svg", qr_svg(ctx, setup->uri)},
                                               {"expires_in", setup->expires_in}}));
}

http::Response api_mfa_totp_confirm(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(ctx, req, {"code"})) return *missing;
    auto codes = accounts::confirm_totp(ctx.accounts, principal->user, api_field_or_empty(req, "code"), req.remote_addr);
    if (!codes) return api_answer(ctx, codes.error());
    return no_store(http::Response::json(200, {{"detail", ctx.tr("Two-factor authentication is on.")}, {"recovery_codes", *codes}}));
}

http::Response api_mfa_totp_disable(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto ask = require_recent_login(ctx, *principal)) return *ask;  // changing the second factor
    auto done = accounts::disable_totp(ctx.accounts, principal->user, proof_of(req), req.remote_addr);
    if (!done) return api_answer(ctx, done.error());
    return http::Response::json(200, {{"detail", ctx.tr("Two-factor authentication is off.")}});
}

http::Response api_mfa_recovery_codes(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto ask = require_recent_login(ctx, *principal)) return *ask;  // changing the second factor
    auto codes = accounts::regenerate_recovery_codes(ctx.accounts, principal->user, proof_of(req), req.remote_addr);
    if (!codes) return api_answer(ctx, codes.error());
    return no_store(http::Response::json(200, {{"detail", ctx.tr("New recovery codes; the earlier ones no longer work.")},
                                               {"recovery_codes", *codes}}));
}

}  // namespace gatehouse::web
