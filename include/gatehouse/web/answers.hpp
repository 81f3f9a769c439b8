#pragma once
// The one table that turns an account outcome into an answer: for each accounts::Outcome, the JSON
// API's status, code and detail and the page's status, field and message, side by side, so the API
// and the pages cannot disagree. Handlers ask it; none picks a status or message for an outcome itself.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

#include <string>

namespace gatehouse::web {

struct Answer {
    // The JSON API. "{subject}" in the detail stands for Refusal::subject, "{seconds}" for retry_after.
    int status;
    const char* code;
    const char* detail;
    const char* api_field;         // non-null: a DRF validation error {api_field: [detail]} instead
    const char* www_authenticate;  // 401s: the challenge
    // The pages. A refusal with a field is shown next to that field of the form it came from
    // ("non_field_errors": above the form), and the form comes back with page_status; one without a
    // field is the page itself (or a notice), with page_status.
    int page_status;
    const char* page_field;
    const char* page_message;
};

// The row of this outcome (every outcome has one).
const Answer& answer_for(accounts::Outcome outcome);

// Details and messages are in the catalogue's language; codes never change.
// The API's answer: {"detail","code"} with the row's status and headers (Retry-After when the refusal
// has one), a DRF validation error for Invalid (its field errors) and for rows with an api_field.
http::Response api_answer(const core::Catalog& catalog, const accounts::Refusal& refusal);
http::Response api_answer(const core::Catalog& catalog, accounts::Outcome outcome);

// What a person reads: the row's page message with its blanks filled; for Invalid, the fields'
// own messages, in one line.
std::string page_message(const core::Catalog& catalog, const accounts::Refusal& refusal);
// The refusal as a form's errors: Invalid's own, or the page message under the row's field.
accounts::FieldErrors page_errors(const core::Catalog& catalog, const accounts::Refusal& refusal);

// The same in the language of the request being answered.
inline http::Response api_answer(const Context& ctx, const accounts::Refusal& refusal) { return api_answer(ctx.catalog(), refusal); }
inline http::Response api_answer(const Context& ctx, accounts::Outcome outcome) { return api_answer(ctx.catalog(), outcome); }
inline std::string page_message(const Context& ctx, const accounts::Refusal& refusal) { return page_message(ctx.catalog(), refusal); }
inline accounts::FieldErrors page_errors(const Context& ctx, const accounts::Refusal& refusal) { return page_errors(ctx.catalog(), refusal); }

}  // namespace gatehouse::web
