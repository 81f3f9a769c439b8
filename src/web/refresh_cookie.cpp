#include "gatehouse/web/refresh_cookie.hpp"

#include "gatehouse/accounts/csrf.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/browser.hpp"

namespace gatehouse::web {

http::Response token_pair_answer(Context& ctx, const http::Request& request, const accounts::TokenPair& pair,
                                 const accounts::User* user) {
    nlohmann::json body = {{"access", pair.access}};
    if (!ctx.config.jwt_cookie) body["refresh"] = pair.refresh;
    std::string fresh_secret;
    if (ctx.config.jwt_cookie) {
        auto secret = csrf_cookie_secret(request);
        if (!secret) secret = fresh_secret = accounts::new_csrf_secret();
        body["csrf_token"] = accounts::mask_csrf_secret(*secret);
    }
    if (user) body["user"] = user_json(*user, ctx.accounts.site_url());
    auto response = http::Response::json(200, body);
    if (ctx.config.jwt_cookie) {
        response.set_cookie(http::Cookie{kRefreshCookie, pair.refresh, ctx.config.refresh_ttl, kRefreshCookiePath,
                                         true, true, "Strict"});
        if (!fresh_secret.empty()) set_csrf_cookie(response, fresh_secret);
        response.set_header("Cache-Control", "no-store");
    }
    return response;
}

std::optional<std::string> refresh_from_cookie(const Context& ctx, const http::Request& request) {
    if (!ctx.config.jwt_cookie || !api_field_or_empty(request, "refresh").empty()) return std::nullopt;
    auto cookie = request.cookie(kRefreshCookie);
    if (!cookie || cookie->empty()) return std::nullopt;
    return cookie;
}

void expire_refresh_cookie(http::Response& response) {
    response.set_cookie(http::Cookie{kRefreshCookie, "", 0, kRefreshCookiePath, true, true, "Strict"});
}

}  // namespace gatehouse::web
