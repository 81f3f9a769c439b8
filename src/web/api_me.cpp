// JSON API: the caller's own account (/api/me/), its devices, and the OpenAPI document.
#include "gatehouse/accounts/email_change.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/profile_image.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/reauth.hpp"
#include "gatehouse/core/text.hpp"

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

namespace {

// The caller's own user object: the user, plus the address of an email change waiting for its
// confirmation (null when none).
nlohmann::json me_json(Context& ctx, const accounts::User& user) {
    auto body = user_json(user, ctx.accounts.site_url());
    const auto pending = accounts::pending_email(ctx.accounts, user);
    body["pending_email"] = pending ? nlohmann::json(pending->email) : nlohmann::json(nullptr);
    return body;
}

// PATCH's `email` when it asks for another address than the current one (same address, any case: no change).
std::optional<std::string> email_asked(const http::Request& req, const accounts::User& user) {
    auto email = api_patch_field(req, "email");
    if (!email) return std::nullopt;
    if (user.email && core::casefold(accounts::trim(*email)) == core::casefold(*user.email)) return std::nullopt;
    return email;
}

}  // namespace

http::Response api_me(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    const auto& user = principal->user;
    if (req.method == "PATCH") {
        if (req.json && !req.json->is_object())
            return api_validation(ctx, {{"non_field_errors", {"Invalid data. Expected a dictionary."}}});
        // An email change is a sensitive action: it waits for the new address's confirmation and
        // answers 200 with the unchanged email and `pending_email`.
        const auto email = email_asked(req, user);
        if (email)
            if (auto ask = require_recent_login(ctx, *principal)) return *ask;
        const auto input = api_profile_input(req);
        if (auto checked = accounts::check_profile(ctx.accounts, user, input); !checked) return api_validation(ctx, checked.error());
        if (email) {
            auto requested = accounts::request_email_change(ctx.accounts, user, *email, api_client(req));
            if (!requested) return api_answer(ctx, requested.error());
        }
        auto result = accounts::update_profile(ctx.accounts, user, input, api_image_change(req));
        if (!result) return api_validation(ctx, result.error());
        return http::Response::json(200, me_json(ctx, *result));
    }
    if (req.method == "DELETE") {
        if (auto ask = require_recent_login(ctx, *principal)) return *ask;
        // The same rule as DELETE /api/users/<own id>/: one's own account goes only with one's password
        // (a phone-only user: a fresh SMS code).
        const auto password = api_field(req, "password");
        const auto code = api_field(req, "code");
        auto deleted = accounts::delete_user_as(ctx.accounts, user, user.id,
                                                password ? std::optional<std::string_view>(*password) : std::nullopt,
                                                req.remote_addr,
                                                code ? std::optional<std::string_view>(*code) : std::nullopt);
        if (!deleted) return api_answer(ctx, deleted.error());
        return http::Response::json(204, nullptr);
    }
    auto response = http::Response::json(200, me_json(ctx, user));
    response.set_header("Cache-Control", "no-store");
    return response;
}

http::Response api_my_email_confirm(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (auto missing = require_fields(ctx, req, {"code"})) return *missing;
    auto changed = accounts::confirm_email_change(ctx.accounts, principal->user, api_field_or_empty(req, "code"),
                                                  api_client(req));
    if (!changed) return api_answer(ctx, changed.error());
    return http::Response::json(200, me_json(ctx, *changed));
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
    return api_answer(ctx, accounts::Outcome::NotFound);
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
        auto response = api_detail(503, std::string(ctx.tr("The API description is missing.")), "service_unavailable");
        response.set_header("Retry-After", "5");
        return response;
    }
    http::Response response;
    response.body = document;
    response.set_header("Content-Type", "application/json");
    return response;
}

}  // namespace gatehouse::web
