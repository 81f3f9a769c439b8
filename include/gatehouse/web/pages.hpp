#pragma once
// Small pieces shared by the page handlers.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/web/browser.hpp"

namespace gatehouse::web {

// 302 to the login page with ?next=<this path>.
http::Response redirect_to_login(const http::Request& request);
// /accounts/login/?next=<target, percent-encoded> ("/accounts/login/" for an empty target).
std::string login_url(std::string_view next);
// A refusal that is a page of its own (a rate limit, a forbidden action…): the answers table's page
// status and message, with Retry-After when the refusal has one.
http::Response refusal_page(Context& ctx, Browser& browser, const accounts::Refusal& refusal);
// A refusal of a form: the page of its own when the answers table gives it no field (a rate limit…);
// otherwise nullopt, with its messages put next to their fields in `dict` for the form to come back.
std::optional<http::Response> show_refusal(Context& ctx, Browser& browser, ctemplate::TemplateDictionary& dict,
                                           const accounts::Refusal& refusal);
// The signed cookie that remembers a just-signed-up (or unverified, just-logged-in) user for the
// verify page, for an hour.
void remember_pending_user(Context& ctx, http::Response& response, std::int64_t user_id);
std::optional<std::int64_t> pending_user(Context& ctx, const http::Request& request);
void forget_pending_user(http::Response& response);
std::string form(const http::Request& request, const char* field);
// The login's second step (pages_mfa.cpp): the "Enter your code" form for this pending-login token,
// carrying `next` and the "remember me" choice on to /accounts/login/2fa/.
http::Response login_code_form(Context& ctx, Browser& browser, const std::string& mfa_token, const std::string& next,
                               bool remember, const accounts::FieldErrors& errors = {});
// The "remember this browser" cookie's token ("" when none).
std::string remembered_browser(const http::Request& request);
// Renders the verify page (code form, resend button) for a user who must verify.
http::Response verify_form(Context& ctx, Browser& browser, ctemplate::TemplateDictionary& dict, int status = 200);

}  // namespace gatehouse::web
