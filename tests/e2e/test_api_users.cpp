// The staff user API (README: *Staff*, /api/users/ and /api/users/<id>/) on the shared stack: who may call
// what (401, 403, 404), DRF's page shape with absolute next/previous links on the site URL, search
// (every field, % and _ literal), creation with flags and without the mail, flag changes, deactivation
// and deletion ending every login. Staff come from the operator's command line, as in production:
// `gatehouse createsuperuser` and `gatehouse users set-staff` against the stack's GATEHOUSE_VAR.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>
#include <sys/wait.h>

#include <cstdio>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

const std::set<std::string> kUserFields = {"id",          "email",    "name",        "first_name", "last_name", "phone",
                                           "date_of_birth", "gender", "is_verified", "is_staff",   "date_joined",
                                           "last_login",  "image"};

// A new staff superuser (createsuperuser, password on stdin) and a Bearer credential for it.
struct StaffMember {
    json user;
    std::string auth;
};
StaffMember make_staff(ApiClient& api, const std::string& tag) {
    const std::string email = unique_email(tag);
    BOOST_TEST_REQUIRE(run_gatehouse(api.stack(), "createsuperuser --email '" + email + "'", std::string(kPassword) + "\n") == 0,
                       "createsuperuser failed; see " << api.stack().dir() << "/gatehouse-cli.log");
    const Pair pair = obtain(api, email);
    BOOST_TEST_REQUIRE(pair.user.value("is_staff", false));
    return {pair.user, bearer(pair.access)};
}

// A verified ordinary user and an API token for it.
struct Member {
    json user;
    std::string auth;
    std::string email;
};
Member make_member(ApiClient& api, const std::string& tag, json extra = json::object()) {
    const std::string email = unique_email(tag);
    json user = verified_user(api, email, kPassword, std::move(extra));
    return {user, token_auth(api_token(api, email)), email};
}

std::string user_path(const json& user) { return "/api/users/" + std::to_string(user.at("id").get<std::int64_t>()) + "/"; }

// A query string value, percent-encoded.
std::string q(const std::string& value) {
    std::string encoded = form_encode({{"x", value}});
    return encoded.substr(2);
}

// The path and query of an absolute link on the site URL (https://localhost:<port>…), for the client.
std::string path_of(const Stack& stack, const std::string& link) {
    const std::string site = "https://localhost:" + std::to_string(stack.https_port());
    BOOST_TEST_REQUIRE(link.starts_with(site + "/"), "link not on the site URL: " << link);
    return link.substr(site.size());
}

std::vector<std::int64_t> ids_of(const json& results) {
    std::vector<std::int64_t> ids;
    for (const auto& u : results) ids.push_back(u.at("id").get<std::int64_t>());
    return ids;
}

// A tag no other test's users carry: letters only, so it survives every field's rules.
std::string unique_tag(const char* prefix) {
    std::string tag = prefix;
    for (int n = ::getpid() * 100 + next_serial(); n > 0; n /= 26) tag += static_cast<char>('a' + n % 26);
    return tag;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_users)

BOOST_AUTO_TEST_CASE(the_list_and_creation_need_credentials_and_staff) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    BOOST_TEST(is_error(api.get("/api/users/"), 401, "not_authenticated"));
    BOOST_TEST(is_error(api.post("/api/users/", {{"email", unique_email("anon")}}), 401, "not_authenticated"));
    BOOST_TEST(is_error(api.get("/api/users/", "Token 0000000000000000000000000000000000000000"), 401, "token_not_valid"));

    const Member member = make_member(api, "nonstaff");
    for (const auto& r : {api.get("/api/users/", member.auth), api.get("/api/users/?page=999", member.auth),
                          api.post("/api/users/", {{"email", unique_email("by-member")}, {"password", kPassword},
                                                   {"password2", kPassword}}, member.auth)}) {
        BOOST_TEST(is_error(r, 403, "permission_denied"));
        BOOST_TEST(body_of(r).value("detail", "") == "You do not have permission to perform this action.");
    }

    // `gatehouse users set-staff` makes the same user staff: its existing token now may.
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "users set-staff '" + member.email + "'") == 0);
    const auto listed = api.get("/api/users/", member.auth);
    BOOST_TEST(listed.status == 200, show(listed));
    BOOST_TEST(listed.header("Cache-Control").value_or("") == "no-store");
    BOOST_TEST(api.get("/api/me/", member.auth).json().value("is_staff", false));
}

BOOST_AUTO_TEST_CASE(pages_with_absolute_links_on_the_site_url) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const StaffMember staff = make_staff(api, "pager-staff");
    const std::string tag = unique_tag("pg");
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i) {
        const auto r = api.post("/api/users/", {{"email", unique_email("pager")}, {"password", kPassword},
                                                {"password2", kPassword}, {"last_name", "Q" + tag},
                                                {"is_verified", true}}, staff.auth);
        BOOST_TEST_REQUIRE(r.status == 201, show(r));
        ids.push_back(r.json().at("id").get<std::int64_t>());
    }
    const std::string site = "https://localhost:" + std::to_string(stack.https_port());

    // The Host header is not where links come from.
    const auto first = api.call("GET", "/api/users/?search=" + tag + "&page_size=2", nullptr, staff.auth,
                                {{"Host", "evil.example"}});
    BOOST_TEST_REQUIRE(first.status == 200, show(first));
    json page = first.json();
    BOOST_TEST(keys_of(page) == (std::set<std::string>{"count", "next", "previous", "results"}),
               boost::test_tools::per_element());
    BOOST_TEST(page.at("count") == 5);
    BOOST_TEST(page.at("previous").is_null());
    BOOST_TEST(page.at("next") == site + "/api/users/?page=2&page_size=2&search=" + tag);
    BOOST_TEST(ids_of(page.at("results")) == (std::vector<std::int64_t>{ids[0], ids[1]}), boost::test_tools::per_element());
    for (const auto& u : page.at("results")) BOOST_TEST(keys_of(u) == kUserFields, boost::test_tools::per_element());

    const auto second = api.get(path_of(stack, page.at("next")), staff.auth);
    BOOST_TEST_REQUIRE(second.status == 200, show(second));
    page = second.json();
    BOOST_TEST(page.at("previous") == site + "/api/users/?page_size=2&search=" + tag);  // page 1: no `page`
    BOOST_TEST(page.at("next") == site + "/api/users/?page=3&page_size=2&search=" + tag);
    BOOST_TEST(ids_of(page.at("results")) == (std::vector<std::int64_t>{ids[2], ids[3]}), boost::test_tools::per_element());

    const auto third = api.get(path_of(stack, page.at("next")), staff.auth);
    BOOST_TEST_REQUIRE(third.status == 200, show(third));
    page = third.json();
    BOOST_TEST(page.at("next").is_null());
    BOOST_TEST(page.at("previous") == site + "/api/users/?page=2&page_size=2&search=" + tag);
    BOOST_TEST(ids_of(page.at("results")) == (std::vector<std::int64_t>{ids[4]}), boost::test_tools::per_element());
    BOOST_TEST(api.get("/api/users/?search=" + tag + "&page_size=2&page=last", staff.auth).json().at("results").size() == 1u);

    for (const std::string bad : {"4", "0", "-1", "abc", ""}) {
        const auto r = api.get("/api/users/?search=" + tag + "&page_size=2&page=" + bad, staff.auth);
        BOOST_TEST(is_error(r, 404, "not_found"), "page=" << bad);
        BOOST_TEST(body_of(r).value("detail", "") == "Invalid page.");
    }
    // page_size: capped at 100; not a positive integer → the default 25.
    for (const std::string size : {"1000", "0", "x"}) {
        const auto r = api.get("/api/users/?search=" + tag + "&page_size=" + size, staff.auth);
        BOOST_TEST_REQUIRE(r.status == 200, show(r));
        BOOST_TEST(r.json().at("results").size() == 5u);
        BOOST_TEST(r.json().at("next").is_null());
    }
    // Nothing matches: one empty page.
    const auto none = api.get("/api/users/?search=" + tag + "-none", staff.auth);
    BOOST_TEST(none.json() == (json{{"count", 0}, {"next", nullptr}, {"previous", nullptr}, {"results", json::array()}}));
    // The default page size is 25, and everyone is listed without a search.
    const auto all = api.get("/api/users/", staff.auth).json();
    BOOST_TEST(all.at("count").get<int>() >= 6);
    BOOST_TEST(all.at("results").size() == std::min<std::size_t>(25, all.at("count").get<std::size_t>()));
}

BOOST_AUTO_TEST_CASE(search_matches_every_field_and_takes_percent_and_underscore_literally) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const StaffMember staff = make_staff(api, "search-staff");
    const std::string tag = unique_tag("sr");
    const std::string phone = unique_phone();
    auto create = [&](json fields) {
        fields["email"] = unique_email("search");
        fields["password"] = fields["password2"] = kPassword;
        fields["is_verified"] = "true";
        const auto r = api.post("/api/users/", fields, staff.auth);
        BOOST_TEST_REQUIRE(r.status == 201, show(r));
        return r.json().at("id").get<std::int64_t>();
    };
    const auto percent = create({{"first_name", "50%off"}, {"last_name", tag}});
    const auto underscore = create({{"first_name", "snake_case"}, {"last_name", tag}});
    const auto plain = create({{"first_name", "50xoff snakeXcase"}, {"last_name", tag}, {"phone", phone}});
    const auto named = create({{"name", "N" + tag}, {"first_name", "Émile"}});

    auto found = [&](const std::string& search) {
        const auto r = api.get("/api/users/?page_size=100&search=" + q(search), staff.auth);
        BOOST_TEST_REQUIRE(r.status == 200, show(r));
        return ids_of(r.json().at("results"));
    };
    using Ids = std::vector<std::int64_t>;
    BOOST_TEST(found(tag) == (Ids{percent, underscore, plain, named}), boost::test_tools::per_element());
    BOOST_TEST(found(tag + " %") == (Ids{percent}), boost::test_tools::per_element());
    BOOST_TEST(found(tag + " 50%") == (Ids{percent}), boost::test_tools::per_element());
    BOOST_TEST(found(tag + " e_c") == (Ids{underscore}), boost::test_tools::per_element());
    BOOST_TEST(found(tag + ",_") == (Ids{underscore}), boost::test_tools::per_element());
    BOOST_TEST(found(phone.substr(3)) == (Ids{plain}), boost::test_tools::per_element());
    BOOST_TEST(found(tag + " SNAKE") == (Ids{underscore, plain}), boost::test_tools::per_element());
    BOOST_TEST(found("n" + tag + " éMILE") == (Ids{named}), boost::test_tools::per_element());  // name, any case
}

BOOST_AUTO_TEST_CASE(staff_create_users_with_flags_and_the_register_rules) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const StaffMember staff = make_staff(api, "create-staff");

    // Verified and staff: no mail, and it can log in at once.
    const std::string verified = unique_email("created-verified");
    const auto made = api.post("/api/users/", {{"email", verified}, {"password", kPassword}, {"password2", kPassword},
                                               {"first_name", "Vera"}, {"is_staff", true}, {"is_verified", true}},
                               staff.auth);
    BOOST_TEST_REQUIRE(made.status == 201, show(made));
    const json user = made.json();
    BOOST_TEST(keys_of(user) == kUserFields, boost::test_tools::per_element());
    BOOST_TEST(user.at("email") == verified);
    BOOST_TEST(user.at("first_name") == "Vera");
    BOOST_TEST(user.at("is_staff") == true);
    BOOST_TEST(user.at("is_verified") == true);
    BOOST_TEST(api.get("/api/users/", bearer(obtain(api, verified).access)).status == 200);

    // Form-encoded, flags as text: unverified, so the verification mail goes out.
    const std::string unverified = unique_email("created-unverified");
    const auto form = api.post_raw("/api/users/",
                                   form_encode({{"email", unverified}, {"password", kPassword}, {"password2", kPassword},
                                                {"is_staff", "0"}, {"is_verified", "false"}}),
                                   "application/x-www-form-urlencoded", staff.auth);
    BOOST_TEST_REQUIRE(form.status == 201, show(form));
    BOOST_TEST(form.json().at("is_verified") == false);
    BOOST_TEST(form.json().at("is_staff") == false);
    const std::string mail = Outbox(stack).wait_mail(unverified);
    BOOST_TEST(contains(mail, "/accounts/verify/"));
    // The mailer delivers in order: the later mail is here, so the verified user's would be too.
    BOOST_TEST(Outbox(stack).mails_to(verified).empty());

    // The register rules and messages, and a bad flag, all at once.
    const auto empty = api.post("/api/users/", json::object(), staff.auth);
    BOOST_TEST(is_validation(empty, {"email", "password", "password2"}));
    const auto bad = api.post("/api/users/", {{"email", "nope"}, {"password", "password"}, {"password2", "password"},
                                              {"is_staff", "maybe"}, {"is_verified", 2}},
                              staff.auth);
    BOOST_TEST(is_validation(bad, {"email", "password", "is_staff", "is_verified"}));
    BOOST_TEST(body_of(bad).at("is_staff") == json::array({"Must be a valid boolean."}));
    BOOST_TEST(!body_of(bad).contains("password2"));  // the rules are about `password`, as in register
    const auto taken = api.post("/api/users/", {{"email", verified}, {"password", kPassword}, {"password2", kPassword}},
                                staff.auth);
    BOOST_TEST(is_validation(taken, {"email"}));
    BOOST_TEST(body_of(taken).at("email") == json::array({"A user with that email already exists."}));
    BOOST_TEST(is_error(api.post_raw("/api/users/", "x", "text/plain", staff.auth), 415, "unsupported_media_type"));
}

BOOST_AUTO_TEST_CASE(one_user_for_staff_or_itself) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const StaffMember staff = make_staff(api, "one-staff");
    const Member alice = make_member(api, "alice");
    const Member bob = make_member(api, "bob");

    BOOST_TEST(is_error(api.get(user_path(alice.user)), 401, "not_authenticated"));
    const auto own = api.get(user_path(alice.user), alice.auth);
    BOOST_TEST_REQUIRE(own.status == 200, show(own));
    json me = api.get("/api/me/", alice.auth).json();
    me.erase("pending_email");  // /api/me/ alone adds the caller's pending email change
    BOOST_TEST(own.json() == me);
    BOOST_TEST(own.header("Cache-Control").value_or("") == "no-store");
    BOOST_TEST(is_error(api.get(user_path(bob.user), alice.auth), 404, "not_found"));
    BOOST_TEST(is_error(api.get(user_path(staff.user), alice.auth), 404, "not_found"));
    BOOST_TEST(api.get(user_path(bob.user), staff.auth).json().at("email") == bob.email);
    BOOST_TEST(is_error(api.get("/api/users/999999999/", staff.auth), 404, "not_found"));
    BOOST_TEST(is_error(api.get("/api/users/abc/", staff.auth), 404, "not_found"));
    const auto put = api.call("PUT", user_path(bob.user), json::object(), staff.auth);
    BOOST_TEST(is_error(put, 405, "method_not_allowed"));
    BOOST_TEST(put.header("Allow").value_or("").find("PATCH") != std::string::npos);

    // Itself: the profile, yes; the flags, only their current values.
    const auto renamed = api.patch(user_path(alice.user), {{"first_name", "Alice"}, {"is_staff", false}, {"is_verified", true}},
                                   alice.auth);
    BOOST_TEST_REQUIRE(renamed.status == 200, show(renamed));
    BOOST_TEST(renamed.json().at("first_name") == "Alice");
    for (const auto& [field, value] : {std::pair{"is_staff", json(true)}, std::pair{"is_active", json(false)},
                                       std::pair{"is_verified", json("0")}}) {
        const auto r = api.patch(user_path(alice.user), {{"last_name", "X"}, {field, value}}, alice.auth);
        BOOST_TEST(is_error(r, 403, "permission_denied"), field);
        BOOST_TEST(body_of(r).value("detail", "") == std::string("You do not have permission to change ") + field + ".");
    }
    BOOST_TEST(api.get("/api/me/", alice.auth).json().at("last_name") == "");
    BOOST_TEST(is_error(api.patch(user_path(bob.user), {{"first_name", "Mallory"}}, alice.auth), 404, "not_found"));
    BOOST_TEST(is_validation(api.patch(user_path(alice.user), {{"phone", "12"}, {"gender", "x"}}, alice.auth),
                             {"phone", "gender"}));
    BOOST_TEST(is_validation(api.patch(user_path(alice.user), json::array({1}), alice.auth), {"non_field_errors"}));

    // Staff: profile and flags of anyone.
    const auto promoted = api.patch(user_path(bob.user), {{"is_staff", "true"}, {"last_name", "Builder"}}, staff.auth);
    BOOST_TEST_REQUIRE(promoted.status == 200, show(promoted));
    BOOST_TEST(promoted.json().at("is_staff") == true);
    BOOST_TEST(promoted.json().at("last_name") == "Builder");
    BOOST_TEST(api.get("/api/users/", bob.auth).status == 200);
    BOOST_TEST(api.get(user_path(alice.user), bob.auth).status == 200);
    const auto demoted = api.patch(user_path(bob.user), {{"is_staff", false}, {"is_verified", false}}, staff.auth);
    BOOST_TEST(demoted.json().at("is_staff") == false);
    BOOST_TEST(demoted.json().at("is_verified") == false);
    BOOST_TEST(is_error(api.get("/api/users/", bob.auth), 403, "permission_denied"));
    const auto bad = api.patch(user_path(bob.user), {{"is_active", "perhaps"}, {"phone", "12"}}, staff.auth);
    BOOST_TEST(is_validation(bad, {"is_active", "phone"}));
    BOOST_TEST(is_error(api.patch("/api/users/999999999/", {{"is_staff", true}}, staff.auth), 404, "not_found"));
}

BOOST_AUTO_TEST_CASE(deactivation_ends_every_login_of_that_user) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const StaffMember staff = make_staff(api, "deactivate-staff");
    const Member carol = make_member(api, "carol");
    const Pair pair = obtain(api, carol.email);
    HttpClient browser;
    session_login(browser, stack, carol.email);
    BOOST_TEST_REQUIRE(me_status(api, bearer(pair.access)) == 200);

    const auto off = api.patch(user_path(carol.user), {{"is_active", false}}, staff.auth);
    BOOST_TEST_REQUIRE(off.status == 200, show(off));
    BOOST_TEST(is_error(api.get("/api/me/", carol.auth), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(pair.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, pair.refresh), 401, "token_not_valid"));
    BOOST_TEST(browser.get(stack.https_url("/accounts/profile/")).status == 302, "the browser session survived");
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", carol.email}, {"password", kPassword}}), 401,
                        "no_active_account"));

    // Active again: a new login works, the old ones stay ended.
    BOOST_TEST_REQUIRE(api.patch(user_path(carol.user), {{"is_active", true}}, staff.auth).status == 200);
    BOOST_TEST(me_status(api, bearer(obtain(api, carol.email).access)) == 200);
    BOOST_TEST(is_error(api.get("/api/me/", carol.auth), 401, "token_not_valid"));
}

// The operator's `gatehouse changepassword` is a password change like any other: every login ends.
BOOST_AUTO_TEST_CASE(changepassword_from_the_command_line_ends_every_login) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const Member dave = make_member(api, "cli-password");
    const Pair pair = obtain(api, dave.email);
    HttpClient browser;
    session_login(browser, stack, dave.email);
    BOOST_TEST_REQUIRE(me_status(api, dave.auth) == 200);
    BOOST_TEST_REQUIRE(me_status(api, bearer(pair.access)) == 200);
    BOOST_TEST_REQUIRE(browser.get(stack.https_url("/accounts/profile/")).status == 200);

    const std::string fresh = "Cli-Fresh-Passw0rd";
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "changepassword --email '" + dave.email + "'", fresh + "\n") == 0,
                       "changepassword failed; see " << stack.dir() << "/gatehouse-cli.log");
    BOOST_TEST(is_error(api.get("/api/me/", dave.auth), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(pair.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, pair.refresh), 401, "token_not_valid"));
    BOOST_TEST(browser.get(stack.https_url("/accounts/profile/")).status == 302, "the browser session survived");
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", dave.email}, {"password", kPassword}}), 401,
                        "no_active_account"));
    BOOST_TEST(me_status(api, bearer(obtain(api, dave.email, fresh).access)) == 200);
}

BOOST_AUTO_TEST_CASE(delete_by_staff_or_by_oneself_with_the_password) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const StaffMember staff = make_staff(api, "delete-staff");
    const Member dave = make_member(api, "dave");
    const Member erin = make_member(api, "erin");

    BOOST_TEST(is_error(api.del(user_path(dave.user)), 401, "not_authenticated"));
    BOOST_TEST(is_error(api.del(user_path(dave.user), nullptr, erin.auth), 404, "not_found"));
    const auto gone = api.del(user_path(dave.user), nullptr, staff.auth);
    BOOST_TEST(gone.status == 204, show(gone));
    BOOST_TEST(gone.body.empty());
    BOOST_TEST(is_error(api.get("/api/me/", dave.auth), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get(user_path(dave.user), staff.auth), 404, "not_found"));
    BOOST_TEST(is_error(api.del(user_path(dave.user), nullptr, staff.auth), 404, "not_found"));

    // Oneself: the password, as DELETE /api/me/ asks for it.
    BOOST_TEST(is_validation(api.del(user_path(erin.user), nullptr, erin.auth), {"password"}));
    BOOST_TEST(is_validation(api.del(user_path(erin.user), {{"password", "Wrong-Passw0rd-1"}}, erin.auth), {"password"}));
    BOOST_TEST(me_status(api, erin.auth) == 200);
    BOOST_TEST(api.del(user_path(erin.user), {{"password", kPassword}}, erin.auth).status == 204);
    BOOST_TEST(is_error(api.get("/api/me/", erin.auth), 401, "token_not_valid"));

    // Staff too, for their own account.
    const auto self = api.del(user_path(staff.user), nullptr, staff.auth);
    BOOST_TEST(is_validation(self, {"password"}));
    BOOST_TEST(body_of(self).at("password") == json::array({"This field is required."}));
    BOOST_TEST(api.del(user_path(staff.user), {{"password", kPassword}}, staff.auth).status == 204);
    BOOST_TEST(is_error(api.get("/api/users/", staff.auth), 401, "token_not_valid"));
}

BOOST_AUTO_TEST_SUITE_END()
