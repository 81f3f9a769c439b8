// Persian (README: *Languages*) on the pages the first round left in English: the staff admin pages
// (/admin/users/, the delete confirmation, their flash messages, headings, buttons and the audit
// list's action labels, and the 403 for non-staff) and the two-factor pages (/accounts/2fa/: off, set-up,
// a wrong code, on with the recovery codes; the login's code step and its wrong-code error), each in
// Persian right to left for a browser that asks for it (Accept-Language, or the footer switch's
// django_language cookie), and still in English for one that does not. The TOTP codes come from
// python3-pyotp, never from Gatehouse's own code.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <cstdio>
#include <regex>
#include <string>

using namespace gatehouse::e2e;

namespace {

const std::string kRtl = "<html lang=\"fa\" dir=\"rtl\">";
const std::string kLtr = "<html lang=\"en\" dir=\"ltr\">";
constexpr const char* kAdmin = "/admin/users/";

// The list searched for one address (unique_email's addresses need no percent-encoding but the @).
std::string search_path(const std::string& email) {
    std::string q;
    for (char c : email) q += c == '@' ? std::string("%40") : std::string(1, c);
    return std::string(kAdmin) + "?q=" + q;
}

// The user id in the row's forms (the first row: the search finds one user).
std::string first_id(const std::string& html) {
    std::smatch m;
    if (!std::regex_search(html, m, std::regex(R"re(name="id" value="([0-9]+)")re"))) return {};
    return m[1];
}

HttpResponse act(Browser& admin, const std::string& action, const std::string& id, const std::string& q) {
    return admin.post(kAdmin, {{"action", action}, {"id", id}, {"q", q}, {"page", "1"}});
}

// pyotp's code for this base32 secret, now or `offset` seconds from now.
std::string pyotp(const std::string& secret, long offset = 0) { return api::pyotp_code(shared_stack().dir(), secret, offset); }

// A code that is not this one (each digit moved by 5): wrong whatever the clock says.
std::string other_than(std::string code) {
    for (auto& c : code) c = static_cast<char>('0' + (c - '0' + 5) % 10);
    return code;
}

std::string secret_in(const std::string& html) {
    std::smatch m;
    if (!std::regex_search(html, m, std::regex(R"(id="totp-secret">([A-Z2-7]+)<)"))) return {};
    return m[1];
}

// The login's code step for a user with TOTP: its page (200) and its hidden token.
struct CodeStep {
    HttpResponse page;
    std::string token;
};
CodeStep code_step(Browser& browser, const std::string& email) {
    CodeStep step{log_in(browser, email), {}};
    BOOST_TEST_REQUIRE(step.page.status == 200, "login: " << step.page.status << " " << step.page.body.substr(0, 300));
    step.token = input_value(step.page.body, "mfa_token").value_or("");
    BOOST_TEST_REQUIRE(!step.token.empty());
    return step;
}

HttpResponse send_code(Browser& browser, const std::string& token, const std::string& code) {
    return browser.post("/accounts/login/2fa/", {{"mfa_token", token}, {"code", code}, {"next", ""}, {"remember", ""}});
}

// The footer's switch: this browser speaks Persian from now on (the django_language cookie).
void switch_to_persian(Browser& browser) {
    BOOST_TEST_REQUIRE(browser.get("/accounts/login/").status == 200);
    const auto switched = browser.post("/i18n/setlang/", {{"language", "fa"}, {"next", "/accounts/login/"}});
    BOOST_TEST_REQUIRE(switched.status == 302);
    BOOST_TEST_REQUIRE(browser.cookie("django_language").value_or("") == "fa");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(languages_pages)

BOOST_AUTO_TEST_CASE(a_persian_staff_member_sees_the_admin_pages_and_their_flashes_in_persian) {
    auto& stack = shared_stack();
    Browser admin(stack);
    admin.send_always("Accept-Language", "fa-IR,fa;q=0.9,en;q=0.5");
    const std::string admin_email = staff_logged_in(admin, "fa-admin");
    const std::string email = unique_email("fa-admin-target");
    sign_up_verified(stack, email);

    const auto listed = admin.get(search_path(email));
    BOOST_TEST_REQUIRE(listed.status == 200);
    BOOST_TEST(contains(listed.body, kRtl));
    BOOST_TEST(contains(listed.body, "<title>کاربران (مدیریت) · Gatehouse</title>"));
    BOOST_TEST(contains(listed.body, "<h1>کاربران</h1>"));
    BOOST_TEST(contains(listed.body, "placeholder=\"ایمیل، نام یا تلفن\""));
    BOOST_TEST(contains(listed.body, "1 کاربر · صفحهٔ 1 از 1"));
    BOOST_TEST(contains(listed.body, "<th>تأییدشده</th><th>فعال</th><th>کارکنان</th><th>تاریخ عضویت</th>"));
    BOOST_TEST(contains(listed.body, "<td><bdi>" + email + "</bdi></td>"), "the address isolated, left to right");
    BOOST_TEST(contains(listed.body, "<td>بله</td><td>بله</td><td>خیر</td>"));
    BOOST_TEST(contains(listed.body, "class=\"secondary\">غیرفعال کردن</button>"));
    BOOST_TEST(contains(listed.body, "class=\"danger\">حذف</button>"));
    BOOST_TEST(contains(listed.body, "<h2>کارهای اخیر</h2>"));
    for (const char* english : {"Recent actions", "users · page", ">Deactivate<", ">Make staff<", "<th>Verified</th>", "<th>Joined</th>"})
        BOOST_TEST(lacks(listed.body, english));
    const std::string id = first_id(listed.body);
    BOOST_TEST_REQUIRE(!id.empty(), listed.body.substr(0, 3000));

    // Deactivate: the flash is one Persian sentence with the address in it; the audit row's label is Persian.
    const auto off = act(admin, "deactivate", id, email);
    BOOST_TEST_REQUIRE(off.status == 302);
    const auto after = admin.follow(off);
    BOOST_TEST(contains(after.body, kRtl));
    BOOST_TEST(flash_text(after.body) == email + " غیرفعال شد.");
    BOOST_TEST(lacks(after.body, "was deactivated"));
    BOOST_TEST(contains(after.body, "<td><bdi>" + admin_email + "</bdi></td><td data-action=\"deactivate\">غیرفعال شد</td><td><bdi>" +
                                        email + "</bdi></td>"),
               after.body);
    BOOST_TEST(contains(after.body, "<td>بله</td><td>خیر</td><td>خیر</td>"));
    BOOST_TEST(contains(after.body, ">فعال کردن</button>"));

    // Delete: the confirmation page, then the flash, in Persian.
    const auto confirm = act(admin, "delete", id, email);
    BOOST_TEST_REQUIRE(confirm.status == 200);
    BOOST_TEST(contains(confirm.body, kRtl));
    BOOST_TEST(contains(confirm.body, "<h1>حذف کاربر</h1>"));
    BOOST_TEST(contains(confirm.body, "<p><bdi>" + email + "</bdi> حذف شود؟ این کار بازگشت‌پذیر نیست.</p>"));
    BOOST_TEST(contains(confirm.body, "value=\"delete_confirmed\" class=\"danger\">تأیید</button>"));
    BOOST_TEST(contains(confirm.body, ">انصراف</a>"));
    BOOST_TEST(lacks(confirm.body, "This cannot be undone."));
    BOOST_TEST(lacks(confirm.body, ">Cancel<"));
    const auto deleted = admin.post(kAdmin, {{"action", "delete_confirmed"},
                                             {"id", *input_value(confirm.body, "id")},
                                             {"q", *input_value(confirm.body, "q")},
                                             {"page", *input_value(confirm.body, "page")}});
    BOOST_TEST_REQUIRE(deleted.status == 302);
    const auto gone = admin.follow(deleted);
    BOOST_TEST(flash_text(gone.body) == email + " حذف شد.");
    BOOST_TEST(lacks(gone.body, "was deleted"));
    BOOST_TEST(contains(gone.body, "<td data-action=\"delete\">حذف شد</td><td><bdi>#" + id + "</bdi></td>"), gone.body);
    BOOST_TEST(contains(gone.body, "<td colspan=\"8\">هیچ کاربری پیدا نشد.</td>"));

    // A refusal's flash: staff do not deactivate themselves here.
    const std::string own_id = first_id(admin.get(search_path(admin_email)).body);
    BOOST_TEST_REQUIRE(!own_id.empty());
    const auto self = admin.follow(act(admin, "deactivate", own_id, admin_email));
    BOOST_TEST(flash_text(self.body) == "اینجا نمی‌توانید حساب خودتان را غیرفعال کنید.");

    // Someone who is not staff gets the 403 page's message in Persian.
    const std::string member_email = unique_email("fa-admin-member");
    sign_up_verified(stack, member_email);
    Browser member(stack);
    member.send_always("Accept-Language", "fa");
    BOOST_TEST_REQUIRE(log_in(member, member_email).status == 302);
    const auto refused = member.get(kAdmin);
    BOOST_TEST(refused.status == 403);
    BOOST_TEST(contains(refused.body, kRtl));
    BOOST_TEST(contains(refused.body, "این صفحه فقط برای کارکنان است."));
    BOOST_TEST(lacks(refused.body, "This page is for staff only."));
}

BOOST_AUTO_TEST_CASE(the_admin_pages_stay_english_for_an_english_browser) {
    auto& stack = shared_stack();
    Browser admin(stack);
    admin.send_always("Accept-Language", "en-GB,en;q=0.9");
    const std::string admin_email = staff_logged_in(admin, "en-admin");
    const std::string email = unique_email("en-admin-target");
    sign_up_verified(stack, email);

    const auto listed = admin.get(search_path(email));
    BOOST_TEST_REQUIRE(listed.status == 200);
    BOOST_TEST(contains(listed.body, kLtr));
    BOOST_TEST(contains(listed.body, "<h1>Users</h1>"));
    BOOST_TEST(contains(listed.body, "1 users · page 1 of 1"));
    BOOST_TEST(contains(listed.body, "<h2>Recent actions</h2>"));
    BOOST_TEST(contains(listed.body, "<td>yes</td><td>yes</td><td>no</td>"));
    BOOST_TEST(lacks(listed.body, "کارهای اخیر"));
    const std::string id = first_id(listed.body);
    BOOST_TEST_REQUIRE(!id.empty());

    const auto after = admin.follow(act(admin, "deactivate", id, email));
    BOOST_TEST(flash_text(after.body) == email + " was deactivated.");
    BOOST_TEST(contains(after.body, "<td><bdi>" + admin_email + "</bdi></td><td data-action=\"deactivate\">deactivated</td>"));
    BOOST_TEST(lacks(after.body, "غیرفعال"));

    const auto confirm = act(admin, "delete", id, email);
    BOOST_TEST(contains(confirm.body, kLtr));
    BOOST_TEST(contains(confirm.body, "<p>Delete " + email + "? This cannot be undone.</p>"));
    BOOST_TEST(lacks(confirm.body, "حذف شود"));
    const auto gone = admin.follow(admin.post(kAdmin, {{"action", "delete_confirmed"}, {"id", id}, {"q", email}, {"page", "1"}}));
    BOOST_TEST(flash_text(gone.body) == email + " was deleted.");
}

BOOST_AUTO_TEST_CASE(a_persian_user_sets_up_two_factor_and_meets_the_code_step_in_persian) {
    auto& stack = shared_stack();
    const std::string email = unique_email("fa-2fa");
    sign_up_verified(stack, email);
    Browser browser(stack);
    switch_to_persian(browser);  // by the cookie this time, no Accept-Language
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);

    const auto off = browser.get("/accounts/2fa/");
    BOOST_TEST_REQUIRE(off.status == 200);
    BOOST_TEST(contains(off.body, kRtl));
    BOOST_TEST(contains(off.body, "<title>احراز هویت دومرحله‌ای · Gatehouse</title>"));
    BOOST_TEST(contains(off.body, "<h1>احراز هویت دومرحله‌ای</h1>"));
    BOOST_TEST(contains(off.body, "احراز هویت دومرحله‌ای <strong>خاموش</strong> است."));
    BOOST_TEST(contains(off.body, "<button type=\"submit\">راه‌اندازی برنامهٔ احراز هویت</button>"));
    BOOST_TEST(contains(off.body, ">بازگشت به نمایهٔ شما</a>"));
    BOOST_TEST(lacks(off.body, "Two-factor authentication is <strong>off</strong>"));
    BOOST_TEST(lacks(off.body, "Set up an authenticator app"));

    const auto setup = browser.submit("/accounts/2fa/", {{"action", "begin"}});
    BOOST_TEST_REQUIRE(setup.status == 200);
    BOOST_TEST(contains(setup.body, "این کد QR را با برنامهٔ احراز هویت خود"));
    BOOST_TEST(contains(setup.body, "یا این کلید را در برنامه وارد کنید:"));
    BOOST_TEST(contains(setup.body, "<label for=\"id_code\">کد برنامه</label>"));
    BOOST_TEST(contains(setup.body, "دقیقهٔ دیگر منتظر کد خود می‌ماند."));
    BOOST_TEST(lacks(setup.body, "Scan this QR code"));
    BOOST_TEST(contains(setup.body, "role=\"img\" aria-label=\"کد QR\""));
    const std::string secret = secret_in(setup.body);
    BOOST_TEST_REQUIRE(secret.size() == 32u, setup.body.substr(0, 2000));

    // A wrong code: the form's error in Persian; then pyotp's code turns it on.
    const auto wrong = browser.post("/accounts/2fa/", {{"action", "confirm"}, {"code", other_than(pyotp(secret))}});
    BOOST_TEST(wrong.status == 200);
    BOOST_TEST(contains(wrong.body, "<ul class=\"errorlist\"><li>کد معتبر نیست.</li></ul>"));
    BOOST_TEST(lacks(wrong.body, "The code is not valid."));
    const auto on = browser.post("/accounts/2fa/", {{"action", "confirm"}, {"code", pyotp(secret)}});
    BOOST_TEST_REQUIRE(on.status == 200);
    BOOST_TEST(contains(on.body, kRtl));
    BOOST_TEST(flash_text(on.body) == "احراز هویت دومرحله‌ای روشن شد.");
    BOOST_TEST(contains(on.body, "<h2>کدهای بازیابی شما</h2>"));
    BOOST_TEST(contains(on.body, "احراز هویت دومرحله‌ای <strong>روشن</strong> است"));
    BOOST_TEST(contains(on.body, "کدهای بازیابی باقی‌مانده: <strong id=\"codes-left\">10</strong>"));
    BOOST_TEST(contains(on.body, ">خاموش کردن احراز هویت دومرحله‌ای</button>"));
    for (const char* english : {"Two-factor authentication is on.", "Your recovery codes", "Recovery codes left", "Turn off two-factor"})
        BOOST_TEST(lacks(on.body, english));

    // The login's code step (another browser, by Accept-Language), its wrong-code error, then in.
    Browser second(stack);
    second.send_always("Accept-Language", "fa");
    const auto step = code_step(second, email);
    BOOST_TEST(contains(step.page.body, kRtl));
    BOOST_TEST(contains(step.page.body, "<title>کد خود را وارد کنید · Gatehouse</title>"));
    BOOST_TEST(contains(step.page.body, "<h1>کد خود را وارد کنید</h1>"));
    BOOST_TEST(contains(step.page.body, "برنامهٔ احراز هویت خود را باز کنید و کد ۶ رقمی‌ای را"));
    BOOST_TEST(contains(step.page.body, "این مرورگر را ۳۰ روز به خاطر بسپار"));
    BOOST_TEST(contains(step.page.body, "این مرحله ۵ دقیقه اعتبار دارد. <a href=\"/accounts/login/\">از نو شروع کنید</a>"));
    for (const char* english : {"Enter your code", "Open your authenticator app", "Remember this browser", "Start again"})
        BOOST_TEST(lacks(step.page.body, english));

    const std::string next_code = pyotp(secret, 30);  // the next step's: newer than the one the set-up spent
    const auto refused = send_code(second, step.token, other_than(next_code));
    BOOST_TEST(refused.status == 200);
    BOOST_TEST(contains(refused.body, kRtl));
    BOOST_TEST(error_next_to(refused.body, "code", "کد معتبر نیست."));
    BOOST_TEST(lacks(refused.body, "The code is not valid."));
    BOOST_TEST(!second.cookie("sessionid").has_value());
    const auto in = send_code(second, step.token, next_code);
    BOOST_TEST(in.status == 302, in.body.substr(0, 500));
    BOOST_TEST(second.cookie("sessionid").has_value());

    // Turned off again with the password: the flash in Persian.
    const auto disabled = browser.submit("/accounts/2fa/", {{"action", "disable"}, {"password", kGoodPassword}});
    BOOST_TEST_REQUIRE(disabled.status == 302);
    BOOST_TEST(flash_text(browser.follow(disabled).body) == "احراز هویت دومرحله‌ای خاموش شد.");
}

BOOST_AUTO_TEST_CASE(the_two_factor_pages_stay_english_for_an_english_browser) {
    auto& stack = shared_stack();
    const std::string email = unique_email("en-2fa");
    sign_up_verified(stack, email);
    Browser browser(stack);
    browser.send_always("Accept-Language", "en-US,en;q=0.9");
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const auto off = browser.get("/accounts/2fa/");
    BOOST_TEST(contains(off.body, kLtr));
    BOOST_TEST(contains(off.body, "Two-factor authentication is <strong>off</strong>."));
    BOOST_TEST(lacks(off.body, "خاموش"));

    const auto setup = browser.submit("/accounts/2fa/", {{"action", "begin"}});
    const std::string secret = secret_in(setup.body);
    BOOST_TEST_REQUIRE(secret.size() == 32u, setup.body.substr(0, 2000));
    BOOST_TEST(contains(setup.body, "Scan this QR code with your authenticator app"));
    BOOST_TEST(contains(setup.body, "role=\"img\" aria-label=\"QR code\""));
    const auto on = browser.post("/accounts/2fa/", {{"action", "confirm"}, {"code", pyotp(secret)}});
    BOOST_TEST(flash_text(on.body) == "Two-factor authentication is on.");
    BOOST_TEST(contains(on.body, "<h2>Your recovery codes</h2>"));

    Browser second(stack);
    const auto step = code_step(second, email);
    BOOST_TEST(contains(step.page.body, kLtr));
    BOOST_TEST(contains(step.page.body, "<h1>Enter your code</h1>"));
    BOOST_TEST(contains(step.page.body, "Open your authenticator app and enter the 6-digit code"));
    const auto refused = send_code(second, step.token, other_than(pyotp(secret, 30)));
    BOOST_TEST(error_next_to(refused.body, "code", "The code is not valid."));
    BOOST_TEST(lacks(refused.body, "کد معتبر نیست"));
}

BOOST_AUTO_TEST_SUITE_END()
