#pragma once
// Templates (pages and mails) from templates/, loaded once in the master, auto-escaped by ctemplate
// ({{%AUTOESCAPE context="HTML"}} at the top of every file).
#include <ctemplate/template.h>

#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::core {

class Templates {
public:
    explicit Templates(std::string root);  // loads every template now; throws on a broken one
    ~Templates();

    std::string render(std::string_view name, const ctemplate::TemplateDictionary& dict) const;
    void reload();  // picks up changed files (SIGHUP)
    const std::string& root() const { return root_; }

private:
    std::string root_;
    std::unique_ptr<ctemplate::TemplateCache> cache_;
};

}  // namespace gatehouse::core
