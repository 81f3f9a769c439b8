#pragma once
// GATEHOUSE_JWT_COOKIE=1, as dj-rest-auth's JWT_AUTH_REFRESH_COOKIE with JWT_AUTH_HTTPONLY: a
// single-page app keeps its refresh token in the `refresh_token` cookie (HttpOnly, Secure,
// SameSite=Strict, Path=/api/auth/token/refresh/, Max-Age = GATEHOUSE_REFRESH_TTL) instead of in
// JavaScript. Answers that issue a pair then carry no `refresh` in their JSON, and a refresh that
// takes the token from the cookie must pass the CSRF check as a form does.
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

#include <optional>
#include <string>

namespace gatehouse::web {

inline constexpr const char* kRefreshCookie = "refresh_token";
inline constexpr const char* kRefreshCookiePath = "/api/auth/token/refresh/";

// The JSON answer of an endpoint that issues a pair: {"access", "refresh", "user"?}; with the cookie
// on, {"access", "csrf_token", "user"?} plus the refresh cookie, and a csrftoken cookie when the
// request had none (`csrf_token` is that secret masked, for an app on another origin that cannot
// read the cookie and must send it back as X-CSRFToken).
http::Response token_pair_answer(Context& ctx, const http::Request& request, const accounts::TokenPair& pair,
                                 const accounts::User* user = nullptr);

// The cookie's refresh token when the cookie is on, the body names none and the cookie is there.
std::optional<std::string> refresh_from_cookie(const Context& ctx, const http::Request& request);

// A Set-Cookie that makes the browser forget the refresh cookie.
void expire_refresh_cookie(http::Response& response);

}  // namespace gatehouse::web
