#pragma once
// Rendering helpers shared by the page handlers.
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

#include <ctemplate/template.h>

#include <string>

namespace gatehouse::web {

// What the layout (base.html) shows around every page's content.
struct Layout {
    std::string title;
    std::string user_label;   // "" when nobody is logged in
    std::string flash_text;   // a one-time message after an action
    std::string flash_level;  // "success", "error" or "info"
    bool staff = false;       // the header links to the staff pages
    std::string language = "en";  // <html lang dir>, and which translation of the templates
    std::string csrf_token;   // non-empty: the footer's language switch (a POST form) is shown
    std::string path;         // where the switch comes back to
};

// content_template rendered with `content`, then placed inside base.html with the layout's values.
std::string render_layout(const core::Templates& templates, const std::string& content_template,
                          const ctemplate::TemplateDictionary& content, const Layout& layout);

// A full HTML page: content_template inside base.html, with the layout's common values filled in.
http::Response render_page(const Context& ctx, int status, const std::string& title,
                           const std::string& content_template, ctemplate::TemplateDictionary& dict);

// errors/error.html's values: the status, its reason phrase in the request's language, the message
// (already in that language).
void set_error(const Context& ctx, ctemplate::TemplateDictionary& dict, int status, const std::string& message);

}  // namespace gatehouse::web
