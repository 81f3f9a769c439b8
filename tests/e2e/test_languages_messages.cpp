// Persian (README: *Languages*) where a message carries a value or a name: a password rule's length,
// a refused choice, a refused method or media type, the error pages' HTTP reason, the devices page's
// device names and kinds; and the email change and undo pages.
#include "api_client.hpp"
#include "browser.hpp"
#include "http_client.hpp"
#include "mail_text.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace gatehouse::e2e;
using api::json;

namespace {

const HeaderList kPersian = {{"Accept-Language", "fa"}};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(languages_messages)

BOOST_AUTO_TEST_CASE(api_messages_with_values_are_persian_with_the_value_kept) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    const json short_password = {{"email", api::unique_email("fa-short")}, {"password", "Ab1-x"}, {"password2", "Ab1-x"}};
    const auto english = client.post("/api/auth/register/", short_password);
    BOOST_TEST_REQUIRE(english.status == 400, api::show(english));
    BOOST_TEST(english.json().at("password").at(0) ==
               "This password is too short. It must contain at least 8 characters.");
    const auto persian = client.call("POST", "/api/auth/register/", short_password, {}, kPersian);
    BOOST_TEST_REQUIRE(persian.status == 400, api::show(persian));
    BOOST_TEST(persian.json().at("password").at(0) == "این گذرواژه بیش از حد کوتاه است. باید دست‌کم 8 نویسه داشته باشد.");

    // A choice the user typed comes back inside the Persian sentence.
    const std::string email = api::unique_email("fa-gender");
    api::verified_user(client, email);
    const std::string token = api::token_auth(api::api_token(client, email));
    const auto gender = client.call("PATCH", "/api/me/", {{"gender", "robot"}}, token, kPersian);
    BOOST_TEST_REQUIRE(gender.status == 400, api::show(gender));
    BOOST_TEST(gender.json().at("gender").at(0) == "یک گزینهٔ معتبر انتخاب کنید. «robot» یکی از گزینه‌های موجود نیست.");

    // The router's own refusals: the detail is Persian, the code is not.
    const auto method = client.call("PUT", "/api/auth/token/", json::object(), {}, kPersian);
    BOOST_TEST(method.status == 405);
    BOOST_TEST(method.json().at("code") == "method_not_allowed");
    BOOST_TEST(method.json().at("detail") == "روش «PUT» مجاز نیست.");
    HttpClient http({.cookies = false});
    const auto media = http.request("POST", stack.https_url("/api/auth/token/"), "email=x",
                                    {{"Accept-Language", "fa"}, {"Content-Type", "text/plain"}});
    BOOST_TEST(media.status == 415);
    BOOST_TEST(media.json().at("code") == "unsupported_media_type");
    BOOST_TEST(media.json().at("detail") == "نوع رسانهٔ «text/plain» در درخواست پشتیبانی نمی‌شود.");
}

BOOST_AUTO_TEST_CASE(api_answers_that_went_well_are_persian_too) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    const std::string email = api::unique_email("fa-ok");
    api::verified_user(client, email);
    const std::string token = api::token_auth(api::api_token(client, email));
    const auto channel = client.call("POST", "/api/auth/otp/send/", {{"channel", "pigeon"}}, token, kPersian);
    BOOST_TEST_REQUIRE(channel.status == 400, api::show(channel));
    BOOST_TEST(channel.json().at("channel").at(0) == "«pigeon» گزینهٔ معتبری نیست.");
    const auto out = client.call("POST", "/api/auth/logout/", json::object(), token, kPersian);
    BOOST_TEST_REQUIRE(out.status == 200, api::show(out));
    BOOST_TEST(out.json().at("detail") == "خارج شدید.");
}

BOOST_AUTO_TEST_CASE(the_csrf_page_gives_its_reason_in_persian) {
    auto& stack = shared_stack();
    Browser browser(stack);
    browser.send_always("Accept-Language", "fa");
    BOOST_TEST_REQUIRE(browser.get("/accounts/login/").status == 200);  // the CSRF cookie
    const auto refused = browser.post("/accounts/login/", {{"email", "x@example.com"}, {"password", "x"},
                                                            {"csrfmiddlewaretoken", std::string(64, 'a')}});
    BOOST_TEST(refused.status == 403);
    BOOST_TEST(contains(refused.body, "توکن CSRF وجود ندارد یا نادرست است."), refused.body);
    BOOST_TEST(!contains(refused.body, "CSRF token missing or incorrect."));
}

BOOST_AUTO_TEST_CASE(a_page_form_error_with_a_value_is_persian) {
    auto& stack = shared_stack();
    Browser browser(stack);
    browser.send_always("Accept-Language", "fa");
    const auto refused = browser.submit("/accounts/signup/", {{"email", unique_email("fa-short-page")},
                                                              {"password1", "Ab1-x"},
                                                              {"password2", "Ab1-x"}});
    BOOST_TEST(refused.status == 200);
    const std::string message = "این گذرواژه بیش از حد کوتاه است. باید دست‌کم 8 نویسه داشته باشد.";
    const bool shown = error_next_to(refused.body, "password1", message) || error_next_to(refused.body, "password2", message);
    BOOST_TEST(shown, refused.body);
    BOOST_TEST(!contains(refused.body, "too short"));
}

BOOST_AUTO_TEST_CASE(error_pages_name_the_status_in_persian) {
    auto& stack = shared_stack();
    Browser browser(stack);
    browser.send_always("Accept-Language", "fa");
    const auto missing = browser.get("/accounts/no-such-page/");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(contains(missing.body, "<h1>404 پیدا نشد</h1>"));
    BOOST_TEST(contains(missing.body, "<title>پیدا نشد · Gatehouse</title>"));
    BOOST_TEST(!contains(missing.body, "Not Found"));
}

BOOST_AUTO_TEST_CASE(the_devices_page_names_devices_and_kinds_in_persian) {
    auto& stack = shared_stack();
    const std::string email = unique_email("fa-devices");
    sign_up_verified(stack, email);
    api::ApiClient app(stack, "python-requests/2.31");
    api::api_token(app, email, kGoodPassword);  // an API token, from a Python client

    Browser browser(stack);  // "Mozilla/5.0 (X11; Linux x86_64) e2e-browser"
    browser.send_always("Accept-Language", "fa");
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const auto page = browser.get("/accounts/devices/");
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(contains(page.body, "Mozilla روی Linux<br><span class=\"help\">مرورگر"));
    BOOST_TEST(contains(page.body, "برنامهٔ پایتون<br><span class=\"help\">توکن API"));
    BOOST_TEST(!contains(page.body, "Browser"));
    BOOST_TEST(!contains(page.body, "Python client"));

    // The API's `device` is data and stays as it was stored.
    const auto devices = app.call("GET", "/api/me/devices/", nullptr, api::token_auth(api::api_token(app, email, kGoodPassword)), kPersian);
    BOOST_TEST_REQUIRE(devices.status == 200, api::show(devices));
    BOOST_TEST(contains(devices.body, "\"Mozilla on Linux\""));
}

BOOST_AUTO_TEST_CASE(the_email_change_and_undo_pages_are_persian) {
    auto& stack = shared_stack();
    const std::string old_email = unique_email("fa-old");
    const std::string new_email = unique_email("fa-new");
    sign_up_verified(stack, old_email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, old_email).status == 302);

    Browser persian(stack);
    persian.send_always("Accept-Language", "fa");
    BOOST_TEST_REQUIRE(log_in(persian, old_email).status == 302);
    const auto form = persian.get("/accounts/email/");
    BOOST_TEST_REQUIRE(form.status == 200);
    BOOST_TEST(contains(form.body, "<h1>تغییر ایمیل</h1>"));
    BOOST_TEST(contains(form.body, "نشانی ایمیل جدید"));
    BOOST_TEST(!contains(form.body, "New email address"));

    // The change and its confirmation from a browser that names no language (the mails follow the
    // Persian the user last used), the undo page in Persian.
    const auto asked = browser.submit("/accounts/email/", {{"email", new_email}});
    BOOST_TEST_REQUIRE(asked.status == 302, asked.body);
    const auto pending = persian.get("/accounts/email/");
    BOOST_TEST(contains(pending.body, "در انتظار تأیید: <strong dir=\"ltr\">" + new_email + "</strong>"));
    Mailbox mailbox(stack);
    const std::string code = api::code_in(decode(mailbox.wait_for(new_email)).text);
    const auto confirmed = browser.submit("/accounts/email/", {{"code", code}, {"confirm", "1"}});
    BOOST_TEST_REQUIRE(confirmed.status == 302, confirmed.body);
    const std::string undo = api::token_after(decode(mailbox.wait_for(old_email, 2)).text, "/accounts/email/undo/");
    const auto page = persian.get("/accounts/email/undo/" + undo + "/");
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(contains(page.body, "نشانی این حساب از <strong dir=\"ltr\">" + old_email + "</strong> به <strong dir=\"ltr\">" +
                                       new_email + "</strong> تغییر کرد."));
    BOOST_TEST(contains(page.body, "بازگردانی تغییر</button>"));
}

BOOST_AUTO_TEST_SUITE_END()
