#pragma once
// The browser's side of a page request: its session (cookie `sessionid`), its CSRF secret (cookie
// `csrftoken`), and a one-time flash message (signed cookie `messages`). Pages only; the API reads
// none of these.
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

#include <ctemplate/template.h>

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::web {

struct Browser {
    std::optional<accounts::ActiveSession> session;
    std::string session_id;
    std::string csrf_secret;      // from the cookie, or new for this response
    bool csrf_cookie_new = false;
    std::string flash_text, flash_level;
    accounts::ClientInfo client;
    std::string path;  // this page's path and query, where the language switch comes back to

    const accounts::User* user() const { return session ? &session->user : nullptr; }
};

Browser load_browser(Context& ctx, const http::Request& request);
// The session of the request's cookie, looked up without writing anything (the gate's lookup).
std::optional<accounts::ActiveSession> peek_session(Context& ctx, const http::Request& request);

// Django's CSRF check of an unsafe method (safe ones pass): the Origin (or Referer) must be this site
// or, by Origin, one of `trusted_origins` (Django's CSRF_TRUSTED_ORIGINS), and the token submitted
// (field `csrfmiddlewaretoken` or header X-CSRFToken) must match the csrftoken cookie. The reason it
// fails, or nullopt when it passes. Pages and the API's cookie refresh both ask this.
std::optional<std::string> csrf_refusal(const http::Request& request,
                                        const std::vector<std::string>& trusted_origins = {});
// The csrftoken cookie's secret when the request carries a well-formed one.
std::optional<std::string> csrf_cookie_secret(const http::Request& request);
// Sets the csrftoken cookie (Django's: one year, Path=/, readable by scripts, SameSite=Lax).
void set_csrf_cookie(http::Response& response, const std::string& secret);

// For pages: csrf_refusal's reason as the 403 page.
std::optional<http::Response> csrf_failure(Context& ctx, const http::Request& request, const Browser& browser);

// A full page for this browser (title and content in the request's language): layout with the user and the flash, CSRF_TOKEN in the dict, the
// csrftoken cookie when new, and Cache-Control: no-store when someone is logged in.
http::Response browser_page(Context& ctx, Browser& browser, int status, const std::string& title,
                            const std::string& content_template, ctemplate::TemplateDictionary& dict);

// A redirect that shows `text`, translated into the request's language, on the next page.
http::Response redirect_with_flash(Context& ctx, const std::string& location, const std::string& text,
                                   const std::string& level = "success");
void set_session_cookie(http::Response& response, const accounts::StartedSession& session);
void clear_session_cookie(http::Response& response);
// A browser login's answer: the new session's cookie and, as Django's login() rotates the CSRF
// token, a new csrftoken cookie (a secret planted or read before the login is worth nothing after).
void set_login_cookies(http::Response& response, const accounts::LoggedIn& in);
// Logout: the session cookie and the csrftoken cookie both go.
void clear_login_cookies(http::Response& response);
// `next` when it is a path on this site, else the fallback.
std::string safe_next(std::string_view next, const std::string& fallback);
// Field errors into the dict, in the request's language: ERRORS_<FIELD> sections, and NON_FIELD_ERRORS.
void show_field_errors(const Context& ctx, ctemplate::TemplateDictionary& dict, const accounts::FieldErrors& errors);
std::string user_label(const accounts::User& user);

}  // namespace gatehouse::web
