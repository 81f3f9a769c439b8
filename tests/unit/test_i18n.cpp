// Translations: the .mo reader, the catalogues make builds, templates per language, the choice of a
// request's language, digits typed in other scripts.
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/web/language.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gatehouse;

namespace {

// A .mo file of these pairs (sorted by msgid, as msgfmt writes them), in either byte order.
std::string mo_file(const std::vector<std::pair<std::string, std::string>>& pairs, bool big_endian = false) {
    std::string out;
    auto word = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out += static_cast<char>(big_endian ? v >> (24 - 8 * i) : v >> (8 * i));
    };
    const auto n = static_cast<std::uint32_t>(pairs.size());
    const std::uint32_t originals = 28, translations = originals + 8 * n, strings = translations + 8 * n;
    word(0x950412de), word(0), word(n), word(originals), word(translations), word(0), word(0);
    std::string text;
    std::vector<std::uint32_t> table;
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& [id, str] : pairs) {
            const std::string& s = pass == 0 ? id : str;
            table.push_back(static_cast<std::uint32_t>(s.size())), table.push_back(strings + static_cast<std::uint32_t>(text.size()));
            text += s + '\0';
        }
    for (auto v : table) word(v);
    return out + text;
}

http::Request request_with(const std::string& accept_language, const std::string& cookie = "") {
    http::Request request;
    request.headers["accept-language"] = accept_language;
    if (!cookie.empty()) request.cookies[web::kLanguageCookie] = cookie;
    return request;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(i18n)

BOOST_AUTO_TEST_CASE(a_mo_file_is_read_in_either_byte_order) {
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"", "Content-Type: text/plain; charset=UTF-8\n"}, {"Log in", "ورود"}, {"Save", ""}};
    for (bool big : {false, true}) {
        const auto catalog = core::Catalog::from_mo(mo_file(pairs, big));
        BOOST_TEST(catalog.translate("Log in") == "ورود");
        BOOST_TEST(catalog.translate("Save") == "Save");          // an empty msgstr is no translation
        BOOST_TEST(catalog.translate("Sign up") == "Sign up");    // nor is a missing one
        BOOST_TEST(catalog.size() == 1u);                         // the header is not a message
    }
    BOOST_CHECK_THROW(core::Catalog::from_mo("not a catalogue at all"), std::runtime_error);
    std::string truncated = mo_file(pairs);
    truncated.resize(truncated.size() - 12);
    BOOST_CHECK_THROW(core::Catalog::from_mo(truncated), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(the_built_persian_catalogue_is_found_and_used) {
    const core::Translations translations("locale");  // make builds it from po/fa.po
    BOOST_TEST(translations.languages().front() == "en");
    BOOST_TEST(translations.has("fa"));
    BOOST_TEST(!translations.has("de"));
    BOOST_TEST(translations.catalog("fa").translate("Log in") == "ورود");
    BOOST_TEST(translations.catalog("en").translate("Log in") == "Log in");
    BOOST_TEST(translations.catalog("de").translate("Log in") == "Log in");  // unknown: English
    BOOST_TEST(core::right_to_left("fa"));
    BOOST_TEST(!core::right_to_left("en"));
}

BOOST_AUTO_TEST_CASE(a_message_filled_in_english_is_translated_with_its_value) {
    const auto fa = core::Catalog::from_mo(mo_file({
        {"Method \"{method}\" not allowed.", "روش «{method}» مجاز نیست."},
        {"at least {n} character.", "دست‌کم {n} نویسه."},
        {"at least {n} characters.", "دست‌کم {n} نویسه‌ها."},
        {"{browser} on {system}", "{browser} روی {system}"},  // two blanks: only ever translated whole
        {"Log in", "ورود"},
    }));
    BOOST_TEST(fa.translate_filled("Method \"PATCH\" not allowed.") == "روش «PATCH» مجاز نیست.");
    BOOST_TEST(fa.translate_filled("Method \"{x} {method}\" not allowed.") == "روش «{x} {method}» مجاز نیست.");
    BOOST_TEST(fa.translate_filled("at least 1 character.") == "دست‌کم 1 نویسه.");
    BOOST_TEST(fa.translate_filled("at least 8 characters.") == "دست‌کم 8 نویسه‌ها.");
    BOOST_TEST(fa.translate_filled("Log in") == "ورود");
    BOOST_TEST(fa.translate_filled("Chrome on Linux") == "Chrome on Linux");
    BOOST_TEST(fa.translate_filled("Method PATCH not allowed.") == "Method PATCH not allowed.");
    BOOST_TEST(core::Catalog{}.translate_filled("Method \"PATCH\" not allowed.") == "Method \"PATCH\" not allowed.");
}

BOOST_AUTO_TEST_CASE(device_names_are_shown_in_the_language) {
    const core::Translations translations("locale");
    const auto& fa = translations.catalog("fa");
    const std::string firefox = accounts::describe_device("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    BOOST_TEST(firefox == "Firefox on Linux");  // stored and sent by the API in English
    BOOST_TEST(accounts::translated_device(fa, firefox) == "Firefox روی Linux");
    BOOST_TEST(accounts::translated_device(fa, accounts::describe_device("")) == "دستگاه ناشناخته");
    BOOST_TEST(accounts::translated_device(fa, "curl") == "curl");
    BOOST_TEST(accounts::translated_device(fa, "Lynx") == "Lynx");
    BOOST_TEST(accounts::translated_device(translations.catalog("en"), firefox) == firefox);
}

BOOST_AUTO_TEST_CASE(template_markers_are_replaced_by_their_translation) {
    const auto fa = core::Catalog::from_mo(mo_file({{"Hello {{NAME}}", "سلام {{NAME}}"}, {"Log in", "ورود"}}));
    BOOST_TEST(core::translate_markers("<h1>{{_ Log in _}}</h1><p>{{_ Hello {{NAME}} _}}</p>", fa) ==
               "<h1>ورود</h1><p>سلام {{NAME}}</p>");
    BOOST_TEST(core::translate_markers("<h1>{{_ Log in _}}</h1>{{_ Not there _}}", core::Catalog{}) ==
               "<h1>Log in</h1>Not there");
    BOOST_CHECK_THROW(core::translate_markers("<h1>{{_ Log in</h1>", fa), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(pages_render_per_language_and_escape_as_before) {
    const core::Templates templates("templates", core::Translations("locale"));
    ctemplate::TemplateDictionary dict("login");
    dict.SetValue("EMAIL", "<a@example.org>");
    const std::string en = templates.render("accounts/login.html", dict);
    const std::string fa = templates.render("accounts/login.html", dict, "fa");
    BOOST_TEST(en.find("<h1>Log in</h1>") != std::string::npos);
    BOOST_TEST(fa.find("<h1>ورود</h1>") != std::string::npos);
    BOOST_TEST(fa.find("&lt;a@example.org&gt;") != std::string::npos);
    BOOST_TEST(templates.render("accounts/login.html", dict, "xx") == en);
}

BOOST_AUTO_TEST_CASE(accept_language_is_read_by_quality_then_order) {
    const core::Translations translations("locale");
    BOOST_TEST(web::accept_language_choice(translations, "fa") == "fa");
    BOOST_TEST(web::accept_language_choice(translations, "fa-IR,fa;q=0.9,en-US;q=0.8,en;q=0.7") == "fa");
    BOOST_TEST(web::accept_language_choice(translations, "en;q=0.5, FA;q=0.8") == "fa");
    BOOST_TEST(web::accept_language_choice(translations, "de, fa;q=0.1, en;q=0.2") == "en");
    BOOST_TEST(web::accept_language_choice(translations, "de, fr;q=0.9") == "");
    BOOST_TEST(web::accept_language_choice(translations, "fa;q=0, en;q=0.1") == "en");   // q=0: not acceptable
    BOOST_TEST(web::accept_language_choice(translations, "fa;q=bogus") == "");
    BOOST_TEST(web::accept_language_choice(translations, "*") == "en");
    BOOST_TEST(web::accept_language_choice(translations, "") == "");
}

BOOST_AUTO_TEST_CASE(the_cookie_wins_then_the_header_then_the_setting) {
    const core::Translations translations("locale");
    BOOST_TEST(web::choose_language(translations, request_with("fa", "en"), "en") == "en");
    BOOST_TEST(web::choose_language(translations, request_with("en", "fa"), "en") == "fa");
    BOOST_TEST(web::choose_language(translations, request_with("fa", "klingon"), "en") == "fa");  // unknown cookie: ignored
    BOOST_TEST(web::choose_language(translations, request_with("de"), "fa") == "fa");
    BOOST_TEST(web::choose_language(translations, request_with(""), "en") == "en");
    BOOST_TEST(web::choose_language(translations, request_with(""), "xx") == "en");
}

BOOST_AUTO_TEST_CASE(persian_and_arabic_indic_digits_become_ascii) {
    BOOST_TEST(core::ascii_digits("۱۲۳۴۵۶") == "123456");
    BOOST_TEST(core::ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789");
    BOOST_TEST(core::ascii_digits("۰۹ 12 ٩") == "09 12 9");
    BOOST_TEST(core::ascii_digits("abc-ۺ٪") == "abc-ۺ٪");  // letters and signs of those blocks stay
    BOOST_TEST(core::ascii_digits("\xDB") == "\xDB");        // a cut sequence stays as it was
}

BOOST_AUTO_TEST_SUITE_END()
