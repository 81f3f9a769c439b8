#include "gatehouse/web/render.hpp"

#include "gatehouse/web/language.hpp"

// The names this file sets on every page, with their ctemplate ids made once (STS_INIT): a name
// given as a plain string is hashed and registered in ctemplate's global id map each time it is set,
// an eighth of a session page's instructions (callgrind).
static const ctemplate::StaticTemplateString kContent = STS_INIT(kContent, "CONTENT");
static const ctemplate::StaticTemplateString kTitle = STS_INIT(kTitle, "TITLE");
static const ctemplate::StaticTemplateString kNavAnonymous = STS_INIT(kNavAnonymous, "NAV_ANONYMOUS");
static const ctemplate::StaticTemplateString kUserLabel = STS_INIT(kUserLabel, "USER_LABEL");
static const ctemplate::StaticTemplateString kNavUser = STS_INIT(kNavUser, "NAV_USER");
static const ctemplate::StaticTemplateString kNavStaff = STS_INIT(kNavStaff, "NAV_STAFF");
static const ctemplate::StaticTemplateString kFlash = STS_INIT(kFlash, "FLASH");
static const ctemplate::StaticTemplateString kFlashText = STS_INIT(kFlashText, "FLASH_TEXT");
static const ctemplate::StaticTemplateString kFlashLevel = STS_INIT(kFlashLevel, "FLASH_LEVEL");
static const ctemplate::StaticTemplateString kHtmlLang = STS_INIT(kHtmlLang, "HTML_LANG");
static const ctemplate::StaticTemplateString kHtmlDir = STS_INIT(kHtmlDir, "HTML_DIR");
static const ctemplate::StaticTemplateString kSwitch = STS_INIT(kSwitch, "LANGUAGE_SWITCH");
static const ctemplate::StaticTemplateString kSwitchCsrf = STS_INIT(kSwitchCsrf, "SWITCH_CSRF_TOKEN");
static const ctemplate::StaticTemplateString kSwitchNext = STS_INIT(kSwitchNext, "SWITCH_NEXT");
static const ctemplate::StaticTemplateString kSwitchOptions = STS_INIT(kSwitchOptions, "SWITCH_OPTIONS");

namespace gatehouse::web {

std::string render_layout(const core::Templates& templates, const std::string& content_template,
                          const ctemplate::TemplateDictionary& content, const Layout& layout) {
    ctemplate::TemplateDictionary page("layout");
    page.SetValue(kContent, templates.render(content_template, content, layout.language));  // escaped by its own template
    page.SetValue(kTitle, layout.title);
    page.SetValue(kHtmlLang, layout.language);
    page.SetValue(kHtmlDir, core::right_to_left(layout.language) ? "rtl" : "ltr");
    const auto& languages = templates.translations().languages();
    if (!layout.csrf_token.empty() && languages.size() > 1) {
        // Values on the page and the options as one string: a section dictionary each would cost
        // thousands of instructions on every page (callgrind). The options hold only language codes
        // (lower-case letters, core::Translations) and their names (language_name), nothing a request brings.
        page.ShowSection(kSwitch);
        page.SetValue(kSwitchCsrf, layout.csrf_token);
        page.SetValue(kSwitchNext, layout.path);
        std::string options;
        for (const auto& language : languages)
            options += "<option value=\"" + language + (language == layout.language ? "\" selected>" : "\">") +
                       language_name(language) + "</option>";
        page.SetValue(kSwitchOptions, options);
    }
    if (layout.user_label.empty()) {
        page.ShowSection(kNavAnonymous);
    } else {
        // The label is set on the page, where the section finds it: SetValueAndShowSection would
        // give the section a dictionary of its own, 3,400 instructions (callgrind).
        page.SetValue(kUserLabel, layout.user_label);
        page.ShowSection(kNavUser);
        if (layout.staff) page.ShowSection(kNavStaff);
    }
    if (!layout.flash_text.empty()) {
        auto* flash = page.AddSectionDictionary(kFlash);
        flash->SetValue(kFlashText, layout.flash_text);
        flash->SetValue(kFlashLevel, layout.flash_level.empty() ? "info" : layout.flash_level);
    }
    return templates.render("base.html", page, layout.language);
}

http::Response render_page(const Context& ctx, int status, const std::string& title,
                           const std::string& content_template, ctemplate::TemplateDictionary& dict) {
    Layout layout;
    layout.title = ctx.tr(title);
    layout.language = ctx.language;
    return http::Response::html(status, render_layout(ctx.templates, content_template, dict, layout));
}

void set_error(const Context& ctx, ctemplate::TemplateDictionary& dict, int status, const std::string& message) {
    dict.SetIntValue("STATUS", status);
    dict.SetValue("REASON", std::string(ctx.tr(http::reason_phrase(status))));
    dict.SetValue("MESSAGE", message);
}

}  // namespace gatehouse::web
