#pragma once
// Shared pieces of the JSON API handlers: reading fields from JSON or form bodies, DRF-style errors,
// the user object, and Token/Bearer authentication (the API never reads the session cookie).
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/context.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::web {

// A field of a JSON object body or a form body; numbers are read as their text.
std::optional<std::string> api_field(const http::Request& request, const char* name);
std::string api_field_or_empty(const http::Request& request, const char* name);
// 400 {"field": ["This field is required."]} for the first of these that is missing or empty.
std::optional<http::Response> require_fields(const Context& ctx, const http::Request& request, std::initializer_list<const char*> names);
// For PATCH: a field present in the body (JSON null: "", which clears it) or nullopt when absent.
std::optional<std::string> api_patch_field(const http::Request& request, const char* name);

// The register fields (email, password, password2, name, first_name, last_name, phone,
// date_of_birth, gender), as /api/auth/register/ and POST /api/users/ take them.
accounts::SignupInput api_signup_input(const http::Request& request);
// The signup rules' errors under the API's names: the password rules under "password", only the
// mismatch (and "required") under "password2".
accounts::FieldErrors api_signup_errors(accounts::FieldErrors errors);
// The profile fields of a PATCH (name, first_name, last_name, phone, date_of_birth, gender).
accounts::ProfileInput api_profile_input(const http::Request& request);

http::Response api_detail(int status, const std::string& detail, const std::string& code);
http::Response api_validation(const Context& ctx, const accounts::FieldErrors& errors);  // 400
using accounts::user_json;  // the user object (accounts/user.hpp), shared with the command line
accounts::ClientInfo api_client(const http::Request& request);

// Bearer (JWT access) or Token; the 401 answer (NotAuthenticated, AccessTokenInvalid, ApiTokenInvalid)
// when neither is good.
std::expected<accounts::ApiPrincipal, http::Response> api_authenticate(Context& ctx, const http::Request& request,
                                                                       accounts::Lookup lookup = accounts::Lookup::Use);

}  // namespace gatehouse::web
