// Persian mail and SMS end to end (README: *Languages*): a user who signed up in Persian gets the
// phone-change notice, the new-device notice, the one-time code by mail and by SMS, the two-factor
// notices, the password reset and both email-change mails in Persian, right to left — also when the
// request that caused one states no language or another; a phone login's SMS is in its holder's
// language, else the request's; an English user still gets English.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "mail_text.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;
namespace api = gatehouse::e2e::api;

namespace {

const std::string kRtl = "<html lang=\"fa\" dir=\"rtl\">";

// With the new-device notice on, which the shared stack leaves off.
Stack& mail_stack() {
    static Stack stack([] {
        StackOptions options;
        options.new_device_mail = true;
        return options;
    }());
    return stack;
}

// The mail to the address whose subject reads `subject`, decoded; waits (bounded) for it.
Decoded mail_titled(const Stack& stack, const std::string& to, const std::string& subject) {
    Decoded found;
    std::string seen;
    const bool arrived = wait_until(10s, [&] {
        seen.clear();
        for (const auto& mail : Mailbox(stack).to(to)) {
            auto decoded = decode(mail);
            if (decoded.subject == subject) {
                found = std::move(decoded);
                return true;
            }
            seen += " \"" + decoded.subject + "\"";
        }
        return false;
    }, 100ms);
    BOOST_TEST_REQUIRE(arrived, "no mail \"" << subject << "\" to " << to << "; came:" << seen);
    return found;
}

// A mail as a Persian reader gets it: `phrase` (a sentence of the translation) in its text and HTML
// parts, `english` (the sentence it translates) in neither, the HTML right to left.
void expect_persian(const Decoded& mail, const std::string& phrase, const std::string& english) {
    BOOST_TEST_CONTEXT(mail.subject) {
        BOOST_TEST(mail.text.starts_with("سلام،"));
        BOOST_TEST(contains(mail.text, phrase));
        BOOST_TEST(contains(mail.html, phrase));
        BOOST_TEST(lacks(mail.text, english));
        BOOST_TEST(lacks(mail.html, english));
        BOOST_TEST(contains(mail.html, kRtl));
    }
}

// Signs up in a browser that asks for Persian (the account's language is then Persian), verifies
// with the code of the Persian mail, and logs in.
void sign_up_in_persian(Browser& browser, const std::string& email) {
    browser.send_always("Accept-Language", "fa-IR,fa;q=0.9");
    BOOST_TEST_REQUIRE(sign_up(browser, email).status == 302);
    const auto mail = decode(Mailbox(browser.stack()).wait_for(email));
    BOOST_TEST_REQUIRE(browser.submit("/accounts/verify/", {{"code", api::code_in(mail.text)}}).status == 302);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
}

// The current code of an authenticator with this base32 secret (python3-pyotp).
std::string authenticator_code(const Stack& stack, const std::string& secret) {
    return api::pyotp_code(stack.dir(), secret);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(languages_mail)

BOOST_AUTO_TEST_CASE(a_persian_user_gets_every_mail_and_sms_in_persian) {
    Stack& stack = mail_stack();
    Browser browser(stack);
    const std::string email = unique_email("fa-mails");
    sign_up_in_persian(browser, email);

    const std::string phone = unique_phone();
    BOOST_TEST_REQUIRE(browser.submit("/accounts/profile/", {{"phone", phone}}).status == 302);
    expect_persian(mail_titled(stack, email, "شمارهٔ تلفن شما تغییر کرد"),
                   "شمارهٔ تلفن حساب Gatehouse شما همین حالا تغییر کرد.", "The phone number of your Gatehouse account");

    // The API from another device, stating no language: the account's is Persian still.
    api::ApiClient app(stack);
    const std::string token = api::token_auth(api::api_token(app, email, kGoodPassword));
    const auto device = mail_titled(stack, email, "ورودی تازه به حساب شما");
    expect_persian(device, "همین حالا از دستگاهی که به‌تازگی دیده نشده بود، به حساب Gatehouse شما وارد شدند:", "was just signed in to");
    BOOST_TEST(contains(device.text, "Firefox روی Linux"));

    BOOST_TEST_REQUIRE(app.post("/api/auth/otp/send/", {{"channel", "email"}}, token).status == 200);
    expect_persian(mail_titled(stack, email, "کد تأیید شما"), "کد تأیید Gatehouse شما:", "Your Gatehouse verification code");
    BOOST_TEST_REQUIRE(app.post("/api/auth/otp/send/", {{"channel", "sms"}}, token).status == 200);
    const std::string sms = api::Outbox(stack).wait_sms(phone);
    const std::string code = api::code_in(sms);
    BOOST_TEST(sms == "کد Gatehouse شما:\n" + code + "\nاین کد ۱۰ دقیقه اعتبار دارد.");
    BOOST_TEST_REQUIRE(app.post("/api/auth/otp/verify/", {{"code", code}}, token).status == 200);  // the phone is proved

    // A phone login to the proved number, asked for in English: the SMS is in its holder's language.
    BOOST_TEST_REQUIRE(app.call("POST", "/api/auth/phone/login/", {{"phone", phone}}, {}, {{"Accept-Language", "en"}}).status == 200);
    const std::string login_sms = api::Outbox(stack).wait_sms(phone, 2);
    BOOST_TEST(login_sms == "کد ورود Gatehouse شما:\n" + api::code_in(login_sms) + "\nاین کد ۱۰ دقیقه اعتبار دارد.");

    const auto begin = app.post("/api/auth/mfa/totp/", api::json::object(), token);
    BOOST_TEST_REQUIRE(begin.status == 200, api::show(begin));
    const auto on = app.post("/api/auth/mfa/totp/confirm/", {{"code", authenticator_code(stack, begin.json().at("secret"))}}, token);
    BOOST_TEST_REQUIRE(on.status == 200, api::show(on));
    expect_persian(mail_titled(stack, email, "احراز هویت دومرحله‌ای روشن شد"),
                   "احراز هویت دومرحله‌ای برای حساب شما روشن شد: از این پس ورود، کدی از برنامهٔ احراز هویت شما را هم می‌خواهد.",
                   "Two-factor authentication was turned on");
    const auto off = app.post("/api/auth/mfa/totp/disable/", {{"password", kGoodPassword}}, token);
    BOOST_TEST_REQUIRE(off.status == 200, api::show(off));
    expect_persian(mail_titled(stack, email, "احراز هویت دومرحله‌ای خاموش شد"),
                   "احراز هویت دومرحله‌ای برای حساب شما خاموش شد: اکنون ورود فقط گذرواژه را می‌خواهد.",
                   "Two-factor authentication was turned off");

    // A reset asked for by an English browser: the mail is in the account's language.
    Browser stranger(stack);
    BOOST_TEST_REQUIRE(stranger.submit("/accounts/password/reset/", {{"email", email}}).status == 200);
    expect_persian(mail_titled(stack, email, "بازنشانی گذرواژه"),
                   "این پیوند ۱ ساعت اعتبار دارد و یک بار کار می‌کند. اگر برنامه‌ای به‌جای آن کد خواست، این را وارد کنید:", "The link is valid for 1 hour");

    // An email change: the confirmation to the new address, then the notice to the old one.
    const std::string new_email = unique_email("fa-mails-new");
    const auto asked = app.patch("/api/me/", {{"email", new_email}}, token);
    BOOST_TEST_REQUIRE(asked.status == 200, api::show(asked));
    const auto confirm = mail_titled(stack, new_email, "نشانی ایمیل تازهٔ خود را تأیید کنید");
    expect_persian(confirm,
                   "این کد ۱۰ دقیقه و این پیوند ۳ روز اعتبار دارد. تا تأیید نکنید، حساب نشانی پیشین خود را نگه می‌دارد. اگر شما این را نخواسته‌اید، این ایمیل را نادیده بگیرید.",
                   "Until you confirm, the account keeps its old address.");
    const auto confirmed = app.post("/api/me/email/confirm/", {{"code", api::code_in(confirm.text)}}, token);
    BOOST_TEST_REQUIRE(confirmed.status == 200, api::show(confirmed));
    const auto notice = mail_titled(stack, email, "نشانی ایمیل شما تغییر کرد");
    expect_persian(notice,
                   "با این کار، این نشانی به حساب بازمی‌گردد و حساب از همه‌جا خارج می‌شود:",
                   "It gives the account this address back");
    BOOST_TEST(contains(notice.text, new_email));
}

BOOST_AUTO_TEST_CASE(a_phone_login_sms_to_a_new_number_is_in_the_requests_language) {
    Stack& stack = mail_stack();
    api::ApiClient app(stack);
    api::Outbox outbox(stack);
    const std::string persian = unique_phone();
    BOOST_TEST_REQUIRE(app.call("POST", "/api/auth/phone/login/", {{"phone", persian}}, {}, {{"Accept-Language", "fa"}}).status == 200);
    const std::string to_persian = outbox.wait_sms(persian);
    BOOST_TEST(to_persian == "کد ورود Gatehouse شما:\n" + api::code_in(to_persian) + "\nاین کد ۱۰ دقیقه اعتبار دارد.");
    const std::string english = unique_phone();
    BOOST_TEST_REQUIRE(app.post("/api/auth/phone/login/", {{"phone", english}}).status == 200);
    const std::string to_english = outbox.wait_sms(english);
    BOOST_TEST(to_english == "Your Gatehouse login code is:\n" + api::code_in(to_english) + "\nIt is valid for 10 minutes.");
}

BOOST_AUTO_TEST_CASE(an_english_user_still_gets_english) {
    Stack& stack = mail_stack();
    const std::string email = unique_email("en-mails");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const std::string phone = unique_phone();
    BOOST_TEST_REQUIRE(browser.submit("/accounts/profile/", {{"phone", phone}}).status == 302);
    const auto changed = mail_titled(stack, email, "Your phone number was changed");
    BOOST_TEST(changed.text.starts_with("Hello,"));
    BOOST_TEST(contains(changed.text, "The phone number of your Gatehouse account was just changed."));
    BOOST_TEST(contains(changed.html, "<html lang=\"en\" dir=\"ltr\">"));
    BOOST_TEST(lacks(changed.text, "شمارهٔ تلفن حساب Gatehouse شما همین حالا تغییر کرد."));

    api::ApiClient app(stack);
    const std::string token = api::token_auth(api::api_token(app, email, kGoodPassword));
    BOOST_TEST(contains(mail_titled(stack, email, "A new sign-in to your account").text, "Device: Firefox on Linux"));
    BOOST_TEST_REQUIRE(app.post("/api/auth/otp/send/", {{"channel", "sms"}}, token).status == 200);
    const std::string sms = api::Outbox(stack).wait_sms(phone);
    BOOST_TEST(sms == "Your Gatehouse code is:\n" + api::code_in(sms) + "\nIt is valid for 10 minutes.");
}

BOOST_AUTO_TEST_SUITE_END()
