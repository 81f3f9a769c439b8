#include "gatehouse/accounts/api_logins.hpp"

#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/logins.hpp"

namespace gatehouse::accounts {
namespace {

constexpr std::size_t kApiTokenHexLength = 40;

std::string hash_hex(std::string_view secret) { return core::hex_encode(core::sha256(secret)); }

bool is_live(const Login& login, std::int64_t now) { return !login.revoked_at && login.expires_at > now; }

JwtClaims claims(Services& s, const char* type, std::int64_t user_id, std::int64_t sid, std::int64_t ttl, std::string jti) {
    const auto now = s.now();
    return {type, now + ttl, now, std::move(jti), user_id, sid};
}

TokenPair make_pair(Services& s, std::int64_t user_id, std::int64_t sid, const std::string& refresh_jti) {
    return {s.jwt.encode(claims(s, "access", user_id, sid, s.config.access_ttl, core::random_hex(16))),
            s.jwt.encode(claims(s, "refresh", user_id, sid, s.config.refresh_ttl, refresh_jti))};
}

// The live login and active user a decoded token belongs to.
std::optional<std::pair<Login, User>> owner(Services& s, const JwtClaims& c) {
    auto login = store::LoginStore(s.db).find(c.sid);
    if (!login || login->kind != "jwt" || login->user_id != c.user_id || !is_live(*login, s.now())) return std::nullopt;
    auto user = store::UserStore(s.db).find_by_id(c.user_id);
    if (!user || !user->is_active) return std::nullopt;
    return std::pair{std::move(*login), std::move(*user)};
}

}  // namespace

TokenPair open_jwt_login(Services& s, const User& user, const ClientInfo& client) {
    const std::string jti = core::random_hex(16);
    const auto login_id = open_login(s, {user.id, "jwt", hash_hex("jwt-family:" + core::random_hex(32)), client,
                                         s.config.refresh_ttl});
    store::LoginStore(s.db).set_current_jti(login_id, jti);
    return make_pair(s, user.id, login_id, jti);
}

std::expected<TokenPair, Refusal> rotate_refresh(Services& s, std::string_view refresh, const ClientInfo& client) {
    const auto c = s.jwt.decode(refresh, s.now());
    if (!c || c->token_type != "refresh") return std::unexpected(refuse(Outcome::RefreshInvalid));
    store::LoginStore logins(s.db);
    const auto now = s.now();
    std::optional<TokenPair> pair;
    bool reused = false;
    {
        store::Transaction tx(s.db);
        auto found = owner(s, *c);
        if (!found) return std::unexpected(refuse(Outcome::RefreshInvalid));
        auto& [login, user] = *found;
        if (login.current_jti && core::constant_time_equals(*login.current_jti, c->jti)) {
            const std::string next_jti = core::random_hex(16);
            if (logins.rotate(login.id, c->jti, next_jti, now, now + s.config.refresh_ttl, c->exp)) {
                logins.touch(login.id, now, client.ip);
                pair = make_pair(s, user.id, login.id, next_jti);
            }
        }
        // Not rotated now: a token rotated before (here or, a moment ago, by a concurrent request).
        if (!pair) {
            if (auto rotated = logins.blacklisted(c->jti); rotated && rotated->login_id == login.id) {
                if (now - rotated->rotated_at >= s.config.refresh_grace) {
                    logins.revoke(login.id, now);  // reuse of a rotated token: the family is presumed stolen
                    reused = true;
                }
            }
        }
        tx.commit();
    }
    if (pair) {
        if (s.metrics) s.metrics->count_token(core::TokenEvent::Refreshed);
        return *pair;
    }
    if (reused) {
        if (s.metrics) s.metrics->count_token(core::TokenEvent::RefreshReused);
        s.log.warning("refresh token reused: login " + std::to_string(c->sid) + " revoked");
        return std::unexpected(refuse(Outcome::RefreshReused));
    }
    return std::unexpected(refuse(Outcome::RefreshInvalid));
}

std::optional<ApiPrincipal> authenticate_access(Services& s, std::string_view access) {
    const auto c = s.jwt.decode(access, s.now());
    if (!c || c->token_type != "access") return std::nullopt;
    auto found = owner(s, *c);
    if (!found) return std::nullopt;
    return ApiPrincipal{std::move(found->second), found->first.id, "jwt"};
}

bool token_is_valid(Services& s, std::string_view token) {
    const auto c = s.jwt.decode(token, s.now());
    if (!c) return false;
    auto found = owner(s, *c);
    if (!found) return false;
    if (c->token_type == "refresh")
        return found->first.current_jti && core::constant_time_equals(*found->first.current_jti, c->jti);
    return true;
}

std::expected<void, Refusal> end_refresh_family(Services& s, const User& user, std::string_view refresh) {
    const auto c = s.jwt.decode(refresh, s.now());
    if (!c || c->token_type != "refresh" || c->user_id != user.id) return std::unexpected(refuse(Outcome::RefreshInvalid));
    store::LoginStore logins(s.db);
    auto login = logins.find(c->sid);
    if (!login || login->user_id != user.id || login->kind != "jwt" || !is_live(*login, s.now()))
        return std::unexpected(refuse(Outcome::RefreshInvalid));
    logins.blacklist(c->jti, login->id, s.now(), c->exp);
    revoke_login(s, *login);
    return {};
}

std::expected<void, Refusal> end_jwt_login(Services& s, const ApiPrincipal& principal) {
    store::LoginStore logins(s.db);
    auto login = logins.find(principal.login_id);
    if (principal.kind != "jwt" || !login || login->user_id != principal.user.id || login->kind != "jwt" ||
        !is_live(*login, s.now()))
        return std::unexpected(refuse(Outcome::RefreshInvalid));
    if (login->current_jti) logins.blacklist(*login->current_jti, login->id, s.now(), login->expires_at);
    revoke_login(s, *login);
    return {};
}

std::expected<void, Refusal> log_out_api(Services& s, const ApiPrincipal& principal, std::string_view refresh) {
    if (principal.kind == "jwt") return end_refresh_family(s, principal.user, refresh);
    if (auto login = store::LoginStore(s.db).find(principal.login_id)) revoke_login(s, *login);
    return {};
}

std::string open_token_login(Services& s, const User& user, const ClientInfo& client) {
    const std::string key = core::random_hex(kApiTokenHexLength / 2);
    // API tokens do not expire by themselves (as DRF's); they end with logout or revocation.
    open_login(s, {user.id, "token", hash_hex(key), client, 100LL * 365 * 86400});
    return key;
}

std::optional<ApiPrincipal> authenticate_token(Services& s, std::string_view key, Lookup lookup) {
    if (key.size() != kApiTokenHexLength || key.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        return std::nullopt;
    auto login = store::LoginStore(s.db).find_by_key(hash_hex(key));
    if (!login || login->kind != "token" || !is_live(*login, s.now())) return std::nullopt;
    auto user = store::UserStore(s.db).find_by_id(login->user_id);
    if (!user || !user->is_active) return std::nullopt;
    const auto now = s.now();
    if (lookup == Lookup::Use && now - login->last_seen_at >= 60) store::LoginStore(s.db).touch(login->id, now, login->ip);
    return ApiPrincipal{std::move(*user), login->id, "token"};
}

}  // namespace gatehouse::accounts
