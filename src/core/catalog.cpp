#include "gatehouse/core/catalog.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gatehouse::core {
namespace {

constexpr std::uint32_t kMagic = 0x950412de;  // the .mo magic number, in the file's own byte order

std::uint32_t swap32(std::uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

// The .mo layout (gettext manual, "The Format of GNU MO Files"): magic, revision, N, the offset of
// the original strings' table, the offset of the translations' table; each table N (length, offset).
class MoReader {
public:
    explicit MoReader(std::string_view bytes) : bytes_(bytes) {
        if (bytes.size() < 20) throw std::runtime_error("not a .mo file (too short)");
        const std::uint32_t magic = raw(0);
        if (magic == kMagic) swapped_ = false;
        else if (magic == swap32(kMagic)) swapped_ = true;
        else throw std::runtime_error("not a .mo file (bad magic number)");
        if (word(4) >> 16 != 0) throw std::runtime_error("unknown .mo revision");
    }
    std::uint32_t word(std::size_t at) const { return swapped_ ? swap32(raw(at)) : raw(at); }
    std::string_view string_at(std::uint32_t table, std::uint32_t index) const {
        const std::size_t entry = std::size_t{table} + std::size_t{index} * 8;
        const std::size_t length = word(entry), offset = word(entry + 4);
        if (offset > bytes_.size() || length >= bytes_.size() - offset) throw std::runtime_error("broken .mo file");
        return bytes_.substr(offset, length);
    }

private:
    std::uint32_t raw(std::size_t at) const {
        if (at > bytes_.size() || bytes_.size() - at < 4) throw std::runtime_error("broken .mo file");
        std::uint32_t v;
        std::memcpy(&v, bytes_.data() + at, 4);
        return v;
    }
    std::string_view bytes_;
    bool swapped_ = false;
};

// The one "{name}" blank of a msgid (lower-case letters and '_'), or npos for none or several.
std::pair<std::size_t, std::size_t> one_blank(std::string_view msgid) {
    constexpr auto none = std::pair{std::string_view::npos, std::size_t{0}};
    std::pair<std::size_t, std::size_t> found = none;
    for (std::size_t open = msgid.find('{'); open != std::string_view::npos; open = msgid.find('{', open + 1)) {
        const std::size_t close = msgid.find('}', open);
        if (close == std::string_view::npos) break;
        const auto name = msgid.substr(open + 1, close - open - 1);
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string_view::npos) continue;
        if (found.first != std::string_view::npos) return none;
        found = {open, close - open + 1};
    }
    return found;
}

}  // namespace

Catalog Catalog::from_mo(std::string_view bytes) {
    const MoReader mo(bytes);
    const std::uint32_t count = mo.word(8), originals = mo.word(12), translations = mo.word(16);
    Catalog catalog;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string_view msgid = mo.string_at(originals, i);
        std::string_view msgstr = mo.string_at(translations, i);
        // The header (empty msgid) is metadata; plural forms (msgid NUL msgid_plural) are not used yet.
        if (msgid.empty() || msgstr.empty() || msgid.find('\0') != std::string_view::npos) continue;
        catalog.messages_.emplace(msgid, msgstr);
        if (const auto [at, size] = one_blank(msgid); at != std::string_view::npos)
            catalog.patterns_.push_back({std::string(msgid.substr(0, at)), std::string(msgid.substr(at, size)),
                                         std::string(msgid.substr(at + size)), std::string(msgstr)});
    }
    std::stable_sort(catalog.patterns_.begin(), catalog.patterns_.end(), [](const Pattern& a, const Pattern& b) {
        return a.before.size() + a.after.size() > b.before.size() + b.after.size();
    });
    return catalog;
}

std::string_view Catalog::translate(std::string_view msgid) const {
    if (messages_.empty()) return msgid;
    const auto it = messages_.find(msgid);
    return it == messages_.end() ? msgid : std::string_view(it->second);
}

std::string Catalog::translate_filled(std::string_view text) const {
    if (const auto it = messages_.find(text); it != messages_.end()) return it->second;
    for (const auto& p : patterns_) {
        if (text.size() < p.before.size() + p.after.size() || !text.starts_with(p.before) || !text.ends_with(p.after))
            continue;
        const auto value = text.substr(p.before.size(), text.size() - p.before.size() - p.after.size());
        return fill_blank(p.translation, p.blank, value);
    }
    return std::string(text);
}

Translations::Translations() : languages_{"en"} { catalogs_.emplace("en", Catalog{}); }

Translations::Translations(const std::string& locale_dir) : Translations() {
    std::error_code ec;
    if (!std::filesystem::is_directory(locale_dir, ec)) return;
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(locale_dir)) {
        const std::string language = entry.path().filename().string();
        const auto mo = entry.path() / "LC_MESSAGES" / "gatehouse.mo";
        const bool code = language.size() >= 2 && language.size() <= 3 &&
                          language.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
        if (!code || language == "en" || !std::filesystem::is_regular_file(mo, ec)) continue;
        std::ifstream in(mo, std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        try {
            catalogs_.emplace(language, Catalog::from_mo(bytes.str()));
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(mo.string() + ": " + e.what());
        }
        found.push_back(language);
    }
    std::sort(found.begin(), found.end());
    languages_.insert(languages_.end(), found.begin(), found.end());
}

bool Translations::has(std::string_view language) const {
    return std::find(languages_.begin(), languages_.end(), language) != languages_.end();
}

const Catalog& Translations::catalog(std::string_view language) const {
    const auto it = catalogs_.find(language);
    return it == catalogs_.end() ? catalogs_.at("en") : it->second;
}

bool right_to_left(std::string_view language) {
    for (std::string_view rtl : {"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv"})
        if (language == rtl) return true;
    return false;
}

std::string fill_blank(std::string text, std::string_view blank, std::string_view value) {
    for (auto at = text.find(blank); at != std::string::npos; at = text.find(blank, at + value.size()))
        text.replace(at, blank.size(), value);
    return text;
}

}  // namespace gatehouse::core
