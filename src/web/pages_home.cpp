#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/render.hpp"

namespace gatehouse::web {

http::Response home_page(Context& ctx, http::Request&) {
    ctemplate::TemplateDictionary dict("home");
    dict.ShowSection("ANONYMOUS");
    return render_page(ctx, 200, "Gatehouse", "home.html", dict);
}

}  // namespace gatehouse::web
