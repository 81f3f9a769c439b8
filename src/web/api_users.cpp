// JSON API: administration of users (/api/users/ and /api/users/<id>/), as a DRF ModelViewSet would
// serve it — the list and creation for staff only, one user for staff or that user itself. The rules
// are accounts/staff.hpp's; here: parse, call, render.
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/reauth.hpp"

#include <charconv>

namespace gatehouse::web {
namespace {

accounts::FlagInput flag_input(const http::Request& req) {
    return {api_patch_field(req, "is_staff"), api_patch_field(req, "is_active"), api_patch_field(req, "is_verified")};
}

// DRF's next/previous link: this request's absolute URL — on GATEHOUSE_SITE_URL (Services::site_url),
// never on the Host header — with its query sorted by name (as DRF's replace_query_param writes it) and
// `page` set to the number, or left out for the first page (remove_query_param).
std::string page_link(const Context& ctx, const http::Request& req, std::int64_t page) {
    std::string query;
    auto add = [&query](std::string_view name, std::string_view value) {
        if (!query.empty()) query += '&';
        query += http::percent_encode(name, true) + "=" + http::percent_encode(value, true);
    };
    bool placed = page == 1;
    for (const auto& [name, value] : req.query) {  // a multimap: by name already
        if (name == "page") continue;
        if (!placed && name > "page") {
            add("page", std::to_string(page));
            placed = true;
        }
        add(name, value);
    }
    if (!placed) add("page", std::to_string(page));
    return ctx.accounts.site_url() + req.path + (query.empty() ? "" : "?" + query);
}

std::int64_t path_id(const http::Request& req) {
    std::int64_t id = 0;
    const auto it = req.path_params.find("id");
    if (it != req.path_params.end()) std::from_chars(it->second.data(), it->second.data() + it->second.size(), id);
    return id;
}

http::Response no_store(http::Response response) {
    response.set_header("Cache-Control", "no-store");
    return response;
}

}  // namespace

http::Response api_users(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    if (req.method == "POST") {
        auto created = accounts::create_user_as_staff(ctx.accounts, principal->user,
                                                      {api_signup_input(req), flag_input(req)}, req.remote_addr);
        if (created) return http::Response::json(201, user_json(*created, ctx.accounts.site_url()));
        auto refused = created.error();
        refused.errors = api_signup_errors(std::move(refused.errors));  // "password", as register names it
        return api_answer(ctx, refused);
    }
    const accounts::UserQuery query{req.query_param("search").value_or(""), req.query_param("page"),
                                    req.query_param("page_size")};
    auto page = accounts::list_users(ctx.accounts, principal->user, query);
    if (!page) return api_answer(ctx, page.error());
    nlohmann::json results = nlohmann::json::array();
    for (const auto& user : page->users) results.push_back(user_json(user, ctx.accounts.site_url()));
    return no_store(http::Response::json(
        200, {{"count", page->count},
              {"next", page->has_next() ? nlohmann::json(page_link(ctx, req, page->number + 1)) : nlohmann::json(nullptr)},
              {"previous",
               page->has_previous() ? nlohmann::json(page_link(ctx, req, page->number - 1)) : nlohmann::json(nullptr)},
              {"results", std::move(results)}}));
}

http::Response api_user(Context& ctx, http::Request& req) {
    auto principal = api_authenticate(ctx, req);
    if (!principal) return principal.error();
    const std::int64_t id = path_id(req);
    if (req.method == "PATCH") {
        if (req.json && !req.json->is_object())
            return api_validation(ctx, {{"non_field_errors", {"Invalid data. Expected a dictionary."}}});
        auto updated = accounts::update_user_as(ctx.accounts, principal->user, id, {api_profile_input(req), flag_input(req)},
                                              req.remote_addr);
        if (!updated) return api_answer(ctx, updated.error());
        return no_store(http::Response::json(200, user_json(*updated, ctx.accounts.site_url())));
    }
    if (req.method == "DELETE") {
        if (id == principal->user.id)  // deleting oneself is a sensitive action
            if (auto ask = require_recent_login(ctx, *principal)) return *ask;
        const auto password = api_field(req, "password");
        auto deleted = accounts::delete_user_as(ctx.accounts, principal->user, id,
                                                password ? std::optional<std::string_view>(*password) : std::nullopt,
                                                req.remote_addr);
        if (!deleted) return api_answer(ctx, deleted.error());
        return http::Response::json(204, nullptr);
    }
    auto user = accounts::find_user_as(ctx.accounts, principal->user, id);
    if (!user) return api_answer(ctx, user.error());
    return no_store(http::Response::json(200, user_json(*user, ctx.accounts.site_url())));
}

}  // namespace gatehouse::web
