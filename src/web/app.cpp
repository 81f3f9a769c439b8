#include "gatehouse/web/app.hpp"

#include "gatehouse/core/errors.hpp"
#include "gatehouse/http/router.hpp"
#include "gatehouse/web/cors.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/language.hpp"
#include "gatehouse/web/render.hpp"

namespace gatehouse::web {
namespace {

struct Route {
    std::vector<std::string> methods;
    const char* pattern;
    Handler handler;
};

// The whole site, in one table a reader can scan.
const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        {{"GET"}, "/", home_page},
        {{"POST"}, "/i18n/setlang/", set_language_page},
        {{"GET", "POST"}, "/accounts/signup/", signup_page},
        {{"GET", "POST"}, "/accounts/login/", login_page},
        {{"GET", "POST"}, "/accounts/logout/", logout_page},
        {{"GET", "POST"}, "/accounts/password/change/", password_change_page},
        {{"GET", "POST"}, "/accounts/password/reset/", password_reset_page},
        {{"GET", "POST"}, "/accounts/password/reset/<token>/", password_reset_confirm_page},
        {{"GET", "POST"}, "/accounts/verify/", verify_page},
        {{"GET"}, "/accounts/verify/<token>/", verify_link_page},
        {{"GET", "POST"}, "/accounts/profile/", profile_page},
        {{"GET", "POST"}, "/accounts/devices/", devices_page},
        {{"GET", "POST"}, "/admin/users/", admin_users_page},
        {{"GET", "POST"}, "/accounts/2fa/", mfa_page},
        {{"GET", "POST"}, "/accounts/login/2fa/", login_mfa_page},
        {{"POST"}, "/api/auth/register/", api_register},
        {{"POST"}, "/api/auth/token/", api_token_obtain},
        {{"POST"}, "/api/auth/token/refresh/", api_token_refresh},
        {{"POST"}, "/api/auth/token/verify/", api_token_verify},
        {{"POST"}, "/api/auth/login/", api_login},
        {{"POST"}, "/api/auth/logout/", api_logout},
        {{"POST"}, "/api/auth/logout/all/", api_logout_all},
        {{"POST"}, "/api/auth/verify-email/", api_verify_email},
        {{"POST"}, "/api/auth/verify-email/resend/", api_verify_email_resend},
        {{"POST"}, "/api/auth/otp/send/", api_otp_send},
        {{"POST"}, "/api/auth/otp/verify/", api_otp_verify},
        {{"POST"}, "/api/auth/phone/login/", api_phone_login},
        {{"POST"}, "/api/auth/phone/verify/", api_phone_verify},
        {{"POST"}, "/api/auth/phone/resend/", api_phone_resend},
        {{"POST"}, "/api/auth/password/change/", api_password_change},
        {{"POST"}, "/api/auth/password/reset/", api_password_reset},
        {{"POST"}, "/api/auth/password/reset/check-otp/", api_password_reset_check},
        {{"POST"}, "/api/auth/password/reset/confirm/", api_password_reset_confirm},
        {{"GET"}, "/api/auth/mfa/", api_mfa},
        {{"POST"}, "/api/auth/mfa/verify/", api_mfa_verify},
        {{"POST"}, "/api/auth/mfa/totp/", api_mfa_totp},
        {{"POST"}, "/api/auth/mfa/totp/confirm/", api_mfa_totp_confirm},
        {{"POST"}, "/api/auth/mfa/totp/disable/", api_mfa_totp_disable},
        {{"POST"}, "/api/auth/mfa/recovery-codes/", api_mfa_recovery_codes},
        {{"GET", "PATCH", "DELETE"}, "/api/me/", api_me},
        {{"GET"}, "/api/me/devices/", api_my_devices},
        {{"DELETE"}, "/api/me/devices/<int:id>/", api_my_device},
        {{"GET", "POST"}, "/api/users/", api_users},
        {{"GET", "PATCH", "DELETE"}, "/api/users/<int:id>/", api_user},
        {{"GET"}, "/api/schema/", api_schema},
        // issue 13: re-authentication, email change, a first password
        {{"GET", "POST"}, "/accounts/reauthenticate/", reauthenticate_page},
        {{"GET", "POST"}, "/accounts/email/", email_change_page},
        {{"GET"}, "/accounts/email/confirm/<token>/", email_confirm_link_page},
        {{"GET", "POST"}, "/accounts/email/undo/<token>/", email_undo_page},
        {{"GET", "POST"}, "/accounts/password/set/", password_set_page},
        {{"POST"}, "/api/auth/reauthenticate/", api_reauthenticate},
        {{"POST"}, "/api/auth/password/set/", api_password_set},
        {{"POST"}, "/api/me/email/confirm/", api_my_email_confirm},
        {{"GET"}, "/auth/check", auth_check},
        {{"GET"}, "/healthz", healthz},
        {{"GET"}, "/status", worker_status},
        {{"GET"}, "/metrics", metrics},
        {{"GET"}, "/__test__/sleep", test_sleep},
    };
    return table;
}

const http::Router& router() {
    static const http::Router r = [] {
        http::Router built;
        const auto& table = routes();
        for (std::size_t i = 0; i < table.size(); ++i) built.add(table[i].methods, table[i].pattern, static_cast<int>(i));
        return built;
    }();
    return r;
}

Outcome route_request(Context& ctx, http::Request& request);

}  // namespace

http::Response error_response(const Context& ctx, bool api, int status, const std::string& detail,
                              const std::string& code) {
    http::Response response;
    if (api) {
        response = http::Response::json(status, {{"detail", ctx.catalog().translate_filled(detail)}, {"code", code}});
    } else {
        ctemplate::TemplateDictionary dict("error");
        set_error(ctx, dict, status, ctx.catalog().translate_filled(detail));
        response = render_page(ctx, status, std::string(http::reason_phrase(status)), "errors/error.html", dict);
    }
    if (status == 503 || status == 429) response.set_header("Retry-After", "5");
    return response;
}

Outcome handle_request(Context& ctx, http::Request& request) {
    const auto& translations = ctx.templates.translations();
    ctx.language = stated_language(translations, request);
    ctx.language_stated = !ctx.language.empty();
    if (!ctx.language_stated) ctx.language = translations.has(ctx.config.language) ? ctx.config.language : "en";
    if (is_cors_preflight(ctx.config, request)) {
        // OPTIONS is no route's method: a routed path answers MethodNotAllowed with all of its methods.
        const auto match = router().match("OPTIONS", request.path);
        if (match.kind == http::RouteMatch::Kind::MethodNotAllowed)
            return {cors_preflight(ctx.config, request, match.allowed), "-"};
    }
    auto outcome = route_request(ctx, request);
    add_cors_headers(ctx.config, request, outcome.response);
    return outcome;
}

namespace {

std::string unsupported_media_type(const std::string& type) {
    return core::fill_blank(core::N_("Unsupported media type \"{type}\" in request."), "{type}", type);
}

Outcome route_request(Context& ctx, http::Request& request) {
    const bool api = request.is_api();
    const auto match = router().match(request.method, request.path);
    switch (match.kind) {
        case http::RouteMatch::Kind::NotFound:
            return {error_response(ctx, api, 404, "Not found.", "not_found"), "-"};
        case http::RouteMatch::Kind::AddSlash: {
            std::string location = request.path + "/";
            if (!request.query_string.empty()) location += "?" + request.query_string;
            return {http::Response::redirect(location, 301), "-"};
        }
        case http::RouteMatch::Kind::MethodNotAllowed: {
            const auto detail = core::fill_blank(core::N_("Method \"{method}\" not allowed."), "{method}", request.method);
            auto response = error_response(ctx, api, 405, detail, "method_not_allowed");
            response.set_header("Allow", match.allowed);
            return {std::move(response), "-"};
        }
        case http::RouteMatch::Kind::Found:
            break;
    }
    const auto& route = routes()[static_cast<std::size_t>(match.route)];
    const int id = match.route;
    request.path_params = match.params;
    if (api && !request.body.empty() && !request.json && request.content_type != "application/x-www-form-urlencoded" &&
        request.content_type != "multipart/form-data")
        return {error_response(ctx, true, 415, unsupported_media_type(request.content_type), "unsupported_media_type"),
                route.pattern, id};
    try {
        return {route.handler(ctx, request), route.pattern, id};
    } catch (const core::Unavailable& e) {
        ctx.log.error(std::string("unavailable: ") + e.what());
        if (ctx.metrics) ctx.metrics->count_unavailable(e.backend);
        return {error_response(ctx, api, 503,
                               "The service is temporarily unavailable. Please try again in a few seconds.",
                               "service_unavailable"),
                route.pattern, id};
    } catch (const std::exception& e) {
        ctx.log.error(std::string("unexpected error in ") + route.pattern + ": " + e.what());
        return {error_response(ctx, api, 500, "Something went wrong on our side.", "server_error"), route.pattern, id};
    }
}

}  // namespace

std::vector<std::pair<std::string, std::vector<std::string>>> route_table() {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& r : routes()) out.emplace_back(r.pattern, r.methods);
    return out;
}

}  // namespace gatehouse::web
