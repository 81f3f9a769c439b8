#include "gatehouse/web/render.hpp"

namespace gatehouse::web {

http::Response render_page(const Context& ctx, int status, const std::string& title,
                           const std::string& content_template, ctemplate::TemplateDictionary& dict) {
    web::Layout layout;
    layout.title = title;
    return http::Response::html(status, ctx.templates.render_page(content_template, dict, layout));
}

}  // namespace gatehouse::web
