#pragma once
// The re-authentication guard of sensitive actions (accounts/reauth.hpp): one call at the top of a
// handler, once it knows who is asking.
//
//     // a page, after its login check:
//     if (auto ask = require_recent_login(ctx, req, browser)) return *ask;
//     // an API handler, after api_authenticate:
//     if (auto ask = require_recent_login(ctx, *principal)) return *ask;
//
// A page whose login proved the password longer than GATEHOUSE_REAUTH_SECONDS ago is sent (302) to
// /accounts/reauthenticate/?next=<this page>, which asks for the password (a phone-only user: an SMS
// code) and comes back; the API answers 403 {"detail": …, "code": "reauthentication_required"},
// and POST /api/auth/reauthenticate/ refreshes the calling credential.
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/browser.hpp"
#include "gatehouse/web/context.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::web {

std::optional<http::Response> require_recent_login(Context& ctx, const http::Request& request, const Browser& browser);
std::optional<http::Response> require_recent_login(Context& ctx, const accounts::ApiPrincipal& principal);

// /accounts/reauthenticate/?next=<target, percent-encoded>.
std::string reauth_url(std::string_view next);

}  // namespace gatehouse::web
