// The logged-in browser pages walked as a person would: password change and reset, profile, devices,
// and the limits (429 after failed logins, 503 while memcached is down). See test_browser_flows.cpp.
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kNewPassword = "N3w-Battery-Staple-Horse";
const std::string kBadLogin = "Please enter a correct email and password.";

// GET path: 302 to the login page, i.e. this browser is not logged in (any more).
bool logged_out(Browser& browser, const std::string& path = "/accounts/profile/") {
    const auto r = browser.get(path);
    return r.status == 302 && r.header("Location").value_or("").starts_with("/accounts/login/");
}

bool is_seconds(const std::string& value) {
    return !value.empty() && value.find_first_not_of("0123456789") == std::string::npos && std::stol(value) > 0;
}

// The ids in the devices page's revoke buttons, in page order; `current` gets the one marked "this device".
std::vector<std::string> device_ids(const std::string& html, std::string* current = nullptr) {
    std::vector<std::string> ids;
    const std::string needle = "name=\"revoke\" value=\"";
    for (auto at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) {
        const auto start = at + needle.size();
        const std::string id = html.substr(start, html.find('"', start) - start);
        ids.push_back(id);
        // The row runs from its <tr> to this button; "this device" is in it when it is the current one.
        const auto row = html.rfind("<tr>", at);
        if (current && row != std::string::npos && html.substr(row, at - row).find("this device") != std::string::npos)
            *current = id;
    }
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(browser)
BOOST_AUTO_TEST_SUITE(password_change)

BOOST_AUTO_TEST_CASE(change_keeps_this_browser_ends_the_others_and_mails_the_user) {
    auto& stack = shared_stack();
    const std::string email = unique_email("change");
    sign_up_verified(stack, email);
    Browser here(stack, "Mozilla/5.0 e2e here");
    Browser elsewhere(stack, "Mozilla/5.0 e2e elsewhere");
    BOOST_TEST_REQUIRE(log_in(elsewhere, email).status == 302);
    BOOST_TEST_REQUIRE(log_in(here, email, kGoodPassword, /*remember=*/true).status == 302);
    const auto before = here.cookie("sessionid");

    const auto page = here.get("/accounts/password/change/");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(contains(page.header("Cache-Control").value_or(""), "no-store"));

    const auto wrong = here.post("/accounts/password/change/", {{"old_password", "Not-The-Old-0ne"},
                                                                 {"new_password1", kNewPassword},
                                                                 {"new_password2", kNewPassword}});
    BOOST_TEST(wrong.status == 200);
    BOOST_TEST(error_next_to(wrong.body, "old_password", "Your old password was entered incorrectly. Please enter it again."),
               wrong.body);
    BOOST_TEST(lacks(wrong.body, kNewPassword));

    const auto weak = here.post("/accounts/password/change/", {{"old_password", kGoodPassword},
                                                                {"new_password1", "short"},
                                                                {"new_password2", "short"}});
    BOOST_TEST(weak.status == 200);
    BOOST_TEST(error_next_to(weak.body, "new_password2", "This password is too short. It must contain at least 8 characters."));
    BOOST_TEST(elsewhere.get("/accounts/profile/").status == 200, "nothing changed yet");

    const auto r = here.post("/accounts/password/change/", {{"old_password", kGoodPassword},
                                                             {"new_password1", kNewPassword},
                                                             {"new_password2", kNewPassword}});
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/profile/");
    // A fresh session for this browser, remembered as the old one was.
    const auto renewed = set_cookie_header(r, "sessionid");
    BOOST_TEST_REQUIRE(renewed.has_value());
    BOOST_TEST(cookie_attribute(*renewed, "Max-Age").value_or("") == "1209600", *renewed);
    BOOST_TEST(cookie_attribute(*renewed, "HttpOnly").has_value());
    BOOST_TEST(cookie_attribute(*renewed, "Secure").has_value());
    BOOST_TEST((here.cookie("sessionid") != before));
    const auto profile = here.follow(r);
    BOOST_TEST(profile.status == 200, "this browser stays logged in");
    BOOST_TEST(flash_text(profile.body) == "Your password was changed.");
    BOOST_TEST(here.get("/accounts/profile/").status == 200);
    BOOST_TEST(logged_out(elsewhere), "the other browser is logged out");

    const auto mail = Mailbox(stack).wait_for(email, 2);  // after the verification mail
    BOOST_TEST(mail.subject == "Your password was changed");
    BOOST_TEST(lacks(mail.raw, kNewPassword));

    Browser fresh(stack);
    const auto old_login = log_in(fresh, email, kGoodPassword);
    BOOST_TEST(old_login.status == 200);
    BOOST_TEST(contains(old_login.body, kBadLogin));
    BOOST_TEST(log_in(fresh, email, kNewPassword).status == 302);
}

BOOST_AUTO_TEST_CASE(anonymous_browser_is_sent_to_login) {
    auto& stack = shared_stack();
    Browser browser(stack);
    const auto r = browser.get("/accounts/password/change/");
    BOOST_TEST(r.status == 302);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/login/?next=/accounts/password/change/");
}

BOOST_AUTO_TEST_SUITE_END()  // password_change

BOOST_AUTO_TEST_SUITE(password_reset)

BOOST_AUTO_TEST_CASE(same_answer_for_known_and_unknown_email_and_the_link_works_once) {
    auto& stack = shared_stack();
    const std::string email = unique_email("reset");
    sign_up_verified(stack, email);
    Browser other(stack, "Mozilla/5.0 e2e other");  // logged in elsewhere: the reset ends it
    BOOST_TEST_REQUIRE(log_in(other, email).status == 302);

    Browser browser(stack);
    const std::string nobody = unique_email("noaccount");
    const auto form = browser.get("/accounts/password/reset/");
    BOOST_TEST(form.status == 200);
    BOOST_TEST(input_value(form.body, "email").has_value());
    const auto unknown = browser.post("/accounts/password/reset/", {{"email", nobody}});
    const auto known = browser.post("/accounts/password/reset/", {{"email", email}});
    BOOST_TEST(unknown.status == 200);
    BOOST_TEST(known.status == 200);
    BOOST_TEST(contains(known.body, "We’ve emailed you instructions for setting your password"));
    BOOST_TEST(without_csrf_tokens(known.body) == without_csrf_tokens(unknown.body), "the same answer");

    Mailbox mailbox(stack);
    const auto mail = mailbox.wait_for(email, 2);
    BOOST_TEST(mail.subject == "Reset your password");
    const auto link = mail.link_path("/accounts/password/reset/");
    BOOST_TEST_REQUIRE(link.has_value(), mail.raw);
    BOOST_TEST(mailbox.to(nobody).empty(), "no mail for an address without an account");

    const auto page = browser.get(*link);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(input_value(page.body, "new_password1").has_value(), page.body);
    BOOST_TEST(input_value(page.body, "new_password2").has_value());

    const auto weak = browser.post(*link, {{"new_password1", "alllowercase"}, {"new_password2", "alllowercase"}});
    BOOST_TEST(weak.status == 200);
    BOOST_TEST(error_next_to(weak.body, "new_password2", "This password must contain at least one uppercase letter."));
    BOOST_TEST(error_next_to(weak.body, "new_password2", "This password must contain at least one digit."));
    const auto mismatch = browser.post(*link, {{"new_password1", kNewPassword}, {"new_password2", kNewPassword + "x"}});
    BOOST_TEST(error_next_to(mismatch.body, "new_password2", "The two password fields didn’t match."));

    const auto done = browser.post(*link, {{"new_password1", kNewPassword}, {"new_password2", kNewPassword}});
    BOOST_TEST_REQUIRE(done.status == 302, done.body);
    BOOST_TEST(done.header("Location").value_or("") == "/accounts/login/");
    BOOST_TEST(flash_text(browser.follow(done).body) == "Your password has been set. You may go ahead and log in now.");

    const auto forged = browser.get("/accounts/password/reset/not-a-real-token/");
    BOOST_TEST(forged.status == 200);
    BOOST_TEST(contains(forged.body, "The password reset link was invalid"));

    const auto reused = browser.get(*link);
    BOOST_TEST(reused.status == 200);
    BOOST_TEST(contains(reused.body, "The password reset link was invalid"));
    BOOST_TEST(!input_value(reused.body, "new_password1").has_value());
    const auto reposted = browser.post(*link, {{"new_password1", "An0ther-Passw0rd"}, {"new_password2", "An0ther-Passw0rd"}});
    BOOST_TEST(reposted.status == 200);
    BOOST_TEST(contains(reposted.body, "The password reset link was invalid"));

    BOOST_TEST(logged_out(other), "every other logged-in browser is logged out");
    BOOST_TEST(mailbox.wait_for(email, 3).subject == "Your password was changed");
    BOOST_TEST(contains(log_in(browser, email, kGoodPassword).body, kBadLogin));
    BOOST_TEST(log_in(browser, email, kNewPassword).status == 302);
}

BOOST_AUTO_TEST_CASE(reset_marks_an_unverified_account_verified) {
    auto& stack = shared_stack();
    const std::string email = unique_email("resetunverified");
    Browser browser(stack);
    BOOST_TEST_REQUIRE(sign_up(browser, email).status == 302);
    Mailbox mailbox(stack);
    mailbox.wait_for(email, 1);  // the verification mail, left unused

    std::string shouted = email;  // emails match ignoring case everywhere
    for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto asked = browser.submit("/accounts/password/reset/", {{"email", shouted}});
    BOOST_TEST(asked.status == 200);
    const auto link = mailbox.wait_for(email, 2).link_path("/accounts/password/reset/");
    BOOST_TEST_REQUIRE(link.has_value());
    browser.get(*link);
    const auto done = browser.post(*link, {{"new_password1", kNewPassword}, {"new_password2", kNewPassword}});
    BOOST_TEST_REQUIRE(done.status == 302, done.body);

    Browser fresh(stack);
    const auto in = log_in(fresh, email, kNewPassword);
    BOOST_TEST(in.status == 302, "logs in without verifying: " << in.body.substr(0, 1500));
    const auto profile = fresh.get("/accounts/profile/");
    BOOST_TEST(contains(profile.body, "verified: yes"));
}

BOOST_AUTO_TEST_CASE(a_reset_link_dies_with_a_password_change_made_elsewhere) {
    auto& stack = shared_stack();
    const std::string email = unique_email("resetdead");
    sign_up_verified(stack, email);
    Browser logged_in(stack);
    BOOST_TEST_REQUIRE(log_in(logged_in, email).status == 302);  // before the link is made

    Browser asker(stack);
    BOOST_TEST_REQUIRE(asker.submit("/accounts/password/reset/", {{"email", email}}).status == 200);
    Mailbox mailbox(stack);
    const auto link = mailbox.wait_for(email, 2).link_path("/accounts/password/reset/");
    BOOST_TEST_REQUIRE(link.has_value());
    BOOST_TEST(input_value(asker.get(*link).body, "new_password1").has_value(), "the link works so far");

    const auto changed = logged_in.submit("/accounts/password/change/", {{"old_password", kGoodPassword},
                                                                         {"new_password1", kNewPassword},
                                                                         {"new_password2", kNewPassword}});
    BOOST_TEST_REQUIRE(changed.status == 302, changed.body);

    const auto dead = asker.get(*link);
    BOOST_TEST(contains(dead.body, "The password reset link was invalid"));
    const auto posted = asker.post(*link, {{"new_password1", "Att4cker-Chosen-Pw"}, {"new_password2", "Att4cker-Chosen-Pw"}});
    BOOST_TEST(posted.status == 200);
    BOOST_TEST(contains(posted.body, "The password reset link was invalid"));
    BOOST_TEST(log_in(asker, email, kNewPassword).status == 302);
}

BOOST_AUTO_TEST_SUITE_END()  // password_reset

BOOST_AUTO_TEST_SUITE(profile)

BOOST_AUTO_TEST_CASE(view_edit_with_errors_and_a_good_edit_that_persists) {
    auto& stack = shared_stack();
    const std::string email = unique_email("profile");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);

    const auto view = browser.get("/accounts/profile/");
    BOOST_TEST(view.status == 200);
    BOOST_TEST(contains(view.body, "<strong>" + email + "</strong>"));
    BOOST_TEST(contains(view.header("Cache-Control").value_or(""), "no-store"));

    const auto bad = browser.post("/accounts/profile/", {{"name", ""}, {"first_name", "Ada"}, {"last_name", ""},
                                                         {"phone", "12345"}, {"date_of_birth", "1990-02-30"},
                                                         {"gender", "robot"}});
    BOOST_TEST(bad.status == 200);
    BOOST_TEST(error_next_to(bad.body, "phone", "Enter a valid phone number in international format, e.g. +14155552671."),
               bad.body);
    BOOST_TEST(error_next_to(bad.body, "date_of_birth", "Enter a valid date in the form YYYY-MM-DD."));
    BOOST_TEST(error_next_to(bad.body, "gender", "Select a valid choice. \"robot\" is not one of the available choices."));
    BOOST_TEST(input_value(bad.body, "phone").value_or("") == "12345", "what was typed is shown again");
    BOOST_TEST(input_value(bad.body, "first_name").value_or("") == "Ada");

    const auto future = browser.post("/accounts/profile/", {{"date_of_birth", "2999-01-01"}});
    BOOST_TEST(error_next_to(future.body, "date_of_birth", "The date of birth must be in the past."), future.body);
    BOOST_TEST(!contains(browser.get("/accounts/profile/").body, "Ada"), "nothing was saved");

    const std::string name = unique_name("Ada L");
    const std::string phone = unique_phone();
    const auto good = browser.post("/accounts/profile/", {{"name", name}, {"first_name", "Ada"}, {"last_name", "Lovelace"},
                                                          {"phone", phone}, {"date_of_birth", "1990-05-17"},
                                                          {"gender", "female"}});
    BOOST_TEST_REQUIRE(good.status == 302, good.body);
    BOOST_TEST(good.header("Location").value_or("") == "/accounts/profile/");
    const auto saved = browser.follow(good);
    BOOST_TEST(flash_text(saved.body) == "Your profile was updated.");
    const auto again = browser.get("/accounts/profile/");
    BOOST_TEST(input_value(again.body, "name").value_or("") == name);
    BOOST_TEST(input_value(again.body, "first_name").value_or("") == "Ada");
    BOOST_TEST(input_value(again.body, "last_name").value_or("") == "Lovelace");
    BOOST_TEST(input_value(again.body, "phone").value_or("") == phone);
    BOOST_TEST(input_value(again.body, "date_of_birth").value_or("") == "1990-05-17");
    BOOST_TEST(contains(again.body, "<option value=\"female\" selected>"));
    BOOST_TEST(contains(again.body, "<strong>" + email + "</strong>"));
    BOOST_TEST(contains(browser.get("/").body, "You are logged in as <strong>" + name + "</strong>"));
    BOOST_TEST(Mailbox(stack).wait_for(email, 2).subject == "Your phone number was changed");

    // Names are unique ignoring case: another user cannot take this one in other letters.
    const std::string other_email = unique_email("profile2");
    sign_up_verified(stack, other_email);
    Browser other(stack);
    BOOST_TEST_REQUIRE(log_in(other, other_email).status == 302);
    std::string shouted = name;
    for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto taken = other.submit("/accounts/profile/", {{"name", shouted}, {"phone", phone}});
    BOOST_TEST(taken.status == 200);
    BOOST_TEST(error_next_to(taken.body, "name", "A user with that name already exists."), taken.body);
    BOOST_TEST(error_next_to(taken.body, "phone", "A user with that phone number already exists."), taken.body);
}

BOOST_AUTO_TEST_CASE(a_script_in_the_name_is_shown_escaped) {
    auto& stack = shared_stack();
    const std::string email = unique_email("xss");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const std::string name = "<script>alert(1)</script> " + unique_name("x");
    const auto r = browser.submit("/accounts/profile/", {{"name", name}, {"first_name", "\"><img src=x onerror=alert(2)>"}});
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    for (const char* path : {"/accounts/profile/", "/", "/accounts/devices/", "/accounts/logout/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto page = browser.get(path);
            BOOST_TEST(page.status == 200);
            BOOST_TEST(contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
            BOOST_TEST(lacks(page.body, "<script>"));
            BOOST_TEST(lacks(page.body, "<img src=x"));
        }
    }
    const auto profile = browser.get("/accounts/profile/");
    BOOST_TEST(input_value(profile.body, "name").value_or("") == name, "the value round-trips");
    // What is typed into the login form is echoed escaped too.
    Browser anonymous(stack);
    const auto login = log_in(anonymous, "\"><script>alert(3)</script>", "x");
    BOOST_TEST(login.status == 200);
    BOOST_TEST(contains(login.body, "&quot;&gt;&lt;script&gt;alert(3)"));
    BOOST_TEST(lacks(login.body, "<script>"));
    BOOST_TEST(input_value(profile.body, "first_name").value_or("") == "\"><img src=x onerror=alert(2)>");
}

BOOST_AUTO_TEST_SUITE_END()  // profile

BOOST_AUTO_TEST_SUITE(devices)

BOOST_AUTO_TEST_CASE(lists_both_browsers_and_revokes_the_other) {
    auto& stack = shared_stack();
    const std::string email = unique_email("devices");
    sign_up_verified(stack, email);
    Browser laptop(stack, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    Browser phone(stack, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                         "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1");
    BOOST_TEST_REQUIRE(log_in(laptop, email).status == 302);
    BOOST_TEST_REQUIRE(log_in(phone, email).status == 302);

    const auto page = laptop.get("/accounts/devices/");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(contains(page.header("Cache-Control").value_or(""), "no-store"));
    std::string current;
    const auto ids = device_ids(page.body, &current);
    BOOST_TEST_REQUIRE(ids.size() == 2u, page.body);
    BOOST_TEST(count_of(page.body, "this device") == 1u);
    BOOST_TEST_REQUIRE(!current.empty());
    const std::string other = ids[0] == current ? ids[1] : ids[0];
    // Each row names the device and where it logged in from; "this device" is the laptop's.
    BOOST_TEST(contains(page.body, "Firefox on Linux<br><span class=\"help\">Browser · this device</span>"));
    BOOST_TEST(contains(page.body, "Safari on iOS<br><span class=\"help\">Browser</span>"));
    BOOST_TEST(count_of(page.body, "<td><bdi>127.0.0.1</bdi></td>") == 2u);

    std::string phone_current;
    device_ids(phone.get("/accounts/devices/").body, &phone_current);
    BOOST_TEST(phone_current == other, "the phone sees itself as the other row");

    const auto revoked = laptop.post("/accounts/devices/", {{"revoke", other}});
    BOOST_TEST_REQUIRE(revoked.status == 302, revoked.body);
    BOOST_TEST(revoked.header("Location").value_or("") == "/accounts/devices/");
    const auto after = laptop.follow(revoked);
    BOOST_TEST(flash_text(after.body) == "The device was logged out.");
    BOOST_TEST(device_ids(after.body) == std::vector<std::string>{current});
    BOOST_TEST(logged_out(phone), "the revoked browser's cookie no longer works");
    BOOST_TEST(laptop.get("/accounts/profile/").status == 200);

    // Another user's login id is not this user's to revoke.
    const std::string stranger_email = unique_email("stranger");
    sign_up_verified(stack, stranger_email);
    Browser stranger(stack);
    BOOST_TEST_REQUIRE(log_in(stranger, stranger_email).status == 302);
    std::string stranger_id;
    device_ids(stranger.get("/accounts/devices/").body, &stranger_id);
    BOOST_TEST_REQUIRE(!stranger_id.empty());
    const auto foreign = laptop.post("/accounts/devices/", {{"revoke", stranger_id}});
    BOOST_TEST(foreign.status == 302);
    BOOST_TEST(flash_text(laptop.follow(foreign).body) == "That device is no longer logged in.");
    BOOST_TEST(stranger.get("/accounts/profile/").status == 200, "the stranger is still logged in");

    // Revoking this very device logs this browser out.
    const auto self = laptop.post("/accounts/devices/", {{"revoke", current}});
    BOOST_TEST(self.status == 302);
    BOOST_TEST(self.header("Location").value_or("") == "/accounts/login/");
    BOOST_TEST(logged_out(laptop));
}

BOOST_AUTO_TEST_CASE(log_out_all_other_devices) {
    auto& stack = shared_stack();
    const std::string email = unique_email("revokeall");
    sign_up_verified(stack, email);
    Browser a(stack, "e2e A"), b(stack, "e2e B"), c(stack, "e2e C");
    for (Browser* browser : {&a, &b, &c}) BOOST_TEST_REQUIRE(log_in(*browser, email).status == 302);
    BOOST_TEST(device_ids(a.get("/accounts/devices/").body).size() == 3u);

    const auto r = a.post("/accounts/devices/", {{"revoke_others", "1"}});
    BOOST_TEST_REQUIRE(r.status == 302, r.body);
    const auto after = a.follow(r);
    BOOST_TEST(flash_text(after.body) == "All your other devices were logged out.");
    BOOST_TEST(device_ids(after.body).size() == 1u);
    BOOST_TEST(logged_out(b));
    BOOST_TEST(logged_out(c));
    BOOST_TEST(a.get("/accounts/profile/").status == 200);
}

BOOST_AUTO_TEST_CASE(pages_with_account_data_are_not_stored) {
    auto& stack = shared_stack();
    const std::string email = unique_email("nostore");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    for (const char* path : {"/", "/accounts/profile/", "/accounts/devices/", "/accounts/password/change/",
                             "/accounts/verify/", "/accounts/logout/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = browser.get(path);
            BOOST_TEST(r.status == 200);
            BOOST_TEST(contains(r.header("Cache-Control").value_or(""), "no-store"));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()  // devices

BOOST_AUTO_TEST_SUITE(csrf)  // continued from test_browser_flows.cpp

BOOST_AUTO_TEST_CASE(every_post_form_carries_a_csrf_token) {
    auto& stack = shared_stack();
    const std::string email = unique_email("forms");
    sign_up_verified(stack, email);
    Browser anonymous(stack);
    for (const char* path : {"/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = anonymous.get(path);
            BOOST_TEST(count_of(r.body, "<form method=\"post\"") >= 1u);
            BOOST_TEST(count_of(r.body, "<form method=\"post\"") == count_of(r.body, "name=\"csrfmiddlewaretoken\""));
        }
    }
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    for (const char* path : {"/accounts/profile/", "/accounts/devices/", "/accounts/password/change/", "/accounts/logout/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = browser.get(path);
            BOOST_TEST(count_of(r.body, "<form method=\"post\"") >= 1u);
            BOOST_TEST(count_of(r.body, "<form method=\"post\"") == count_of(r.body, "name=\"csrfmiddlewaretoken\""));
        }
    }
}

// As Django's login() rotates the CSRF token: a secret planted (a cookie set from a neighbouring
// subdomain) or read before the login is worth nothing after it. Logout ends both cookies.
BOOST_AUTO_TEST_CASE(login_rotates_the_csrf_secret_and_logout_ends_it) {
    auto& stack = shared_stack();
    const std::string email = unique_email("rotate");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(browser.get("/accounts/login/").status == 200);
    const auto before = browser.cookie("csrftoken");
    const std::string token_before = browser.csrf_token();
    BOOST_TEST_REQUIRE(before.has_value());

    const auto login = log_in(browser, email);
    BOOST_TEST_REQUIRE(login.status == 302);
    BOOST_TEST(set_cookie_header(login, "csrftoken").has_value(), "the login's answer sets no csrftoken");
    BOOST_TEST(set_cookie_header(login, "sessionid").has_value());
    const auto after = browser.cookie("csrftoken");
    BOOST_TEST_REQUIRE(after.has_value());
    BOOST_TEST(*after != *before, "the CSRF secret survived the login");

    // A form posted with the token from before the login, and the cookie the browser now holds: refused.
    const auto stale = browser.post("/accounts/profile/", {{"csrfmiddlewaretoken", token_before}, {"name", "Stale"}});
    BOOST_TEST(stale.status == 403, stale.body);
    BOOST_TEST(contains(stale.body, "CSRF token missing or incorrect."));
    // The same form from a page got after the login: taken.
    BOOST_TEST(browser.get("/accounts/profile/").status == 200);
    BOOST_TEST(browser.post("/accounts/profile/", {{"name", unique_name("fresh")}}).status == 302);

    // A secret planted before the login (a cookie of the attacker's choosing) is replaced by it.
    Browser planted(stack);
    BOOST_TEST_REQUIRE(planted.get("/accounts/login/").status == 200);
    const auto planted_secret = planted.cookie("csrftoken");
    BOOST_TEST_REQUIRE(log_in(planted, email).status == 302);
    BOOST_TEST((planted.cookie("csrftoken") != planted_secret));

    // Logout: the session cookie and the CSRF cookie both go.
    BOOST_TEST(browser.get("/accounts/logout/").status == 200);
    const auto logout = browser.post("/accounts/logout/", {});
    BOOST_TEST_REQUIRE(logout.status == 302);
    const auto session_gone = set_cookie_header(logout, "sessionid");
    const auto csrf_gone = set_cookie_header(logout, "csrftoken");
    BOOST_TEST_REQUIRE(session_gone.has_value());
    BOOST_TEST_REQUIRE(csrf_gone.has_value());
    BOOST_TEST(cookie_attribute(*csrf_gone, "Max-Age").value_or("") == "0", *csrf_gone);
    BOOST_TEST(!browser.cookie("csrftoken").has_value());
}

BOOST_AUTO_TEST_SUITE_END()  // csrf

// These stop or throttle things, so each has a stack of its own.
BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(sixth_login_after_five_wrong_passwords_is_429_with_retry_after) {
    StackOptions options;
    options.throttle = true;
    Stack stack(options);
    const std::string email = unique_email("throttled");
    sign_up_verified(stack, email);

    Browser browser(stack);
    browser.get("/accounts/login/");
    for (int i = 1; i <= 5; ++i) {
        const auto wrong = browser.post("/accounts/login/", {{"email", email}, {"password", "Wr0ng-Guess-" + std::to_string(i)}});
        BOOST_TEST(wrong.status == 200, "attempt " << i);
        BOOST_TEST(contains(wrong.body, kBadLogin), "attempt " << i);
    }
    const auto sixth = browser.post("/accounts/login/", {{"email", email}, {"password", kGoodPassword}});
    BOOST_TEST(sixth.status == 429, sixth.body);
    BOOST_TEST(is_seconds(sixth.header("Retry-After").value_or("")), "Retry-After: " << sixth.header("Retry-After").value_or(""));
    BOOST_TEST(sixth.header("Content-Type").value_or("").starts_with("text/html"));
    BOOST_TEST(contains(sixth.body, "Too many attempts"));
    BOOST_TEST(!set_cookie_header(sixth, "sessionid").has_value());
    BOOST_TEST(!browser.cookie("sessionid").has_value());

    // The account is throttled from any browser (any IP), the email in any letter case.
    Browser other(stack);
    std::string shouted = email;
    for (auto& ch : shouted) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    BOOST_TEST(log_in(other, shouted).status == 429);
}

BOOST_AUTO_TEST_CASE(code_mails_and_reset_mails_are_limited_with_429_and_retry_after) {
    StackOptions options;
    options.throttle = true;
    Stack stack(options);
    Mailbox mailbox(stack);

    // Five code mails an hour per user, the signup mail included: four resends, then 429.
    const std::string email = unique_email("resendlimit");
    Browser browser(stack);
    BOOST_TEST_REQUIRE(sign_up(browser, email).status == 302);
    browser.get("/accounts/verify/");
    for (int i = 1; i <= 4; ++i) BOOST_TEST(browser.post("/accounts/verify/", {{"resend", "1"}}).status == 302, "resend " << i);
    const auto refused = browser.post("/accounts/verify/", {{"resend", "1"}});
    BOOST_TEST(refused.status == 429, refused.body.substr(0, 1500));
    BOOST_TEST(is_seconds(refused.header("Retry-After").value_or("")));
    BOOST_TEST(contains(refused.body, "Too many attempts"));
    mailbox.wait_for(email, 5);
    std::this_thread::sleep_for(700ms);  // longer than the mailer's poll: a sixth mail would be there
    BOOST_TEST(mailbox.to(email).size() == 5u);

    // Five reset requests an hour per email: the sixth is refused.
    Browser asker(stack);
    asker.get("/accounts/password/reset/");
    for (int i = 1; i <= 5; ++i) BOOST_TEST(asker.post("/accounts/password/reset/", {{"email", email}}).status == 200, "reset " << i);
    const auto sixth = asker.post("/accounts/password/reset/", {{"email", email}});
    BOOST_TEST(sixth.status == 429, sixth.body.substr(0, 1500));
    BOOST_TEST(is_seconds(sixth.header("Retry-After").value_or("")));
}

BOOST_AUTO_TEST_CASE(memcached_down_gives_a_503_page_and_after_its_restart_sessions_live_on) {
    Stack stack;
    const std::string email = unique_email("outage");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const auto sid = browser.cookie("sessionid");
    BOOST_TEST_REQUIRE(sid.has_value());
    Browser anonymous(stack);
    BOOST_TEST_REQUIRE(anonymous.get("/accounts/login/").status == 200);  // holds its CSRF cookie and token

    stack.stop_memcached();
    const auto check_503 = [](const HttpResponse& r) {
        BOOST_TEST(r.status == 503, r.body.substr(0, 1500));
        BOOST_TEST(is_seconds(r.header("Retry-After").value_or("")), "Retry-After: " << r.header("Retry-After").value_or(""));
        BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/html"));
        BOOST_TEST(contains(r.body, "temporarily unavailable"));
    };
    HttpResponse down;
    const bool saw = wait_until(15s, [&] {
        down = browser.get("/accounts/login/");
        return down.status == 503;
    }, 100ms);
    BOOST_TEST(saw, "GET /accounts/login/ with a session cookie answered " << down.status);
    BOOST_TEST_CONTEXT("GET with a session cookie") check_503(down);
    BOOST_TEST_CONTEXT("GET the profile") check_503(browser.get("/accounts/profile/"));
    BOOST_TEST_CONTEXT("POST login") check_503(anonymous.post("/accounts/login/", {{"email", email}, {"password", kGoodPassword}}));
    BOOST_TEST(anonymous.get("/").status == 200, "pages that need no cache still answer");

    stack.start_memcached();
    // Back by itself: every worker retries the server after libmemcached's retry timeout (1 s), so they
    // may come back a moment apart; wait until every answer has been good for two seconds.
    HttpResponse up;
    auto good_since = std::chrono::steady_clock::time_point::max();
    const bool back = wait_until(20s, [&] {
        up = browser.get("/accounts/login/");
        const auto now = std::chrono::steady_clock::now();
        if (up.status != 200) good_since = std::chrono::steady_clock::time_point::max();
        else if (good_since == std::chrono::steady_clock::time_point::max()) good_since = now;
        return up.status == 200 && now - good_since >= 2s;
    }, 50ms);
    BOOST_TEST(back, "GET /accounts/login/ with the old session cookie answered " << up.status << ": "
                                                                                  << up.body.substr(0, 500) << "\n"
                                                                                  << stack.log_tail());
    // The restarted memcached is empty, yet the browser is still logged in: its session is rebuilt
    // from SQLite (as Django's cached_db sessions), on every worker.
    for (int i = 0; i < 6; ++i) {
        const auto profile = browser.get("/accounts/profile/");
        BOOST_TEST(profile.status == 200, "GET /accounts/profile/ answered " << profile.status);
        BOOST_TEST(contains(profile.body, email));
    }
    BOOST_TEST((browser.cookie("sessionid") == sid), "the same session, not a new login");
    const auto in = anonymous.post("/accounts/login/", {{"email", email}, {"password", kGoodPassword}});
    BOOST_TEST(in.status == 302, in.body.substr(0, 500));
    BOOST_TEST(anonymous.get("/accounts/profile/").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()  // limits
BOOST_AUTO_TEST_SUITE_END()  // browser
