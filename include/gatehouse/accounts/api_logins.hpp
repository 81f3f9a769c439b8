#pragma once
// Logins of API clients: JWT refresh families (simplejwt with rotation and blacklist) and classic
// API tokens (DRF's authtoken, one per device, stored hashed). Both are rows of the logins table,
// so they show on the devices page and die with logout-all, password changes and revocation.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

struct ApiPrincipal {
    User user;
    std::int64_t login_id = 0;
    std::string kind;  // "jwt" or "token"
};

struct TokenPair {
    std::string access;
    std::string refresh;
};

// A new family (a device) with its first access and refresh tokens (log_in calls it; it checks nothing).
TokenPair open_jwt_login(Services& services, const User& user, const ClientInfo& client);

// Rotation: the presented refresh token is blacklisted and a new pair is issued. Presenting a
// blacklisted refresh token again ends its whole family (RefreshReused) — unless it was rotated less
// than GATEHOUSE_REFRESH_GRACE seconds ago, which is a plain RefreshInvalid.
std::expected<TokenPair, Refusal> rotate_refresh(Services& services, std::string_view refresh,
                                                         const ClientInfo& client);

// The user behind a Bearer access token whose login is live and whose user is active.
std::optional<ApiPrincipal> authenticate_access(Services& services, std::string_view access);
// /token/verify/: any of our tokens (access, or a refresh that is still current) that is valid now.
bool token_is_valid(Services& services, std::string_view token);

// Bearer logout: blacklists the refresh token and ends its family, when it is this user's
// (RefreshInvalid otherwise).
std::expected<void, Refusal> end_refresh_family(Services& services, const User& user, std::string_view refresh);
// /api/auth/logout/: a JWT caller ends the family of the refresh token it sends (end_refresh_family);
// a Token caller ends the login of its token.
std::expected<void, Refusal> log_out_api(Services& services, const ApiPrincipal& principal, std::string_view refresh);

// Bearer logout without a refresh token in hand (GATEHOUSE_JWT_COOKIE: it sits in a cookie the logout
// does not carry): the login (family) of the caller's own access token ends and its current refresh
// token is blacklisted. RefreshInvalid when the caller is not a live JWT login.
std::expected<void, Refusal> end_jwt_login(Services& services, const ApiPrincipal& principal);

// A new API token (40 hex) for this device; only its SHA-256 is stored (log_in calls it).
std::string open_token_login(Services& services, const User& user, const ClientInfo& client);
std::optional<ApiPrincipal> authenticate_token(Services& services, std::string_view key, Lookup lookup = Lookup::Use);

}  // namespace gatehouse::accounts
