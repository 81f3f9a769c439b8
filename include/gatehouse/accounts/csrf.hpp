#pragma once
// Django's CSRF scheme (django/middleware/csrf.py, Django ≥ 4.1):
// - the `csrftoken` cookie holds a 32-character secret of [A-Za-z0-9] (CSRF_SECRET_LENGTH);
// - each page carries the secret masked afresh (_mask_cipher_secret): a random 32-character mask
//   followed by the secret "added" to it character by character, 64 characters (BREACH mitigation);
// - a request passes when the token it submits (field `csrfmiddlewaretoken` or header `X-CSRFToken`),
//   unmasked, equals the cookie's secret, and its Origin (or Referer) is this site.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

// 32 chars of [A-Za-z0-9] (Django's CSRF_SECRET_LENGTH), from RAND_bytes, uniform.
std::string new_csrf_secret();
// Django's _mask_cipher_secret: 32-char random mask + cipher = 64 chars, fresh per page.
// The secret must be 32 chars of [A-Za-z0-9] (std::invalid_argument otherwise).
std::string mask_csrf_secret(std::string_view secret);
// 64-char masked → secret; a 32-char token is returned as is; anything else (other lengths,
// characters outside [A-Za-z0-9]) → nullopt.
std::optional<std::string> unmask_csrf_token(std::string_view token);
// Constant time, after unmasking both (the cookie may hold a 32-char secret or a legacy 64-char
// masked one); false for anything malformed.
bool csrf_token_matches(std::string_view cookie_secret, std::string_view submitted);
// Origin (or, when absent, Referer) must name this site: scheme https and host[:port] equal to `host`
// (the request's Host header, e.g. "127.0.0.1:8443" or "example.org"; letters compared ignoring case,
// ":443" same as none). Missing both → false (HTTPS requests without Origin/Referer are refused, as
// Django does). An Origin that is present decides alone ("null" fails; no fallback to the Referer).
bool csrf_origin_ok(std::string_view origin, std::string_view referer, std::string_view host);

}  // namespace gatehouse::accounts
