#include "gatehouse/web/render.hpp"

namespace gatehouse::web {

std::string render_layout(const core::Templates& templates, const std::string& content_template,
                          const ctemplate::TemplateDictionary& content, const Layout& layout) {
    ctemplate::TemplateDictionary page("layout");
    page.SetValue("CONTENT", templates.render(content_template, content));  // escaped by its own template
    page.SetValue("TITLE", layout.title);
    if (layout.user_label.empty()) {
        page.ShowSection("NAV_ANONYMOUS");
    } else {
        page.SetValueAndShowSection("USER_LABEL", layout.user_label, "NAV_USER");
        if (layout.staff) page.ShowSection("NAV_STAFF");
    }
    if (!layout.flash_text.empty()) {
        auto* flash = page.AddSectionDictionary("FLASH");
        flash->SetValue("FLASH_TEXT", layout.flash_text);
        flash->SetValue("FLASH_LEVEL", layout.flash_level.empty() ? "info" : layout.flash_level);
    }
    return templates.render("base.html", page);
}

http::Response render_page(const Context& ctx, int status, const std::string& title,
                           const std::string& content_template, ctemplate::TemplateDictionary& dict) {
    Layout layout;
    layout.title = title;
    return http::Response::html(status, render_layout(ctx.templates, content_template, dict, layout));
}

}  // namespace gatehouse::web
