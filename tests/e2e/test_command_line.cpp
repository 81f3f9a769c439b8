// The operator's command line goes through the site's account rules (the README's "The gatehouse
// command"): `users set-staff`, `changepassword` and `createsuperuser` find a user as the login page
// does (any letter case, surrounding spaces), refuse what the site refuses, leave audit rows that the
// admin page shows with the operator ("command line (<user>)") as the actor, and send the site's notices.
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>

using namespace gatehouse::e2e;

namespace {

std::string operator_label() {
    const passwd* entry = getpwuid(getuid());
    return "command line (" + std::string(entry && entry->pw_name ? entry->pw_name : "uid " + std::to_string(getuid())) + ")";
}

// The address as a hurried operator types it: capitals, with spaces around.
std::string typed_carelessly(std::string email) {
    std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::toupper(c); });
    return "  " + email + " ";
}

// The admin page's audit list has this row: actor, action, target.
bool audit_row(const std::string& html, const std::string& actor, const std::string& action, const std::string& target) {
    const auto audit = html.find("Recent actions");
    if (audit == std::string::npos) return false;
    // The action's code is the cell's data-action; its text is a label for people.
    const std::string cells = "<td><bdi>" + actor + "</bdi></td><td data-action=\"" + action + "\">",
                      next = "</td><td><bdi>" + target + "</bdi></td>";
    for (auto at = html.find(cells, audit); at != std::string::npos; at = html.find(cells, at + 1))
        if (html.compare(html.find("</td>", at + cells.size()), next.size(), next) == 0) return true;
    return false;
}

// A staff member logged in on `browser`, to read the admin page.
void staff_browser(Browser& browser) {
    const std::string email = unique_email("cli-admin");
    sign_up_verified(browser.stack(), email);
    BOOST_TEST_REQUIRE(run_gatehouse(browser.stack(), "users set-staff '" + email + "'") == 0);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(command_line)

BOOST_AUTO_TEST_CASE(set_staff_and_changepassword_find_the_user_the_site_finds_and_are_audited) {
    auto& stack = shared_stack();
    Browser admin(stack);
    staff_browser(admin);
    const std::string email = unique_email("cli-user");
    sign_up_verified(stack, email);

    BOOST_TEST_REQUIRE(run_gatehouse(stack, "users set-staff '" + typed_carelessly(email) + "'") == 0,
                       "set-staff failed; see " << stack.dir() << "/gatehouse-cli.log");
    auto page = admin.get("/admin/users/?q=" + email);
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(audit_row(page.body, operator_label(), "make_staff", email), page.body);

    Browser logged_in(stack);  // a session the change must end
    BOOST_TEST_REQUIRE(log_in(logged_in, email).status == 302);
    BOOST_TEST_REQUIRE(logged_in.get("/accounts/profile/").status == 200);
    Mailbox mailbox(stack);
    const auto mails_before = mailbox.to(email).size();
    const std::string fresh = "Cli-N3w-Passphrase";
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "changepassword --email '" + typed_carelessly(email) + "'", fresh + "\n") == 0,
                       "changepassword failed; see " << stack.dir() << "/gatehouse-cli.log");
    // The notice the site's own password change sends.
    const Mail notice = mailbox.wait_for(email, mails_before + 1);
    BOOST_TEST(notice.subject == "Your password was changed");
    BOOST_TEST(logged_in.get("/accounts/profile/").status == 302, "the session outlived the password change");
    page = admin.get("/admin/users/?q=" + email);
    BOOST_TEST(audit_row(page.body, operator_label(), "set_password", email), page.body);

    Browser user(stack);
    BOOST_TEST(log_in(user, email, kGoodPassword).status == 200, "the old password still works");
    BOOST_TEST(log_in(user, email, fresh).status == 302);
}

BOOST_AUTO_TEST_CASE(what_the_site_refuses_the_command_line_refuses) {
    auto& stack = shared_stack();
    const std::string email = unique_email("cli-refused");
    sign_up_verified(stack, email);
    Mailbox mailbox(stack);
    const auto mails_before = mailbox.to(email).size();

    BOOST_TEST(run_gatehouse(stack, "users set-staff 'nobody-" + email + "'") == 1);
    BOOST_TEST(run_gatehouse(stack, "changepassword --email 'nobody-" + email + "'", "Cli-N3w-Passphrase\n") == 1);
    // A common password, and one that is the email: the signup rules refuse them; nothing changes.
    BOOST_TEST(run_gatehouse(stack, "changepassword --email '" + email + "'", "password123\n") == 2);
    BOOST_TEST(run_gatehouse(stack, "changepassword --email '" + email + "'", email + "\n") == 2);
    Browser user(stack);
    BOOST_TEST(log_in(user, email, kGoodPassword).status == 302, "a refused change changed the password");
    BOOST_TEST(mailbox.to(email).size() == mails_before, "a refused change sent a notice");
}

BOOST_AUTO_TEST_CASE(createsuperuser_takes_the_signup_rules_and_is_audited) {
    auto& stack = shared_stack();
    const std::string email = unique_email("cli-boss");
    BOOST_TEST(run_gatehouse(stack, "createsuperuser --email '" + email + "'", "password123\n") == 2,
               "a common password was taken");
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "createsuperuser --email ' " + email + " '", std::string(kGoodPassword) + "\n") == 0,
                       "createsuperuser failed; see " << stack.dir() << "/gatehouse-cli.log");
    BOOST_TEST(run_gatehouse(stack, "createsuperuser --email '" + typed_carelessly(email) + "'",
                             std::string(kGoodPassword) + "\n") != 0,
               "the same email (another case) was taken twice");

    Browser boss(stack);
    BOOST_TEST_REQUIRE(log_in(boss, email).status == 302, "the new superuser cannot log in");
    const auto page = boss.get("/admin/users/?q=" + email);
    BOOST_TEST(page.status == 200, "the new superuser is not staff");
    BOOST_TEST(audit_row(page.body, operator_label(), "create", email), page.body);
}

BOOST_AUTO_TEST_SUITE_END()
