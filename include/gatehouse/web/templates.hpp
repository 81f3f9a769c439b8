#pragma once
// HTML (and mail) templates from templates/, loaded once in the master, auto-escaped by ctemplate
// ({{%AUTOESCAPE context="HTML"}} at the top of every file).
#include <ctemplate/template.h>

#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::web {

// What the layout (base.html) shows around every page's content.
struct Layout {
    std::string title;
    std::string user_label;   // "" when nobody is logged in
    std::string flash_text;   // a one-time message after an action
    std::string flash_level;  // "success", "error" or "info"
};

class Templates {
public:
    explicit Templates(std::string root);  // loads every template now; throws on a broken one
    ~Templates();

    // content_template rendered with `content`, then placed inside base.html with the layout's values.
    std::string render_page(std::string_view content_template, const ctemplate::TemplateDictionary& content,
                            const Layout& layout) const;
    std::string render(std::string_view name, const ctemplate::TemplateDictionary& dict) const;
    void reload();  // picks up changed files (SIGHUP)
    const std::string& root() const { return root_; }

private:
    std::string root_;
    std::unique_ptr<ctemplate::TemplateCache> cache_;
};

}  // namespace gatehouse::web
