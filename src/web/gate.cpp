// The auth_request gate for the host's other applications (README: Protecting other applications).
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/browser.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"

namespace gatehouse::web {

// Who sent the request — the session cookie's user, or the Authorization header's (Bearer or
// Token) — as headers, with no body: 200 with X-Gatehouse-User-Id, -Email and -Staff; 401 for nobody
// (X-Gatehouse-Login then names the login page, with the X-Original-URI nginx passed as ?next=);
// 403 with ?staff=1 for a user who is not staff (or staff without a second factor while
// GATEHOUSE_STAFF_REQUIRE_MFA=1). It only looks: no cookie, no write, no hashing.
http::Response auth_check(Context& ctx, http::Request& req) {
    std::optional<accounts::User> user;
    if (!req.header("authorization").empty()) {
        if (auto principal = api_authenticate(ctx, req, accounts::Lookup::Peek)) user = std::move(principal->user);
    } else if (auto session = peek_session(ctx, req)) {
        user = std::move(session->user);
    }
    http::Response response;
    response.set_header("Cache-Control", "no-store");
    if (!user) {
        response.status = 401;
        response.set_header("X-Gatehouse-Login", login_url(safe_next(req.header("x-original-uri"), "")));
        return response;
    }
    if (req.query_param("staff").value_or("") == "1" && accounts::staff_refusal(ctx.accounts, *user)) {
        response.status = 403;
        return response;
    }
    response.status = 200;
    response.set_header("X-Gatehouse-User-Id", std::to_string(user->id));
    response.set_header("X-Gatehouse-Email", user->email.value_or(""));
    response.set_header("X-Gatehouse-Staff", user->is_staff ? "true" : "false");
    return response;
}

}  // namespace gatehouse::web
