#pragma once
// Templates (pages and mails) from templates/, loaded once in the master, auto-escaped by ctemplate
// ({{%AUTOESCAPE context="HTML"}} at the top of every file).
//
// Text to translate is marked {{_ like this _}} in a template. Each language gets its own parsed copy
// of every template, made at load time with the marked text replaced by the catalogue's translation
// (English: by the text itself), so a page costs no lookup per string and ctemplate parses and
// escapes the translated template exactly as the English one. A translation is template source, as
// the .po it comes from is: it may hold {{VARIABLES}} of its msgid, and tests/check-translations.sh
// makes sure it holds the same ones.
#include "gatehouse/core/catalog.hpp"

#include <ctemplate/template.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::core {

class Templates {
public:
    // Loads every template now, once per language of `translations`; throws on a broken one.
    explicit Templates(std::string root, Translations translations = Translations{});
    ~Templates();

    // `language`: one of translations().languages(); any other renders in English.
    std::string render(std::string_view name, const ctemplate::TemplateDictionary& dict,
                       std::string_view language = "en") const;
    void reload();  // reads every file again (SIGHUP)
    const std::string& root() const { return root_; }
    const Translations& translations() const { return translations_; }

private:
    using Caches = std::vector<std::pair<std::string, std::unique_ptr<ctemplate::TemplateCache>>>;
    Caches load() const;

    std::string root_;
    Translations translations_;
    Caches caches_;  // one per language, English first
};

// The {{_ text _}} markers of a template's source replaced by their translations in `catalog`.
// Throws std::runtime_error on a marker left open.
std::string translate_markers(std::string_view source, const Catalog& catalog);

}  // namespace gatehouse::core
