// The footer's language switch: Django's set_language view.
#include "gatehouse/web/browser.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/language.hpp"
#include "gatehouse/web/pages.hpp"

namespace gatehouse::web {

// POST language, next: the django_language cookie for a language the site speaks (another value
// changes nothing), then back to `next` when it is a path on this site.
http::Response set_language_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    auto response = http::Response::redirect(safe_next(form(req, "next"), "/"));
    const std::string language = form(req, "language");
    if (ctx.templates.translations().has(language)) set_language_cookie(response, language);
    return response;
}

}  // namespace gatehouse::web
