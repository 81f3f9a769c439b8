// JSON API: the caller's own account (/api/me/), its devices, and the OpenAPI document.
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/profile_image.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace gatehouse::web {
namespace {

// The picture in a PATCH: a multipart file `image` replaces it; JSON null (or an empty multipart
// text field) removes it; any other value is not a file, as DRF's ImageField says.
accounts::ImageChange api_image_change(const http::Request& req) {
    using Kind = accounts::ImageChange::Kind;
    if (const auto* file = req.file("image")) return {Kind::Replace, file->data};
    if (req.json && req.json->is_object()) {
        const auto it = req.json->find("image");
        if (it == req.json->end()) return {};
        return {it->is_null() ? Kind::Remove : Kind::NotAFile, {}};
    }
    if (const auto text = req.form_field("image")) return {text->empty() ? Kind::Remove : Kind::NotAFile, {}};
    return {};
}

}  // namespace

http::Response api_me(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    const auto& user = principal->user;
    if (req.method == "PATCH") {
        if (req.json && !req.json->is_object())
            return api_validation({{"non_field_errors", {"Invalid data. Expected a dictionary."}}});
        auto result = accounts::update_profile(ctx.accounts, user, api_profile_input(req), api_image_change(req));
        if (!result) return api_validation(result.error());
        return http::Response::json(200, user_json(*result, ctx.accounts.site_url()));
    }
    if (req.method == "DELETE") {
        // The same rule as DELETE /api/users/<own id>/: one's own account goes only with one's password.
        auto deleted = accounts::delete_user_as(ctx.accounts, user, user.id, api_field(req, "password"));
        if (!deleted) return api_answer(deleted.error());
        return http::Response::json(204, nullptr);
    }
    auto response = http::Response::json(200, user_json(user, ctx.accounts.site_url()));
    response.set_header("Cache-Control", "no-store");
    return response;
}

http::Response api_my_devices(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& login : accounts::live_logins(ctx.accounts, principal->user.id))
        list.push_back({{"id", login.id},
                        {"kind", login.kind},
                        {"device", login.device},
                        {"ip", login.ip},
                        {"created", core::iso8601_utc(login.created_at)},
                        {"last_seen", core::iso8601_utc(login.last_seen_at)},
                        {"current", login.id == principal->login_id}});
    auto response = http::Response::json(200, list);
    response.set_header("Cache-Control", "no-store");
    return response;
}

http::Response api_my_device(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    std::int64_t id = 0;
    const std::string& text = req.path_params["id"];
    std::from_chars(text.data(), text.data() + text.size(), id);
    for (const auto& login : accounts::live_logins(ctx.accounts, principal->user.id)) {
        if (login.id != id) continue;
        accounts::revoke_login(ctx.accounts, login);
        return http::Response::json(204, nullptr);
    }
    return api_answer(accounts::Outcome::NotFound);
}

http::Response api_schema(Context& ctx, http::Request&) {
    // Read once per worker: the document is part of the release, like the templates.
    static std::string document;
    if (document.empty()) {
        std::ifstream in(ctx.templates.root() + "/openapi.json");
        std::stringstream text;
        text << in.rdbuf();
        document = text.str();
    }
    if (document.empty()) {
        auto response = api_detail(503, "The API description is missing.", "service_unavailable");
        response.set_header("Retry-After", "5");
        return response;
    }
    http::Response response;
    response.body = document;
    response.set_header("Content-Type", "application/json");
    return response;
}

}  // namespace gatehouse::web
