#include "gatehouse/core/templates.hpp"

#include <ctemplate/template_cache.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gatehouse::core {
namespace {

constexpr std::string_view kOpen = "{{_ ", kClose = " _}}";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error("cannot read template " + path.string());
    return text.str();
}

}  // namespace

std::string translate_markers(std::string_view source, const Catalog& catalog) {
    std::string out;
    out.reserve(source.size());
    std::size_t from = 0;
    for (auto open = source.find(kOpen); open != std::string_view::npos; open = source.find(kOpen, from)) {
        const auto close = source.find(kClose, open + kOpen.size());
        if (close == std::string_view::npos) throw std::runtime_error("a {{_ marker without its _}}");
        out.append(source.substr(from, open - from));
        out.append(catalog.translate(source.substr(open + kOpen.size(), close - open - kOpen.size())));
        from = close + kClose.size();
    }
    out.append(source.substr(from));
    return out;
}

Templates::Templates(std::string root, Translations translations)
    : root_(std::move(root)), translations_(std::move(translations)) {
    if (!std::filesystem::is_directory(root_)) throw std::runtime_error("templates directory not found: " + root_);
    caches_ = load();
}

Templates::~Templates() = default;

Templates::Caches Templates::load() const {
    std::vector<std::pair<std::string, std::string>> sources;  // relative name, text
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root_)) {
        if (!entry.is_regular_file()) continue;
        const auto ext = entry.path().extension();
        if (ext != ".html" && ext != ".txt") continue;
        sources.emplace_back(std::filesystem::relative(entry.path(), root_).string(), read_file(entry.path()));
    }
    Caches caches;
    for (const auto& language : translations_.languages()) {
        auto cache = std::make_unique<ctemplate::TemplateCache>();
        cache->SetTemplateRootDirectory(root_);
        const Catalog& catalog = translations_.catalog(language);
        for (const auto& [name, text] : sources) {
            std::string translated;
            try {
                translated = translate_markers(text, catalog);
            } catch (const std::runtime_error& e) {
                throw std::runtime_error("cannot load template " + name + ": " + e.what());
            }
            if (!cache->StringToTemplateCache(name, translated, ctemplate::DO_NOT_STRIP))
                throw std::runtime_error("cannot load template " + name + (language == "en" ? "" : " (" + language + ")"));
        }
        caches.emplace_back(language, std::move(cache));
    }
    return caches;
}

std::string Templates::render(std::string_view name, const ctemplate::TemplateDictionary& dict,
                              std::string_view language) const {
    ctemplate::TemplateCache* cache = caches_.front().second.get();
    for (const auto& [lang, c] : caches_)
        if (lang == language) cache = c.get();
    std::string out;
    if (!cache->ExpandWithData(std::string(name), ctemplate::DO_NOT_STRIP, &dict, nullptr, &out))
        throw std::runtime_error("cannot render template " + std::string(name));
    return out;
}

void Templates::reload() { caches_ = load(); }

}  // namespace gatehouse::core
