#include "gatehouse/accounts/notifier.hpp"

#include <string>

namespace gatehouse::accounts {
namespace {

// A subject is one line: the template's trailing newline goes, inner line breaks become spaces.
std::string one_line(std::string text) {
    for (char& ch : text)
        if (ch == '\r' || ch == '\n' || ch == '\t') ch = ' ';
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(' ');
    return text.substr(first, last - first + 1);
}

std::string without_trailing_newlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace

Notifier::Notifier(const core::Templates& templates, store::Database& db) : templates_(templates), outbox_(db) {}

void Notifier::email(std::string_view to, std::string_view name, ctemplate::TemplateDictionary& dict,
                     std::int64_t now, std::string_view wanted) {
    const std::string language = templates_.translations().has(wanted) ? std::string(wanted) : "en";
    const std::string base = "email/" + std::string(name);
    const std::string subject = one_line(templates_.render(base + ".subject.txt", dict, language));
    const std::string text = templates_.render(base + ".txt", dict, language);
    // The HTML part: the mail's own content inside email/layout.html, the frame every mail shares.
    dict.SetValue("CONTENT", templates_.render(base + ".html", dict, language));  // escaped by its own template
    dict.SetValue("SUBJECT", subject);
    dict.SetValue("HTML_LANG", language);
    dict.SetValue("HTML_DIR", core::right_to_left(language) ? "rtl" : "ltr");
    const std::string html = templates_.render("email/layout.html", dict, language);
    outbox_.enqueue("email", to, subject, text, html, now);
}

void Notifier::sms(std::string_view to, std::string_view name, const ctemplate::TemplateDictionary& dict,
                   std::int64_t now, std::string_view language) {
    const std::string text = templates_.render("sms/" + std::string(name) + ".txt", dict, language);
    outbox_.enqueue("sms", to, "", without_trailing_newlines(text), "", now);
}

}  // namespace gatehouse::accounts
