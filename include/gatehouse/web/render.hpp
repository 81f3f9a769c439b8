#pragma once
// Rendering helpers shared by the page handlers.
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

#include <ctemplate/template.h>

#include <string>

namespace gatehouse::web {

// A full HTML page: content_template inside base.html, with the layout's common values filled in.
http::Response render_page(const Context& ctx, int status, const std::string& title,
                           const std::string& content_template, ctemplate::TemplateDictionary& dict);

}  // namespace gatehouse::web
