#pragma once
// Small pieces shared by the page handlers.
#include "gatehouse/web/browser.hpp"

namespace gatehouse::web {

// 302 to the login page with ?next=<this path>.
http::Response redirect_to_login(const http::Request& request);
// 429 page with Retry-After.
http::Response throttled_page(Context& ctx, Browser& browser, int retry_after);
// The signed cookie that remembers a just-signed-up (or unverified, just-logged-in) user for the
// verify page, for an hour.
void remember_pending_user(Context& ctx, http::Response& response, std::int64_t user_id);
std::optional<std::int64_t> pending_user(Context& ctx, const http::Request& request);
void forget_pending_user(http::Response& response);
std::string form(const http::Request& request, const char* field);
// Renders the verify page (code form, resend button) for a user who must verify.
http::Response verify_form(Context& ctx, Browser& browser, ctemplate::TemplateDictionary& dict, int status = 200);

}  // namespace gatehouse::web
