#include "gatehouse/core/templates.hpp"

#include <ctemplate/template_cache.h>

#include <filesystem>
#include <stdexcept>

namespace gatehouse::core {

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

std::string Templates::render(std::string_view name, const ctemplate::TemplateDictionary& dict) const {
    std::string out;
    if (!cache_->ExpandWithData(std::string(name), ctemplate::DO_NOT_STRIP, &dict, nullptr, &out))
        throw std::runtime_error("cannot render template " + std::string(name));
    return out;
}

void Templates::reload() { cache_->ReloadAllIfChanged(ctemplate::TemplateCache::IMMEDIATE_RELOAD); }

}  // namespace gatehouse::core
