#include "gatehouse/web/templates.hpp"

#include <ctemplate/template_cache.h>

#include <filesystem>
#include <stdexcept>

namespace gatehouse::web {

Templates::Templates(std::string root) : root_(std::move(root)), cache_(std::make_unique<ctemplate::TemplateCache>()) {
    if (!std::filesystem::is_directory(root_)) throw std::runtime_error("templates directory not found: " + root_);
    cache_->SetTemplateRootDirectory(root_);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root_)) {
        if (!entry.is_regular_file()) continue;
        const auto ext = entry.path().extension();
        if (ext != ".html" && ext != ".txt") continue;
        const std::string relative = std::filesystem::relative(entry.path(), root_).string();
        if (!cache_->LoadTemplate(relative, ctemplate::DO_NOT_STRIP))
            throw std::runtime_error("cannot load template " + relative);
    }
}

Templates::~Templates() = default;

std::string Templates::render_page(std::string_view content_template, const ctemplate::TemplateDictionary& content,
                                   const Layout& layout) const {
    ctemplate::TemplateDictionary page("layout");
    page.SetValue("CONTENT", render(content_template, content));  // already escaped by its template
    page.SetValue("TITLE", layout.title);
    if (layout.user_label.empty()) {
        page.ShowSection("NAV_ANONYMOUS");
    } else {
        page.SetValueAndShowSection("USER_LABEL", layout.user_label, "NAV_USER");
    }
    if (!layout.flash_text.empty()) {
        auto* flash = page.AddSectionDictionary("FLASH");
        flash->SetValue("FLASH_TEXT", layout.flash_text);
        flash->SetValue("FLASH_LEVEL", layout.flash_level.empty() ? "info" : layout.flash_level);
    }
    return render("base.html", page);
}

std::string Templates::render(std::string_view name, const ctemplate::TemplateDictionary& dict) const {
    std::string out;
    if (!cache_->ExpandWithData(std::string(name), ctemplate::DO_NOT_STRIP, &dict, nullptr, &out))
        throw std::runtime_error("cannot render template " + std::string(name));
    return out;
}

void Templates::reload() { cache_->ReloadAllIfChanged(ctemplate::TemplateCache::IMMEDIATE_RELOAD); }

}  // namespace gatehouse::web
