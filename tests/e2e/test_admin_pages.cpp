// The staff admin page (README: *Staff admin*, /admin/users/) walked as a staff member would, on the shared stack:
// who may open it (anonymous → login, non-staff → 403), search and pages of 25 (a bad page → 404),
// each action with its flash and its audit row (deactivate ends the user's logins; activate, mark
// verified, make staff), delete only after the confirmation, CSRF on every POST, escaping. Staff come
// from the operator's command line, as in production: `gatehouse users set-staff` on the stack's var dir.
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

using namespace gatehouse::e2e;

namespace {

constexpr const char* kAdmin = "/admin/users/";

// A query string value, percent-encoded as the page writes it.
std::string encoded(const std::string& value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string search_path(const std::string& q, const std::string& page = {}) {
    return std::string(kAdmin) + "?q=" + encoded(q) + (page.empty() ? "" : "&page=" + page);
}

// The table row (<tr>…</tr>) that shows this email, "" when none.
std::string row_of(const std::string& html, const std::string& email) {
    const auto at = html.find("<td><bdi>" + email + "</bdi></td>");
    if (at == std::string::npos) return {};
    const auto begin = html.rfind("<tr>", at);
    const auto end = html.find("</tr>", at);
    return html.substr(begin, end - begin);
}

// The user id in that row's forms.
std::string id_in(const std::string& row) {
    const std::string needle = "name=\"id\" value=\"";
    const auto at = row.find(needle);
    if (at == std::string::npos) return {};
    const auto start = at + needle.size();
    return row.substr(start, row.find('"', start) - start);
}

// The row's yes/no cells in order: verified, active, staff.
std::string flags_of(const std::string& row) {
    std::string out;
    for (auto at = row.find("<td>"); at != std::string::npos; at = row.find("<td>", at + 1)) {
        const auto start = at + 4;
        const std::string cell = row.substr(start, row.find("</td>", start) - start);
        if (cell == "yes" || cell == "no") out += (out.empty() ? "" : " ") + cell;
    }
    return out;
}

// A POST of one row's button, as the page's form sends it.
HttpResponse act(Browser& admin, const std::string& action, const std::string& id, const std::string& q,
                 const std::string& page = "1") {
    return admin.post(kAdmin, {{"action", action}, {"id", id}, {"q", q}, {"page", page}});
}

// A letters-only tag no other test's users carry.
std::string unique_tag(const char* prefix) {
    std::string tag = prefix;
    for (int n = static_cast<int>(::getpid()); n > 0; n /= 26) tag += static_cast<char>('a' + n % 26);
    return tag;
}

// The audit list shows the action (its code in data-action, a label for people) on the target (by
// email while the user exists).
bool audited(const std::string& html, const std::string& action, const std::string& target) {
    const auto audit = html.find("Recent actions");
    if (audit == std::string::npos) return false;
    const std::string cell = "<td data-action=\"" + action + "\">", next = "</td><td><bdi>" + target + "</bdi></td>";
    for (auto at = html.find(cell, audit); at != std::string::npos; at = html.find(cell, at + 1))
        if (html.compare(html.find("</td>", at), next.size(), next) == 0) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(admin_pages)

BOOST_AUTO_TEST_CASE(anonymous_goes_to_login_and_non_staff_gets_403) {
    auto& stack = shared_stack();
    Browser anonymous(stack);
    const auto r = anonymous.get("/admin/users/?q=x");
    BOOST_TEST(r.status == 302);
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/login/?next=/admin/users/");

    const std::string email = unique_email("admin-member");
    sign_up_verified(stack, email);
    Browser member(stack);
    BOOST_TEST_REQUIRE(log_in(member, email).status == 302);
    const auto page = member.get(kAdmin);
    BOOST_TEST(page.status == 403);
    BOOST_TEST(contains(page.header("Content-Type").value_or(""), "text/html"));
    BOOST_TEST(contains(page.body, "This page is for staff only."));
    BOOST_TEST(lacks(page.body, "Recent actions"));
    const auto post = member.post(kAdmin, {{"action", "make_staff"}, {"id", "1"}});
    BOOST_TEST(post.status == 403);
    const auto profile = member.get("/accounts/profile/");
    BOOST_TEST(lacks(profile.body, "staff"));
    BOOST_TEST(lacks(profile.body, "href=\"/admin/users/\""));  // no link to a page they may not open

    // Made staff by the operator: the same login may now, and every page's header links to it.
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "users set-staff '" + email + "'") == 0);
    const auto now = member.get(kAdmin);
    BOOST_TEST(now.status == 200);
    BOOST_TEST(contains(now.header("Cache-Control").value_or(""), "no-store"));
    BOOST_TEST(contains(member.get("/accounts/profile/").body, "<a href=\"/admin/users/\">Users</a>"));
}

BOOST_AUTO_TEST_CASE(search_and_pages_of_25) {
    auto& stack = shared_stack();
    Browser admin(stack);
    staff_logged_in(admin, "admin-pager");
    const std::string tag = unique_tag("pagetag");
    Browser signups(stack);
    std::vector<std::string> emails;
    for (int i = 0; i < 26; ++i) {
        emails.push_back(unique_email(tag));
        BOOST_TEST_REQUIRE(sign_up(signups, emails.back()).status == 302);
    }

    const auto first = admin.get(search_path(tag));
    BOOST_TEST_REQUIRE(first.status == 200);
    BOOST_TEST(contains(first.body, "26 users · page 1 of 2"));
    BOOST_TEST(count_of(first.body, "name=\"id\"") == 25u);
    BOOST_TEST(contains(first.body, "href=\"/admin/users/?q=" + tag + "&amp;page=2\""), first.body);
    BOOST_TEST(lacks(first.body, "rel=\"prev\""));
    BOOST_TEST(input_value(first.body, "q").value_or("") == tag);

    const auto second = admin.get(search_path(tag, "2"));
    BOOST_TEST_REQUIRE(second.status == 200);
    BOOST_TEST(count_of(second.body, "name=\"id\"") == 1u);
    BOOST_TEST(contains(second.body, "href=\"/admin/users/?q=" + tag + "\" rel=\"prev\""));
    BOOST_TEST(lacks(second.body, "rel=\"next\""));
    BOOST_TEST(!row_of(second.body, emails.back()).empty(), "by id: the newest comes last");

    for (const char* bad : {"99", "0", "abc", "-1"}) {
        const auto r = admin.get(search_path(tag, bad));
        BOOST_TEST(r.status == 404, bad);
        BOOST_TEST(contains(r.header("Content-Type").value_or(""), "text/html"));
    }

    // Search by one whole email finds that user alone.
    const auto one = admin.get(search_path(emails[3]));
    BOOST_TEST(contains(one.body, "1 users · page 1 of 1"));
    BOOST_TEST(!row_of(one.body, emails[3]).empty());
    const auto none = admin.get(search_path(tag + "-nobody"));
    BOOST_TEST(contains(none.body, "No users match."));

    // An action from page 2 comes back to page 2 of the same search.
    const std::string id = id_in(row_of(second.body, emails.back()));
    const auto acted = act(admin, "deactivate", id, tag, "2");
    BOOST_TEST(acted.status == 302);
    BOOST_TEST(acted.header("Location").value_or("") == "/admin/users/?q=" + tag + "&page=2");
    const auto back = admin.follow(acted);
    BOOST_TEST(flash_text(back.body) == emails.back() + " was deactivated.");
    BOOST_TEST(flags_of(row_of(back.body, emails.back())) == "no no no");
}

BOOST_AUTO_TEST_CASE(deactivate_ends_the_logins_and_activate_lets_the_user_back) {
    auto& stack = shared_stack();
    Browser admin(stack);
    const std::string admin_email = staff_logged_in(admin, "admin-active");
    const std::string email = unique_email("admin-target");
    sign_up_verified(stack, email);
    Browser user(stack);
    BOOST_TEST_REQUIRE(log_in(user, email).status == 302);
    const auto session = user.cookie("sessionid");
    BOOST_TEST_REQUIRE(session.has_value());
    BOOST_TEST_REQUIRE(get_with_session(stack, "/accounts/profile/", *session).status == 200);

    const auto listed = admin.get(search_path(email));
    const std::string row = row_of(listed.body, email);
    BOOST_TEST_REQUIRE(!row.empty(), listed.body);
    BOOST_TEST(flags_of(row) == "yes yes no");
    BOOST_TEST(contains(row, "value=\"deactivate\""));
    BOOST_TEST(lacks(row, "value=\"verify\""), "already verified");
    const std::string id = id_in(row);

    const auto off = act(admin, "deactivate", id, email);
    BOOST_TEST_REQUIRE(off.status == 302);
    BOOST_TEST(off.header("Location").value_or("") == search_path(email));
    const auto after = admin.follow(off);
    BOOST_TEST(flash_text(after.body) == email + " was deactivated.");
    BOOST_TEST(flags_of(row_of(after.body, email)) == "yes no no");
    BOOST_TEST(contains(row_of(after.body, email), "value=\"activate\""));
    BOOST_TEST(audited(after.body, "deactivate", email));
    BOOST_TEST(contains(after.body, "is_active: true → false"));
    BOOST_TEST(contains(after.body, "<td><bdi>" + admin_email + "</bdi></td><td data-action=\"deactivate\">deactivated</td>"),
               "the actor is named");

    BOOST_TEST(get_with_session(stack, "/accounts/profile/", *session).status == 302, "that login ended");
    Browser again(stack);
    BOOST_TEST(log_in(again, email).status != 302, "an inactive user cannot log in");

    const auto on = act(admin, "activate", id, email);
    BOOST_TEST_REQUIRE(on.status == 302);
    const auto restored = admin.follow(on);
    BOOST_TEST(flash_text(restored.body) == email + " was activated.");
    BOOST_TEST(flags_of(row_of(restored.body, email)) == "yes yes no");
    BOOST_TEST(audited(restored.body, "activate", email));
    BOOST_TEST(log_in(again, email).status == 302);
}

BOOST_AUTO_TEST_CASE(mark_verified_and_make_staff) {
    auto& stack = shared_stack();
    Browser admin(stack);
    staff_logged_in(admin, "admin-flags");
    const std::string email = unique_email("admin-unverified");
    Browser user(stack);
    BOOST_TEST_REQUIRE(sign_up(user, email).status == 302);
    log_in(user, email);
    BOOST_TEST(user.get("/accounts/profile/").status == 302, "unverified: no session");

    const auto listed = admin.get(search_path(email));
    const std::string row = row_of(listed.body, email);
    BOOST_TEST_REQUIRE(!row.empty());
    BOOST_TEST(flags_of(row) == "no yes no");
    const std::string id = id_in(row);

    const auto verified = admin.follow(act(admin, "verify", id, email));
    BOOST_TEST(flash_text(verified.body) == email + " was marked verified.");
    BOOST_TEST(flags_of(row_of(verified.body, email)) == "yes yes no");
    BOOST_TEST(lacks(row_of(verified.body, email), "value=\"verify\""));
    BOOST_TEST(audited(verified.body, "mark_verified", email));
    BOOST_TEST_REQUIRE(log_in(user, email).status == 302, "verified: the login works now");
    BOOST_TEST(user.get(kAdmin).status == 403);

    const auto staffed = admin.follow(act(admin, "make_staff", id, email));
    BOOST_TEST(flash_text(staffed.body) == email + " was made staff.");
    BOOST_TEST(flags_of(row_of(staffed.body, email)) == "yes yes yes");
    BOOST_TEST(lacks(row_of(staffed.body, email), "value=\"make_staff\""));
    BOOST_TEST(audited(staffed.body, "make_staff", email));
    BOOST_TEST(contains(staffed.body, "is_staff: false → true"));
    BOOST_TEST(user.get(kAdmin).status == 200, "the new staff member may open the page");
}

BOOST_AUTO_TEST_CASE(delete_needs_the_confirmation) {
    auto& stack = shared_stack();
    Browser admin(stack);
    const std::string admin_email = staff_logged_in(admin, "admin-delete");
    const std::string email = unique_email("admin-doomed");
    sign_up_verified(stack, email);
    const auto listed = admin.get(search_path(email));
    const std::string id = id_in(row_of(listed.body, email));
    BOOST_TEST_REQUIRE(!id.empty());

    const auto confirm = act(admin, "delete", id, email);
    BOOST_TEST(confirm.status == 200);
    BOOST_TEST(contains(confirm.body, "Delete " + email + "? This cannot be undone."));
    BOOST_TEST(contains(confirm.body, "value=\"delete_confirmed\""));
    BOOST_TEST(contains(confirm.header("Cache-Control").value_or(""), "no-store"));
    BOOST_TEST(!row_of(admin.get(search_path(email)).body, email).empty(), "nothing deleted yet");
    Browser user(stack);
    BOOST_TEST(log_in(user, email).status == 302);

    // The confirm page's own form, with its own token.
    const auto deleted = admin.post(kAdmin, {{"action", "delete_confirmed"},
                                             {"id", *input_value(confirm.body, "id")},
                                             {"q", *input_value(confirm.body, "q")},
                                             {"page", *input_value(confirm.body, "page")}});
    BOOST_TEST_REQUIRE(deleted.status == 302);
    const auto after = admin.follow(deleted);
    BOOST_TEST(flash_text(after.body) == email + " was deleted.");
    BOOST_TEST(row_of(after.body, email).empty());
    BOOST_TEST(contains(after.body, "<td data-action=\"delete\">deleted</td><td><bdi>#" + id + "</bdi></td><td><bdi>email: " + email +
                                        "</bdi></td>"),
               after.body);
    BOOST_TEST(user.get("/accounts/profile/").status == 302, "its login ended with it");
    Browser fresh(stack);
    BOOST_TEST(log_in(fresh, email).status == 200, "no such user any more");

    // Staff do not delete themselves here.
    const std::string own_id = id_in(row_of(admin.get(search_path(admin_email)).body, admin_email));
    BOOST_TEST_REQUIRE(!own_id.empty());
    BOOST_TEST(lacks(row_of(admin.get(search_path(admin_email)).body, admin_email), "value=\"delete\""));
    const auto self = admin.follow(act(admin, "delete_confirmed", own_id, admin_email));
    BOOST_TEST(flash_text(self.body) == "You cannot delete your own account here.");
    BOOST_TEST(!row_of(self.body, admin_email).empty());

    // Nor deactivate themselves (it would end the very login that clicked).
    BOOST_TEST(lacks(row_of(admin.get(search_path(admin_email)).body, admin_email), "value=\"deactivate\""));
    const auto deactivated = admin.follow(act(admin, "deactivate", own_id, admin_email));
    BOOST_TEST(flash_text(deactivated.body) == "You cannot deactivate your own account here.");
    BOOST_TEST(admin.get(kAdmin).status == 200, "still logged in and staff");
}

BOOST_AUTO_TEST_CASE(every_post_needs_the_csrf_token) {
    auto& stack = shared_stack();
    Browser admin(stack);
    staff_logged_in(admin, "admin-csrf");
    const std::string email = unique_email("admin-csrf-target");
    sign_up_verified(stack, email);
    const std::string id = id_in(row_of(admin.get(search_path(email)).body, email));
    BOOST_TEST_REQUIRE(!id.empty());
    for (const char* action : {"deactivate", "activate", "verify", "make_staff", "delete", "delete_confirmed"}) {
        const auto r = admin.post(kAdmin, {{"action", action}, {"id", id}, {"csrfmiddlewaretoken", ""}});
        BOOST_TEST(r.status == 403, action);
        BOOST_TEST(contains(r.body, "CSRF token missing or incorrect."), action);
        const auto other = admin.post(kAdmin, {{"action", action}, {"id", id}}, {{"Origin", "https://evil.example"}});
        BOOST_TEST(other.status == 403, action);
    }
    const auto listed = admin.get(search_path(email));
    BOOST_TEST(flags_of(row_of(listed.body, email)) == "yes yes no", "nothing changed");
}

BOOST_AUTO_TEST_CASE(names_and_searches_are_escaped) {
    auto& stack = shared_stack();
    Browser admin(stack);
    staff_logged_in(admin, "admin-escape");
    const std::string email = unique_email("admin-xss");
    const std::string name = "<script>alert(" + std::to_string(::getpid()) + ")</script>";
    Browser signup(stack);
    BOOST_TEST_REQUIRE(sign_up(signup, email, kGoodPassword, name).status == 302);

    const auto listed = admin.get(search_path(email));
    BOOST_TEST_REQUIRE(!row_of(listed.body, email).empty());
    BOOST_TEST(lacks(listed.body, name));
    BOOST_TEST(contains(listed.body, "&lt;script&gt;alert("));

    const std::string q = "\"><script>x</script>";
    const auto searched = admin.get(search_path(q));
    BOOST_TEST(searched.status == 200);
    BOOST_TEST(lacks(searched.body, "<script>x</script>"));
    BOOST_TEST(input_value(searched.body, "q").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
