// The browser pages walked as a person would (signup, verification, login, logout, CSRF): each test
// opens the form page, reads its CSRF token, submits, follows the redirect and reads the mail the
// mailer wrote, asserting what the user must see. Account pages and limits: test_browser_account.cpp.
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <string>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kBadLogin = "Please enter a correct email and password. Note that both fields may be case-sensitive.";
const std::string kWelcomeFlash = "Welcome! We sent a verification code and link to ";

// A code from the mail turned into one that is surely wrong.
std::string other_code(const std::string& code) { return code == "000000" ? "111111" : "000000"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(browser)
BOOST_AUTO_TEST_SUITE(signup)

BOOST_AUTO_TEST_CASE(form_shows_every_field_and_sets_the_csrf_cookie) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const auto r = browser.get("/accounts/signup/");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
    for (const char* field : {"email", "name", "password1", "password2"})
        BOOST_TEST(input_value(r.body, field).has_value(), "no input " << field);
    BOOST_TEST(browser.csrf_token().size() == 64u);
    const auto csrf = set_cookie_header(r, "csrftoken");
    BOOST_TEST_REQUIRE(csrf.has_value());
    BOOST_TEST(cookie_attribute(*csrf, "Secure").has_value());
    BOOST_TEST(cookie_attribute(*csrf, "SameSite").value_or("") == "Lax");
    BOOST_TEST(browser.cookie("csrftoken").value_or("").size() == 32u);
}

BOOST_AUTO_TEST_CASE(empty_form_says_each_field_is_required) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const auto r = browser.submit("/accounts/signup/", {{"email", ""}, {"name", ""}, {"password1", ""}, {"password2", ""}});
    BOOST_TEST(r.status == 200);
    for (const char* field : {"email", "password1", "password2"})
        BOOST_TEST(error_next_to(r.body, field, "This field is required."), field);
    BOOST_TEST(!error_next_to(r.body, "name", "This field is required."), "name is optional");
    BOOST_TEST(!browser.cookie("verify_pending").has_value());
}

BOOST_AUTO_TEST_CASE(every_broken_rule_is_shown_next_to_its_field_and_the_password_is_never_echoed) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const std::string long_name(65, 'n');
    const std::string weak = "zqxjk";  // short, no upper case, no digit
    const auto r = browser.submit("/accounts/signup/",
                                  {{"email", "not-an-email"}, {"name", long_name}, {"password1", weak}, {"password2", weak}});
    BOOST_TEST(r.status == 200);
    BOOST_TEST(error_next_to(r.body, "email", "Enter a valid email address."));
    BOOST_TEST(error_next_to(r.body, "name", "Ensure this value has between 1 and 64 characters."));
    for (const char* message : {"This password is too short. It must contain at least 8 characters.",
                                "This password must contain at least one uppercase letter.",
                                "This password must contain at least one digit."})
        BOOST_TEST(error_next_to(r.body, "password2", message), message);
    BOOST_TEST(input_value(r.body, "email").value_or("") == "not-an-email", "the typed email is kept");
    BOOST_TEST(input_value(r.body, "name").value_or("") == long_name, "the typed name is kept");
    BOOST_TEST(input_value(r.body, "password1").value_or("") == "");
    BOOST_TEST(input_value(r.body, "password2").value_or("") == "");
    BOOST_TEST(lacks(r.body, weak));

    // Mismatch; then the password is the email's local part / the name / a common one.
    const auto mismatch = browser.post("/accounts/signup/", {{"email", unique_email("mismatch")},
                                                             {"password1", "Secret-Only-M1ne"},
                                                             {"password2", "Secret-Other-M1ne"}});
    BOOST_TEST(mismatch.status == 200);
    BOOST_TEST(error_next_to(mismatch.body, "password2", "The two password fields didn’t match."));
    BOOST_TEST(lacks(mismatch.body, "Secret-Only-M1ne"));
    BOOST_TEST(lacks(mismatch.body, "Secret-Other-M1ne"));

    const std::string email = unique_email("Similar");
    const std::string local = email.substr(0, email.find('@'));
    const auto similar = browser.post("/accounts/signup/", {{"email", email}, {"name", local},
                                                            {"password1", local}, {"password2", local}});
    BOOST_TEST(similar.status == 200);
    BOOST_TEST(error_next_to(similar.body, "password2", "The password is too similar to the email."));
    BOOST_TEST(error_next_to(similar.body, "password2", "The password is too similar to the name."));

    const auto common = browser.post("/accounts/signup/", {{"email", unique_email("common")},
                                                           {"password1", "Password1"}, {"password2", "Password1"}});
    BOOST_TEST(common.status == 200);
    BOOST_TEST(error_next_to(common.body, "password2", "This password is too common."));
    BOOST_TEST(!browser.cookie("verify_pending").has_value(), "no account was made");
}

BOOST_AUTO_TEST_CASE(good_signup_redirects_to_verify_and_mails_a_link_and_a_code) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const std::string email = unique_email("Signup.Mixed");  // saved with the domain part lower-cased
    const std::string typed = email.substr(0, email.find('@')) + "@EXAMPLE.Com";
    const auto r = sign_up(browser, typed, kGoodPassword, unique_name("Signup"));
    BOOST_TEST_REQUIRE(r.status == 302, "body: " << r.body.substr(0, 1500));
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/verify/");
    BOOST_TEST(browser.cookie("verify_pending").has_value());
    BOOST_TEST(!browser.cookie("sessionid").has_value(), "signing up does not log in");

    const auto page = browser.follow(r);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(contains(flash_text(page.body), kWelcomeFlash + email));
    BOOST_TEST(input_value(page.body, "code").has_value());

    const auto mail = Mailbox(stack).wait_for(email);
    BOOST_TEST(mail.subject == "Confirm your email address");
    BOOST_TEST(mail.code().has_value(), mail.raw);
    BOOST_TEST(mail.link_path("/accounts/verify/").has_value(), mail.raw);
    BOOST_TEST(lacks(mail.raw, kGoodPassword));
}

BOOST_AUTO_TEST_CASE(email_and_name_taken_in_another_letter_case_are_refused) {
    auto& stack = shared_stack();
    const std::string email = unique_email("Taken.Case");
    const std::string name = unique_name("TakenName");
    Browser first(stack);
    BOOST_TEST_REQUIRE(sign_up(first, email, kGoodPassword, name).status == 302);

    std::string upper_email = email, lower_name = name;
    for (auto& c : upper_email) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Browser second(stack);
    const auto r = sign_up(second, upper_email, kGoodPassword, unique_name("Other"));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(error_next_to(r.body, "email", "A user with that email already exists."), r.body);

    const auto by_name = sign_up(second, unique_email("fresh"), kGoodPassword, lower_name);
    BOOST_TEST(by_name.status == 200);
    BOOST_TEST(error_next_to(by_name.body, "name", "A user with that name already exists."), by_name.body);
    BOOST_TEST(Mailbox(stack).to(upper_email).size() <= 1u, "only the first signup mailed");
}

BOOST_AUTO_TEST_CASE(long_unicode_password_with_spaces_works_and_is_not_truncated) {
    auto& stack = shared_stack();
    Browser browser(stack);
    // 129 characters (not bytes) is one too many.
    std::string too_long = "Aa1";
    while (too_long.size() < 129) too_long += 'x';
    const auto refused = browser.submit("/accounts/signup/", {{"email", unique_email("toolong")}, {"password1", too_long},
                                                              {"password2", too_long}});
    BOOST_TEST(error_next_to(refused.body, "password2", "This password is too long. It must contain at most 128 characters."),
               refused.body);

    // About 120 characters, most of them two bytes in UTF-8, with spaces: fine, and every one counts.
    std::string password = "Grüße aus Köln 42 ";
    while (password.size() < 200) password += "äöü ";
    const std::string email = unique_email("unicode");
    sign_up_verified(stack, email, password);
    Browser other(stack);
    BOOST_TEST(log_in(other, email, password.substr(0, 72)).status == 200, "a prefix is not the password");
    BOOST_TEST(log_in(other, email, password.substr(0, password.size() - 1)).status == 200);
    BOOST_TEST(log_in(other, email, password).status == 302);
}

BOOST_AUTO_TEST_CASE(logged_in_user_is_sent_to_the_profile) {
    auto& stack = shared_stack();
    const std::string email = unique_email("signedin");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const auto r = browser.get("/accounts/signup/");
    BOOST_TEST(r.status == 302);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/profile/");
}

BOOST_AUTO_TEST_SUITE_END()  // signup

BOOST_AUTO_TEST_SUITE(verify)

BOOST_AUTO_TEST_CASE(by_code_four_wrong_then_right) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const std::string email = unique_email("bycode");
    BOOST_TEST_REQUIRE(sign_up(browser, email).status == 302);
    const auto code = Mailbox(stack).wait_for(email).code();
    BOOST_TEST_REQUIRE(code.has_value());

    browser.get("/accounts/verify/");
    for (int i = 1; i <= 4; ++i) {  // four wrong tries leave the code alive (the fifth would kill it)
        const auto wrong = browser.post("/accounts/verify/", {{"code", other_code(*code)}});
        BOOST_TEST(wrong.status == 200);
        BOOST_TEST(error_next_to(wrong.body, "code", "The code is not valid."), "try " << i << ": " << wrong.body);
    }

    const auto right = browser.post("/accounts/verify/", {{"code", *code}});
    BOOST_TEST_REQUIRE(right.status == 302, right.body);
    BOOST_TEST(right.header("Location").value_or("") == "/accounts/login/");
    const auto login = browser.follow(right);
    BOOST_TEST(login.status == 200);
    BOOST_TEST(flash_text(login.body) == "Your email address is verified. You can log in now.");
    BOOST_TEST(!browser.cookie("verify_pending").has_value(), "the pending cookie is dropped");

    const auto in = log_in(browser, email);
    BOOST_TEST(in.status == 302);
    BOOST_TEST(in.header("Location").value_or("") == "/accounts/profile/");
}

BOOST_AUTO_TEST_CASE(by_link_then_the_link_again_says_already_verified) {
    auto& stack = shared_stack();
    Browser signer(stack);
    const std::string email = unique_email("bylink");
    BOOST_TEST_REQUIRE(sign_up(signer, email).status == 302);
    const auto link = Mailbox(stack).wait_for(email).link_path("/accounts/verify/");
    BOOST_TEST_REQUIRE(link.has_value());

    Browser mail_client(stack);  // the link opened from the mail app: a browser with no cookies yet
    const auto first = mail_client.get(*link);
    BOOST_TEST(first.status == 200);
    BOOST_TEST(contains(first.body, "Thank you: your email address is verified."));
    const auto again = mail_client.get(*link);
    BOOST_TEST(again.status == 200);
    BOOST_TEST(contains(again.body, "already verified"));

    BOOST_TEST(log_in(mail_client, email).status == 302, "verified: login works");
    const auto tampered = mail_client.get(link->substr(0, link->size() - 3) + "x/");
    BOOST_TEST(tampered.status == 400);
    BOOST_TEST(contains(tampered.body, "This verification link is not valid."));
}

BOOST_AUTO_TEST_CASE(resend_sends_a_second_mail_whose_code_works) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const std::string email = unique_email("resend");
    BOOST_TEST_REQUIRE(sign_up(browser, email).status == 302);
    Mailbox mailbox(stack);
    mailbox.wait_for(email, 1);

    const auto r = browser.submit("/accounts/verify/", {{"resend", "1"}});
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/verify/");
    BOOST_TEST(flash_text(browser.follow(r).body) == "We sent you a new code and link.");

    const auto second = mailbox.wait_for(email, 2);
    BOOST_TEST(second.subject == "Confirm your email address");
    const auto code = second.code();
    BOOST_TEST_REQUIRE(code.has_value());
    const auto verified = browser.post("/accounts/verify/", {{"code", *code}});
    BOOST_TEST(verified.status == 302, verified.body);
    BOOST_TEST(verified.header("Location").value_or("") == "/accounts/login/");
}

BOOST_AUTO_TEST_CASE(five_wrong_codes_kill_the_code) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const std::string email = unique_email("usedup");
    BOOST_TEST_REQUIRE(sign_up(browser, email).status == 302);
    const auto code = Mailbox(stack).wait_for(email).code();
    BOOST_TEST_REQUIRE(code.has_value());

    browser.get("/accounts/verify/");
    for (int i = 0; i < 5; ++i) {
        const auto wrong = browser.post("/accounts/verify/", {{"code", other_code(*code)}});
        BOOST_TEST(wrong.status == 200);
        if (i == 0) BOOST_TEST(error_next_to(wrong.body, "code", "The code is not valid."));
    }
    const auto right = browser.post("/accounts/verify/", {{"code", *code}});
    BOOST_TEST(right.status == 200, "refused, not redirected");
    BOOST_TEST(error_next_to(right.body, "code", "The code has expired or was tried too many times. Ask for a new one."),
               right.body);

    Browser other(stack);
    const auto login = log_in(other, email);
    BOOST_TEST(login.status == 200, "still unverified");
    BOOST_TEST(contains(login.body, "Your email address is not verified yet."));
}

BOOST_AUTO_TEST_SUITE_END()  // verify

BOOST_AUTO_TEST_SUITE(login)

BOOST_AUTO_TEST_CASE(unverified_user_gets_the_verify_page_and_no_session) {
    auto& stack = shared_stack();
    const std::string email = unique_email("unverified");
    {
        Browser signer(stack);
        BOOST_TEST_REQUIRE(sign_up(signer, email).status == 302);
    }
    Browser browser(stack);
    // The wrong password says nothing about the account: the generic error, not the verify page.
    const auto wrong = log_in(browser, email, "Not-The-Passw0rd");
    BOOST_TEST(wrong.status == 200);
    BOOST_TEST(contains(wrong.body, kBadLogin));
    BOOST_TEST(lacks(wrong.body, "not verified"));
    BOOST_TEST(!browser.cookie("verify_pending").has_value());

    const auto r = log_in(browser, email);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(contains(r.body, "Your email address is not verified yet."));
    BOOST_TEST(input_value(r.body, "code").has_value(), "the code form is shown");
    BOOST_TEST(!set_cookie_header(r, "sessionid").has_value());
    BOOST_TEST(!browser.cookie("sessionid").has_value());
    // The verify page knows who it is for: the code from the mail works from here.
    const auto code = Mailbox(stack).wait_for(email).code();
    BOOST_TEST_REQUIRE(code.has_value());
    const auto verified = browser.post("/accounts/verify/", {{"code", *code}});
    BOOST_TEST(verified.status == 302, verified.body);
    BOOST_TEST(log_in(browser, email).status == 302);
}

BOOST_AUTO_TEST_CASE(verified_login_sets_a_safe_session_cookie_and_rotates_it) {
    auto& stack = shared_stack();
    const std::string email = unique_email("cookie");
    sign_up_verified(stack, email);
    Browser browser(stack);
    const auto r = log_in(browser, email);
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/profile/");
    const auto set = set_cookie_header(r, "sessionid");
    BOOST_TEST_REQUIRE(set.has_value());
    BOOST_TEST(cookie_attribute(*set, "HttpOnly").has_value(), *set);
    BOOST_TEST(cookie_attribute(*set, "Secure").has_value(), *set);
    BOOST_TEST(cookie_attribute(*set, "SameSite").value_or("") == "Lax", *set);
    BOOST_TEST(cookie_attribute(*set, "Path").value_or("") == "/", *set);
    BOOST_TEST(!cookie_attribute(*set, "Max-Age").has_value(), "not remembered: ends with the browser: " << *set);
    BOOST_TEST(!cookie_attribute(*set, "Expires").has_value(), *set);
    const auto first = browser.cookie("sessionid");
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(browser.get("/accounts/profile/").status == 200);

    // Logging in again from a browser that already has a session: a new id, the old one dead.
    const auto again = log_in(browser, email);
    BOOST_TEST_REQUIRE(again.status == 302);
    const auto second = browser.cookie("sessionid");
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(*second != *first);
    const auto stale = get_with_session(stack, "/accounts/profile/", *first);
    BOOST_TEST(stale.status == 302);
    BOOST_TEST(stale.header("Location").value_or("").starts_with("/accounts/login/"));
    BOOST_TEST(get_with_session(stack, "/accounts/profile/", *second).status == 200);
}

BOOST_AUTO_TEST_CASE(remember_me_sets_max_age_of_the_session_ttl) {
    auto& stack = shared_stack();
    const std::string email = unique_email("remember");
    sign_up_verified(stack, email);
    Browser browser(stack);
    const auto r = log_in(browser, email, kGoodPassword, /*remember=*/true);
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    const auto set = set_cookie_header(r, "sessionid");
    BOOST_TEST_REQUIRE(set.has_value());
    BOOST_TEST(cookie_attribute(*set, "Max-Age").value_or("") == "1209600", *set);
    BOOST_TEST(cookie_attribute(*set, "HttpOnly").has_value());
    BOOST_TEST(cookie_attribute(*set, "Secure").has_value());
    BOOST_TEST(cookie_attribute(*set, "SameSite").value_or("") == "Lax");
}

BOOST_AUTO_TEST_CASE(wrong_password_and_unknown_email_get_the_same_generic_error) {
    auto& stack = shared_stack();
    const std::string email = unique_email("wrongpw");
    sign_up_verified(stack, email);
    Browser browser(stack);
    const auto wrong = log_in(browser, email, "Not-The-Passw0rd");
    BOOST_TEST(wrong.status == 200);
    BOOST_TEST(contains(wrong.body, kBadLogin));
    BOOST_TEST(lacks(wrong.body, "Not-The-Passw0rd"));
    BOOST_TEST(input_value(wrong.body, "email").value_or("") == email, "the email stays filled in");
    BOOST_TEST(!browser.cookie("sessionid").has_value());

    const std::string nobody = unique_email("nobody");
    const auto unknown = log_in(browser, nobody, "Not-The-Passw0rd");
    BOOST_TEST(unknown.status == 200);
    BOOST_TEST(contains(unknown.body, kBadLogin));
    // Apart from the typed email (and the CSRF token), the two answers are the same page.
    std::string a = without_csrf_tokens(wrong.body), b = without_csrf_tokens(unknown.body);
    a.replace(a.find(email), email.size(), "E");
    b.replace(b.find(nobody), nobody.size(), "E");
    BOOST_TEST(a == b);
    BOOST_TEST(!browser.cookie("sessionid").has_value());

    // Emails match ignoring case, login included.
    std::string shouted = email;
    for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    BOOST_TEST(log_in(browser, shouted).status == 302);
}

BOOST_AUTO_TEST_CASE(next_is_followed_only_to_a_path_on_this_site) {
    auto& stack = shared_stack();
    const std::string email = unique_email("next");
    sign_up_verified(stack, email);

    {
        // As the browser gets there: a protected page sends it to login with ?next=.
        Browser browser(stack);
        const auto bounced = browser.get("/accounts/devices/");
        BOOST_TEST_REQUIRE(bounced.status == 302);
        const std::string to_login = bounced.header("Location").value_or("");
        BOOST_TEST(to_login == "/accounts/login/?next=/accounts/devices/");
        const auto page = browser.get(to_login);
        const std::string next = input_value(page.body, "next").value_or("");
        BOOST_TEST(next == "/accounts/devices/");
        const auto r = browser.post(to_login, {{"email", email}, {"password", kGoodPassword}, {"next", next}});
        BOOST_TEST(r.status == 302);
        BOOST_TEST(r.header("Location").value_or("") == "/accounts/devices/");
        BOOST_TEST(browser.follow(r).status == 200);
    }
    for (const char* evil : {"https://evil.example/", "//evil.example/", "/\\evil.example/", "https:/evil.example/"}) {
        BOOST_TEST_CONTEXT(evil) {
            Browser browser(stack);
            const auto page = browser.get("/accounts/login/?next=" + form_encode({{"n", evil}}).substr(2));
            BOOST_TEST(page.status == 200);
            BOOST_TEST(input_value(page.body, "next").value_or("?") == "", "the page does not carry it");
            const auto r = log_in(browser, email, kGoodPassword, false, evil);
            BOOST_TEST(r.status == 302);
            BOOST_TEST(r.header("Location").value_or("") == "/accounts/profile/");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()  // login

BOOST_AUTO_TEST_SUITE(logout)

BOOST_AUTO_TEST_CASE(get_asks_post_logs_out_and_the_old_cookie_is_dead) {
    auto& stack = shared_stack();
    const std::string email = unique_email("logout");
    sign_up_verified(stack, email);
    Browser browser(stack);
    Browser other(stack);  // the same user in another browser: stays logged in
    BOOST_TEST_REQUIRE(log_in(other, email).status == 302);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const auto sid = browser.cookie("sessionid");
    BOOST_TEST_REQUIRE(sid.has_value());

    const auto confirm = browser.get("/accounts/logout/");
    BOOST_TEST(confirm.status == 200);
    BOOST_TEST(contains(confirm.body, "<form method=\"post\" action=\"/accounts/logout/\">"));
    BOOST_TEST(!set_cookie_header(confirm, "sessionid").has_value());
    BOOST_TEST(browser.get("/accounts/profile/").status == 200, "a GET does not log out");

    const auto r = browser.post("/accounts/logout/", {});
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/login/");
    const auto cleared = set_cookie_header(r, "sessionid");
    BOOST_TEST_REQUIRE(cleared.has_value());
    BOOST_TEST(cookie_attribute(*cleared, "Max-Age").value_or("") == "0");
    BOOST_TEST(!browser.cookie("sessionid").has_value());
    const auto login = browser.follow(r);
    BOOST_TEST(flash_text(login.body) == "You have been logged out.");

    const auto stale = get_with_session(stack, "/accounts/profile/", *sid);
    BOOST_TEST(stale.status == 302);
    BOOST_TEST(stale.header("Location").value_or("") == "/accounts/login/?next=/accounts/profile/");
    BOOST_TEST(other.get("/accounts/profile/").status == 200, "logging out one browser leaves the others");
}

BOOST_AUTO_TEST_SUITE_END()  // logout

BOOST_AUTO_TEST_SUITE(csrf)

BOOST_AUTO_TEST_CASE(login_post_without_a_good_token_or_from_another_site_is_a_403_page) {
    auto& stack = shared_stack();
    const std::string email = unique_email("csrf");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(browser.get("/accounts/login/").status == 200);
    const std::string token = browser.csrf_token();
    BOOST_TEST_REQUIRE(token.size() == 64u);
    const std::string site = browser.origin();
    const HeaderList form_type = {{"Content-Type", "application/x-www-form-urlencoded"}};
    const auto post = [&](const HeaderList& fields, HeaderList headers) {
        headers.insert(headers.end(), form_type.begin(), form_type.end());
        return browser.client().post(stack.https_url("/accounts/login/"), form_encode(fields), headers);
    };
    const HeaderList credentials = {{"email", email}, {"password", kGoodPassword}};
    const auto with = [&](HeaderList fields, const std::string& t) {
        fields.emplace_back("csrfmiddlewaretoken", t);
        return fields;
    };
    const auto refused = [&](const HttpResponse& r, const std::string& reason) {
        BOOST_TEST(r.status == 403);
        BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
        BOOST_TEST(contains(r.body, "CSRF verification failed"));
        BOOST_TEST(contains(r.body, reason));
        BOOST_TEST(!set_cookie_header(r, "sessionid").has_value());
    };

    BOOST_TEST_CONTEXT("no token") refused(post(credentials, {{"Origin", site}}), "CSRF token missing or incorrect.");
    BOOST_TEST_CONTEXT("a wrong token") {
        refused(post(with(credentials, std::string(64, 'a')), {{"Origin", site}}), "CSRF token missing or incorrect.");
        refused(post(with(credentials, "not-a-token"), {{"Origin", site}}), "CSRF token missing or incorrect.");
    }
    BOOST_TEST_CONTEXT("the right token from another site") {
        refused(post(with(credentials, token), {{"Origin", "https://evil.example"}}), "Origin or Referer checking failed");
        refused(post(with(credentials, token), {{"Origin", "http://" + site.substr(8)}}), "Origin or Referer checking failed");
        refused(post(with(credentials, token), {{"Referer", "https://evil.example/accounts/login/"}}),
                "Origin or Referer checking failed");
        refused(post(with(credentials, token), {}), "Origin or Referer checking failed");
    }
    BOOST_TEST_CONTEXT("no csrftoken cookie") {
        HttpClient bare;
        const auto r = bare.post(stack.https_url("/accounts/login/"), form_encode(with(credentials, token)),
                                 {{"Origin", site}, {"Content-Type", "application/x-www-form-urlencoded"}});
        refused(r, "CSRF cookie not set.");
    }
    BOOST_TEST(!browser.cookie("sessionid").has_value());

    BOOST_TEST_CONTEXT("X-CSRFToken header instead of the field") {
        const auto r = post(credentials, {{"Origin", site}, {"X-CSRFToken", token}});
        BOOST_TEST(r.status == 302, r.body);
        BOOST_TEST(r.header("Location").value_or("") == "/accounts/profile/");
    }
    BOOST_TEST_CONTEXT("a Referer of this site instead of Origin") {
        // That login rotated the CSRF secret: the next form comes from a page got after it.
        BOOST_TEST_REQUIRE(browser.get("/accounts/login/").status == 200);
        const auto r = post(with(credentials, browser.csrf_token()), {{"Referer", site + "/accounts/login/"}});
        BOOST_TEST(r.status == 302, r.body);
    }
}

BOOST_AUTO_TEST_CASE(every_form_page_refuses_a_post_from_another_site) {
    auto& stack = shared_stack();
    const std::string email = unique_email("csrfall");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    for (const char* path : {"/accounts/signup/", "/accounts/logout/", "/accounts/password/change/",
                             "/accounts/password/reset/", "/accounts/verify/", "/accounts/profile/",
                             "/accounts/devices/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = browser.post(path, {{"revoke_others", "1"}, {"name", "x"}}, {{"Origin", "https://evil.example"}});
            BOOST_TEST(r.status == 403);
            BOOST_TEST(contains(r.body, "CSRF verification failed"));
        }
    }
    BOOST_TEST(browser.get("/accounts/profile/").status == 200, "still logged in: nothing happened");
}

BOOST_AUTO_TEST_CASE(a_forged_flash_cookie_is_not_shown) {
    auto& stack = shared_stack();
    HttpClient client({.follow_redirects = false, .cookies = false, .timeout_seconds = 30, .connect_timeout_seconds = 10});
    // "error|Your account is locked. Call +1 555 0100." in base64url, with a made-up signature.
    const std::string payload = "ZXJyb3J8WW91ciBhY2NvdW50IGlzIGxvY2tlZC4gQ2FsbCArMSA1NTUgMDEwMC4";
    for (const std::string& cookie : {payload + ".AAAAAAAAAAAAAAAAAAAAAA", payload, payload + "."}) {
        const auto r = client.get(stack.https_url("/"), {{"Cookie", "messages=" + cookie}});
        BOOST_TEST(r.status == 200);
        BOOST_TEST(lacks(r.body, "account is locked"));
        BOOST_TEST(flash_text(r.body).empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()  // csrf
BOOST_AUTO_TEST_SUITE_END()  // browser
