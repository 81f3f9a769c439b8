// Persian (README: *Languages*): a browser that asks for it by Accept-Language gets the pages, their
// form errors and flash messages in Persian, right to left; its mails follow; the API's details are
// Persian with the same codes; codes typed in Persian digits verify; the footer's switch (the
// django_language cookie) wins over the header.
#include "api_client.hpp"
#include "browser.hpp"
#include "http_client.hpp"
#include "mail_text.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace gatehouse::e2e;

namespace {

const std::string kRtl = "<html lang=\"fa\" dir=\"rtl\">";

// The 6-digit code set on a line of its own in a decoded text part.
std::string code_in(const std::string& text) {
    for (std::size_t at = 0; at < text.size();) {
        auto end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        const std::string line = trim(text.substr(at, end - at));
        if (line.size() == 6 && line.find_first_not_of("0123456789") == std::string::npos) return line;
        at = end + 1;
    }
    return {};
}

// "123456" in Persian digits (U+06F0…).
std::string persian_digits(const std::string& code) {
    std::string out;
    for (char c : code) out += std::string{'\xDB', static_cast<char>(0xB0 + (c - '0'))};
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(languages)

BOOST_AUTO_TEST_CASE(a_persian_browser_signs_up_verifies_with_persian_digits_and_logs_in) {
    auto& stack = shared_stack();
    Browser browser(stack);
    browser.send_always("Accept-Language", "fa-IR,fa;q=0.9,en;q=0.5");

    const auto signup = browser.get("/accounts/signup/");
    BOOST_TEST(signup.status == 200);
    BOOST_TEST(signup.body.find(kRtl) != std::string::npos);
    BOOST_TEST(signup.body.find("<h1>حساب خود را بسازید</h1>") != std::string::npos);
    BOOST_TEST(signup.body.find("<title>ثبت‌نام · Gatehouse</title>") != std::string::npos);

    // A form error, in Persian, next to its field.
    const auto refused = browser.submit("/accounts/signup/", {{"email", ""}, {"password1", ""}, {"password2", ""}});
    BOOST_TEST(refused.status == 200);
    BOOST_TEST(error_next_to(refused.body, "email", "این فیلد الزامی است."));
    BOOST_TEST(refused.body.find("This field is required.") == std::string::npos);

    // The flash after signing up, and the verification mail, in Persian.
    const std::string email = unique_email("fa");
    const auto signed_up = sign_up(browser, email);
    BOOST_TEST_REQUIRE(signed_up.status == 302);
    const auto verify_page = browser.follow(signed_up);
    BOOST_TEST(verify_page.body.find(kRtl) != std::string::npos);
    BOOST_TEST(flash_text(verify_page.body) == "خوش آمدید! یک کد و پیوند تأیید به " + email + " فرستادیم.");
    BOOST_TEST(verify_page.body.find("<h1>ایمیل خود را تأیید کنید</h1>") != std::string::npos);

    const auto mail = decode(Mailbox(stack).wait_for(email));
    BOOST_TEST(mail.subject == "نشانی ایمیل خود را تأیید کنید");
    BOOST_TEST(mail.text.find("یا این کد را در صفحهٔ تأیید وارد کنید:") != std::string::npos);
    BOOST_TEST(mail.html.find("<html lang=\"fa\" dir=\"rtl\">") != std::string::npos);
    const std::string code = code_in(mail.text);
    BOOST_TEST_REQUIRE(code.size() == 6u);

    // The code typed in Persian digits verifies.
    const auto verified = browser.submit("/accounts/verify/", {{"code", persian_digits(code)}});
    BOOST_TEST(verified.status == 302);
    BOOST_TEST(verified.header("Location").value_or("") == "/accounts/login/");
    const auto login = browser.follow(verified);
    BOOST_TEST(login.body.find(kRtl) != std::string::npos);
    BOOST_TEST(login.body.find("<h1>ورود</h1>") != std::string::npos);
    BOOST_TEST(flash_text(login.body) == "نشانی ایمیل شما تأیید شد. اکنون می‌توانید وارد شوید.");

    // A wrong password: the page's message in Persian; then the right one.
    const auto wrong = log_in(browser, email, "Not-the-Passw0rd");
    BOOST_TEST(wrong.status == 200);
    BOOST_TEST(wrong.body.find("لطفاً ایمیل و گذرواژهٔ درست را وارد کنید.") != std::string::npos);
    BOOST_TEST(log_in(browser, email).status == 302);
    const auto profile = browser.get("/accounts/profile/");
    BOOST_TEST(profile.body.find("<h1>نمایهٔ شما</h1>") != std::string::npos);
    BOOST_TEST(profile.body.find(kRtl) != std::string::npos);
}

// An account made in English that is then used in Persian gets its next mail in Persian.
BOOST_AUTO_TEST_CASE(mails_follow_the_language_the_user_last_used) {
    auto& stack = shared_stack();
    const std::string email = unique_email("fa-mail");
    sign_up_verified(stack, email);  // in English: the verification mail was English
    BOOST_TEST(decode(Mailbox(stack).wait_for(email)).subject == "Confirm your email address");

    Browser browser(stack);
    browser.send_always("Accept-Language", "fa");
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    BOOST_TEST(browser.get("/accounts/password/change/").body.find("<h1>تغییر گذرواژه</h1>") != std::string::npos);
    const std::string next_password = "Dige-Gozarvazhe-42";
    const auto changed = browser.post("/accounts/password/change/", {{"old_password", kGoodPassword},
                                                                     {"new_password1", next_password},
                                                                     {"new_password2", next_password}});
    BOOST_TEST_REQUIRE(changed.status == 302);
    BOOST_TEST(flash_text(browser.follow(changed).body) == "گذرواژهٔ شما تغییر کرد.");
    const auto notice = decode(Mailbox(stack).wait_for(email, 2));
    BOOST_TEST(notice.subject == "گذرواژهٔ شما تغییر کرد");
    BOOST_TEST(notice.text.find("گذرواژهٔ حساب Gatehouse شما همین حالا تغییر کرد") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(english_stays_the_default_and_english_pages_say_ltr) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const auto page = browser.get("/accounts/login/");
    BOOST_TEST(page.body.find("<html lang=\"en\" dir=\"ltr\">") != std::string::npos);
    BOOST_TEST(page.body.find("<h1>Log in</h1>") != std::string::npos);
    browser.send_always("Accept-Language", "de-DE,de;q=0.9");  // a language the site does not speak
    BOOST_TEST(browser.get("/accounts/login/").body.find("<h1>Log in</h1>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_footer_switch_sets_the_cookie_which_wins_over_accept_language) {
    auto& stack = shared_stack();
    Browser browser(stack);
    browser.send_always("Accept-Language", "fa");
    const auto persian = browser.get("/accounts/login/");
    BOOST_TEST(persian.body.find("action=\"/i18n/setlang/\"") != std::string::npos);
    BOOST_TEST(persian.body.find("<option value=\"fa\" selected>فارسی</option>") != std::string::npos);

    // Another site as `next` is not followed.
    const auto away = browser.post("/i18n/setlang/", {{"language", "en"}, {"next", "//evil.example/"}});
    BOOST_TEST(away.status == 302);
    BOOST_TEST(away.header("Location").value_or("") == "/");

    const auto switched = browser.post("/i18n/setlang/", {{"language", "en"}, {"next", "/accounts/login/?next=/accounts/devices/"}});
    BOOST_TEST(switched.status == 302);
    BOOST_TEST(switched.header("Location").value_or("") == "/accounts/login/?next=/accounts/devices/");
    const auto cookie = set_cookie_header(switched, "django_language");
    BOOST_TEST_REQUIRE(cookie.has_value());
    BOOST_TEST(cookie->starts_with("django_language=en;"));
    BOOST_TEST(cookie_attribute(*cookie, "Max-Age").value_or("") == "31536000");
    BOOST_TEST(cookie_attribute(*cookie, "SameSite").value_or("") == "Lax");
    BOOST_TEST(cookie_attribute(*cookie, "Path").value_or("") == "/");
    const auto english = browser.follow(switched);
    BOOST_TEST(english.body.find("<h1>Log in</h1>") != std::string::npos);  // the cookie wins over Accept-Language: fa

    // A language the site does not speak changes nothing; without a CSRF token the switch is refused.
    const auto unknown = browser.post("/i18n/setlang/", {{"language", "xx"}, {"next", "/"}});
    BOOST_TEST(!set_cookie_header(unknown, "django_language").has_value());
    BOOST_TEST(browser.post("/i18n/setlang/", {{"language", "fa"}, {"csrfmiddlewaretoken", "x"}}).status == 403);
}

BOOST_AUTO_TEST_CASE(api_details_follow_accept_language_and_codes_do_not_change) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    const auto english = client.call("POST", "/api/auth/token/", {{"email", "nobody@example.com"}, {"password", "x"}});
    const auto persian = client.call("POST", "/api/auth/token/", {{"email", "nobody@example.com"}, {"password", "x"}}, {},
                                     {{"Accept-Language", "fa"}});
    BOOST_TEST(english.status == 401);
    BOOST_TEST(persian.status == 401);
    BOOST_TEST(api::body_of(persian).at("code") == api::body_of(english).at("code"));
    BOOST_TEST(api::body_of(english).at("detail") == "No active account found with the given credentials");
    BOOST_TEST(api::body_of(persian).at("detail") == "هیچ حساب فعالی با این مشخصات پیدا نشد");

    // A validation error's messages too.
    const auto invalid = client.call("POST", "/api/auth/register/", {{"email", "not-an-address"}}, {}, {{"Accept-Language", "fa"}});
    BOOST_TEST(invalid.status == 400);
    BOOST_TEST(api::body_of(invalid).at("email").at(0) == "یک نشانی ایمیل معتبر وارد کنید.");
}

BOOST_AUTO_TEST_SUITE_END()
