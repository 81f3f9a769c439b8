#pragma once
// Translations: one Catalog per language, read from the GNU gettext .mo file `make` builds from
// po/<lang>.po (locale/<lang>/LC_MESSAGES/gatehouse.mo), once in the master. English is the source
// language: its catalogue is empty and every message is its own msgid. The .mo is read here rather
// than through libintl's dgettext because a worker answers each request in another language, and
// libintl's language is per process (setlocale, or uselocale with a locale the host must have
// generated): README, *Languages*.
#include <string>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gatehouse::core {

// Looked up by string_view without making a string (every translated message of every page).
struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
template <typename Value>
using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;

class Catalog {
public:
    Catalog() = default;  // no translations: every msgid is its own text
    // The messages of a .mo file's bytes; throws std::runtime_error on a broken file.
    static Catalog from_mo(std::string_view bytes);

    // The translation of msgid, or msgid itself when the catalogue has none (or an empty one).
    std::string_view translate(std::string_view msgid) const;
    // A message whose one blank was filled in English where it was written (accounts' "…at least 8
    // characters.", a field error that cannot carry its values apart): the translation of the msgid
    // whose text around its "{blank}" fits, with the same value; else translate(text).
    std::string translate_filled(std::string_view text) const;
    std::size_t size() const { return messages_.size(); }

private:
    // A msgid with one blank, as the text before and after it; longest literal text first.
    struct Pattern {
        std::string before, blank, after, translation;
    };
    TextMap<std::string> messages_;
    std::vector<Pattern> patterns_;
};

// Every language the site speaks: "en" and each locale/<lang>/LC_MESSAGES/gatehouse.mo found, <lang>
// a code of two or three lower-case letters (other directories are not languages).
class Translations {
public:
    Translations();  // English only
    explicit Translations(const std::string& locale_dir);  // throws on a broken .mo

    bool has(std::string_view language) const;
    // The language's catalogue; English's (empty) for a language the site does not speak.
    const Catalog& catalog(std::string_view language) const;
    const std::vector<std::string>& languages() const { return languages_; }  // "en" first, then sorted

private:
    std::vector<std::string> languages_;
    TextMap<Catalog> catalogs_;
};

// Marks a message for po/extract.sh (xgettext) where it is written; it is translated where it is shown.
constexpr const char* N_(const char* msgid) { return msgid; }

// Languages written right to left ("fa", "ar", "he", "ur", …).
bool right_to_left(std::string_view language);

// "{name}" blanks in a translated message filled in, the way the answers table fills its own.
std::string fill_blank(std::string text, std::string_view blank, std::string_view value);

}  // namespace gatehouse::core
