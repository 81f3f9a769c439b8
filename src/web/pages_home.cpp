#include "gatehouse/web/browser.hpp"
#include "gatehouse/web/handlers.hpp"

namespace gatehouse::web {

http::Response home_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    ctemplate::TemplateDictionary dict("home");
    return browser_page(ctx, browser, 200, "Home", "home.html", dict);
}

}  // namespace gatehouse::web
