// Administration of users (accounts/staff.hpp, behind /api/users/): DRF's page arithmetic and search
// terms, the search itself (every field, any case, % and _ literal), who may do what, flag changes,
// deactivation and deletion ending every login — against a real memcached and a migrated SQLite db.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/store/logins.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;
using accounts::Outcome;
using test::outcome_of;

namespace {

struct Staff : test::AccountsFixture {
    store::User admin = make_staff("admin@example.org");

    store::User make_staff(const std::string& email) {
        auto u = make_user(email);
        store::UserStore(db).set_flags(u.id, true, true, false, true);
        return reload(u.id);
    }
    // A user with every searchable field set (no signup, no mail).
    store::User person(const std::string& email, std::optional<std::string> name, const std::string& first,
                       const std::string& last, std::optional<std::string> phone = std::nullopt) {
        store::User u;
        u.email = email;
        u.name = std::move(name);
        u.first_name = first;
        u.last_name = last;
        u.phone = std::move(phone);
        u.password_hash = "!";
        u.is_verified = true;
        u.date_joined = core::iso8601_utc(services.now());
        u.id = store::UserStore(db).insert(u);
        return u;
    }
    accounts::UserPage list(const std::string& search, std::optional<std::string> page = std::nullopt,
                            std::optional<std::string> size = std::nullopt) {
        auto result = accounts::list_users(services, admin, {search, std::move(page), std::move(size)});
        BOOST_REQUIRE_MESSAGE(result.has_value(), "list_users refused: " << result.error().outcome);
        return *result;
    }
    std::vector<std::string> emails(const std::string& search) {
        std::vector<std::string> out;
        for (const auto& u : list(search, std::nullopt, "100").users) out.push_back(u.email.value_or("-"));
        return out;
    }
    accounts::SignupInput signup(const std::string& email) {
        accounts::SignupInput in;
        in.email = email;
        in.password1 = in.password2 = test::kGoodPassword;
        return in;
    }
    bool exists(std::int64_t id) { return store::UserStore(db).find_by_id(id).has_value(); }
};

std::vector<std::string> strings(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

bool has_message(const accounts::FieldErrors& errors, const std::string& field, const std::string& text) {
    const auto it = errors.find(field);
    if (it == errors.end()) return false;
    for (const auto& m : it->second)
        if (m.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

// ------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(staff_pages)

BOOST_AUTO_TEST_CASE(page_size_is_drf_page_size_query_param_with_max_100) {
    using accounts::page_size_from;
    BOOST_TEST(page_size_from(std::nullopt) == 25);
    BOOST_TEST(page_size_from("10") == 10);
    BOOST_TEST(page_size_from("1") == 1);
    BOOST_TEST(page_size_from("100") == 100);
    BOOST_TEST(page_size_from("101") == 100);
    BOOST_TEST(page_size_from("99999999999999999999999") == 100);
    BOOST_TEST(page_size_from(" 7 ") == 7);
    BOOST_TEST(page_size_from("+3") == 3);
    for (const char* bad : {"", "0", "-5", "abc", "2.5", "1e3", "000"}) BOOST_TEST(page_size_from(bad) == 25, bad);
}

BOOST_AUTO_TEST_CASE(page_count_is_at_least_one) {
    using accounts::page_count;
    BOOST_TEST(page_count(0, 25) == 1);  // Django's allow_empty_first_page
    BOOST_TEST(page_count(1, 25) == 1);
    BOOST_TEST(page_count(25, 25) == 1);
    BOOST_TEST(page_count(26, 25) == 2);
    BOOST_TEST(page_count(100, 10) == 10);
    BOOST_TEST(page_count(101, 10) == 11);
}

BOOST_AUTO_TEST_CASE(page_number_is_1_to_last_or_the_word_last) {
    using accounts::page_number_from;
    BOOST_TEST(page_number_from(std::nullopt, 3).value_or(-1) == 1);
    BOOST_TEST(page_number_from("1", 3).value_or(-1) == 1);
    BOOST_TEST(page_number_from("3", 3).value_or(-1) == 3);
    BOOST_TEST(page_number_from("last", 3).value_or(-1) == 3);
    BOOST_TEST(page_number_from("1", 1).value_or(-1) == 1);
    for (const char* bad : {"4", "0", "-1", "", "abc", "2.0", "Last", "99999999999999999999999"})
        BOOST_TEST(!page_number_from(bad, 3).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(search_terms_split_at_whitespace_and_commas) {
    BOOST_TEST(accounts::search_terms("") == std::vector<std::string>{}, boost::test_tools::per_element());
    BOOST_TEST(accounts::search_terms(" , ") == std::vector<std::string>{}, boost::test_tools::per_element());
    BOOST_TEST(accounts::search_terms("  ann,smith\tx%_y ") == strings({"ann", "smith", "x%_y"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(booleans_are_drf_boolean_field_inputs) {
    for (const char* yes : {"true", "True", "TRUE", "1", "yes", "on", "t", "Y"})
        BOOST_TEST(accounts::parse_boolean(yes).value_or(false) == true, yes);
    for (const char* no : {"false", "False", "0", "no", "off", "f", "N"})
        BOOST_TEST(accounts::parse_boolean(no).value_or(true) == false, no);
    for (const char* bad : {"", "2", "maybe", "null", " true", "1.0"}) BOOST_TEST(!accounts::parse_boolean(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------------
BOOST_FIXTURE_TEST_SUITE(staff_list, Staff)

BOOST_AUTO_TEST_CASE(only_staff_may_list) {
    const auto alice = make_user("alice@example.org");
    auto refused = accounts::list_users(services, alice, {});
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().outcome == Outcome::Forbidden);
    BOOST_TEST(refused.error().subject.empty());
    // Permission before the page: a bad page is still 403 for a non-staff caller.
    BOOST_TEST(accounts::list_users(services, alice, {"", "999", ""}).error().outcome == Outcome::Forbidden);
}

BOOST_AUTO_TEST_CASE(pages_of_the_matching_users_by_id) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 23; ++i) ids.push_back(make_user("pager" + std::to_string(i) + "@example.org").id);
    auto first = list("pager", std::nullopt, "10");
    BOOST_TEST(first.count == 23);
    BOOST_TEST(first.number == 1);
    BOOST_TEST(first.size == 10);
    BOOST_TEST(first.last == 3);
    BOOST_TEST(first.has_next());
    BOOST_TEST(!first.has_previous());
    BOOST_REQUIRE(first.users.size() == 10u);
    for (std::size_t i = 0; i < 10; ++i) BOOST_TEST(first.users[i].id == ids[i]);

    auto third = list("pager", "3", "10");
    BOOST_TEST(third.number == 3);
    BOOST_TEST(!third.has_next());
    BOOST_TEST(third.has_previous());
    BOOST_REQUIRE(third.users.size() == 3u);
    BOOST_TEST(third.users[2].id == ids[22]);
    BOOST_TEST(list("pager", "last", "10").number == 3);

    auto refused = accounts::list_users(services, admin, {"pager", "4", "10"});
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().outcome == Outcome::InvalidPage);
    BOOST_TEST(accounts::list_users(services, admin, {"pager", "0", "10"}).error().outcome == Outcome::InvalidPage);
    BOOST_TEST(accounts::list_users(services, admin, {"pager", "two", "10"}).error().outcome == Outcome::InvalidPage);

    // The default size, and the cap.
    BOOST_TEST(list("pager").size == 25);
    BOOST_TEST(list("pager").users.size() == 23u);
    BOOST_TEST(list("pager", std::nullopt, "1000").size == 100);
    // Everyone: the staff member and the 23.
    BOOST_TEST(list("").count == 24);
}

BOOST_AUTO_TEST_CASE(nothing_matching_is_one_empty_page) {
    auto page = list("no-such-user");
    BOOST_TEST(page.count == 0);
    BOOST_TEST(page.number == 1);
    BOOST_TEST(page.last == 1);
    BOOST_TEST(page.users.empty());
    BOOST_TEST(!page.has_next());
    BOOST_TEST(accounts::list_users(services, admin, {"no-such-user", "2", ""}).error().outcome == Outcome::InvalidPage);
}

BOOST_AUTO_TEST_CASE(search_looks_at_email_name_first_last_and_phone) {
    person("ann@example.org", "annie", "Ann", "Smith", "+14155550101");
    person("bob@example.org", "bobby", "Robert", "Jones", "+14155550102");
    person("carol@corp.example", std::nullopt, "Carol", "Smithers");
    BOOST_TEST(emails("ann@") == strings({"ann@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("bobby") == strings({"bob@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("robert") == strings({"bob@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("SMITH") == strings({"ann@example.org", "carol@corp.example"}), boost::test_tools::per_element());
    BOOST_TEST(emails("5550102") == strings({"bob@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("corp") == strings({"carol@corp.example"}), boost::test_tools::per_element());
    // Every term must match some field (DRF's SearchFilter).
    BOOST_TEST(emails("ann smith") == strings({"ann@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("carol,smith") == strings({"carol@corp.example"}), boost::test_tools::per_element());
    BOOST_TEST(emails("ann jones").empty());
}

BOOST_AUTO_TEST_CASE(search_ignores_case_beyond_ascii) {
    person("e1@example.org", "Émile", "Émile", "Zoë");
    person("e2@example.org", std::nullopt, "Emile", "Zoe");
    BOOST_TEST(emails("éMILE") == strings({"e1@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("ZOË") == strings({"e1@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("EMILE") == strings({"e2@example.org"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(percent_underscore_and_backslash_are_literal) {
    person("pct@example.org", std::nullopt, "100%", "sure");
    person("under@example.org", std::nullopt, "snake_case", "x");
    person("plain@example.org", std::nullopt, "100x", "snakeXcase");
    person("slash@example.org", std::nullopt, "back\\slash", "y");
    BOOST_TEST(emails("%") == strings({"pct@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("100%") == strings({"pct@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("e_c") == strings({"under@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("\\") == strings({"slash@example.org"}), boost::test_tools::per_element());
    BOOST_TEST(emails("k\\s") == strings({"slash@example.org"}), boost::test_tools::per_element());
    // "_" matches only an underscore: not every user with one character somewhere.
    BOOST_TEST(emails("_") == strings({"under@example.org"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(phone_only_users_are_listed_and_searchable) {
    store::User u;
    u.phone = "+447700900123";
    u.date_joined = core::iso8601_utc(services.now());
    u.id = store::UserStore(db).insert(u);
    const auto page = list("7700900");
    BOOST_REQUIRE(page.users.size() == 1u);
    BOOST_TEST(page.users[0].id == u.id);
    BOOST_TEST(!page.users[0].email.has_value());
    BOOST_TEST(list("example").count == 1);  // the admin alone: a NULL email matches nothing
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------------
BOOST_FIXTURE_TEST_SUITE(staff_create, Staff)

BOOST_AUTO_TEST_CASE(only_staff_may_create) {
    const auto alice = make_user("alice@example.org");
    auto refused = accounts::create_user_as_staff(services, alice, {signup("new@example.org"), {}});
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().outcome == Outcome::Forbidden);
    BOOST_TEST(!store::UserStore(db).find_by_email("new@example.org").has_value());
}

BOOST_AUTO_TEST_CASE(a_verified_user_gets_no_mail_an_unverified_one_the_verification_mail) {
    auto verified = accounts::create_user_as_staff(services, admin, {signup("v@example.org"), {"1", {}, "true"}});
    BOOST_REQUIRE(verified.has_value());
    BOOST_TEST(verified->is_verified);
    BOOST_TEST(verified->is_staff);
    BOOST_TEST(verified->is_active);
    BOOST_TEST(!verified->is_superuser);
    BOOST_TEST(mails_to("v@example.org").empty());
    BOOST_TEST(reload(verified->id).is_staff);

    auto plain = accounts::create_user_as_staff(services, admin, {signup("u@example.org"), {}});
    BOOST_REQUIRE(plain.has_value());
    BOOST_TEST(!plain->is_verified);
    BOOST_TEST(!plain->is_staff);
    const auto mails = mails_to("u@example.org");
    BOOST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(!test::code_in(mails[0].text_body).empty());
    // The password works.
    BOOST_TEST(outcome_of(password_login("v@example.org", test::kGoodPassword)) == "Ok");
}

BOOST_AUTO_TEST_CASE(the_register_rules_and_a_bad_flag_all_at_once) {
    accounts::SignupInput in;
    in.email = "not an email";
    in.password1 = "short";
    in.password2 = "other";
    in.phone = "12";
    auto refused = accounts::create_user_as_staff(services, admin, {in, {"maybe", {}, "2"}});
    BOOST_REQUIRE(!refused.has_value());
    const auto& e = refused.error();
    BOOST_TEST(e.outcome == Outcome::Invalid);
    BOOST_TEST(has_message(e.errors, "email", "Enter a valid email address."));
    BOOST_TEST(has_message(e.errors, "phone", "international format"));
    BOOST_TEST(has_message(e.errors, "password2", "didn’t match"));
    BOOST_TEST(has_message(e.errors, "is_staff", "Must be a valid boolean."));
    BOOST_TEST(has_message(e.errors, "is_verified", "Must be a valid boolean."));

    make_user("taken@example.org");
    auto taken = accounts::create_user_as_staff(services, admin, {signup("TAKEN@example.org"), {}});
    BOOST_REQUIRE(!taken.has_value());
    BOOST_TEST(has_message(taken.error().errors, "email", "A user with that email already exists."));
    BOOST_TEST(has_message(accounts::create_user_as_staff(services, admin, {signup("x@example.org"), {"", {}, {}}})
                               .error()
                               .errors,
                           "is_staff", "Must be a valid boolean."));
}

BOOST_AUTO_TEST_CASE(no_registration_throttle_for_staff) {
    for (int i = 0; i < accounts::Limits::kRegistrations.count; ++i)
        BOOST_REQUIRE(accounts::sign_up(services, signup("reg" + std::to_string(i) + "@example.org"), client).has_value());
    const auto throttled = accounts::sign_up(services, signup("one-more@example.org"), client);
    BOOST_REQUIRE(outcome_of(throttled) == "Throttled");
    BOOST_REQUIRE(throttled.error().retry_after > 0);
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(accounts::create_user_as_staff(services, admin, {signup("staff" + std::to_string(i) + "@example.org"), {}})
                       .has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------------
BOOST_FIXTURE_TEST_SUITE(staff_one_user, Staff)

BOOST_AUTO_TEST_CASE(staff_see_anyone_others_only_themselves) {
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    BOOST_TEST(accounts::find_user_as(services, admin, bob.id).value().id == bob.id);
    BOOST_TEST(accounts::find_user_as(services, alice, alice.id).value().id == alice.id);
    BOOST_TEST(accounts::find_user_as(services, alice, bob.id).error().outcome == Outcome::NotFound);
    BOOST_TEST(accounts::find_user_as(services, alice, admin.id).error().outcome == Outcome::NotFound);
    BOOST_TEST(accounts::find_user_as(services, admin, 999999).error().outcome == Outcome::NotFound);
    // The same NotFound for edits and deletion of another user.
    BOOST_TEST(accounts::update_user_as(services, alice, bob.id, {}).error().outcome == Outcome::NotFound);
    BOOST_TEST(accounts::delete_user_as(services, alice, bob.id, std::nullopt).error().outcome == Outcome::NotFound);
    BOOST_TEST(exists(bob.id));
}

BOOST_AUTO_TEST_CASE(non_staff_may_not_change_their_flags_but_may_send_the_current_values) {
    const auto alice = make_user("alice@example.org");
    for (auto [flags, name] : {std::pair{accounts::FlagInput{"true", {}, {}}, "is_staff"},
                               std::pair{accounts::FlagInput{{}, "false", {}}, "is_active"},
                               std::pair{accounts::FlagInput{{}, {}, "0"}, "is_verified"}}) {
        accounts::UserChanges changes;
        changes.profile.first_name = "Changed";
        changes.flags = flags;
        auto refused = accounts::update_user_as(services, alice, alice.id, changes);
        BOOST_REQUIRE(!refused.has_value());
        BOOST_TEST(refused.error().outcome == Outcome::ForbiddenFlag);
        BOOST_TEST(refused.error().subject == name);
    }
    const auto unchanged = reload(alice.id);
    BOOST_TEST(unchanged.first_name == "");
    BOOST_TEST(!unchanged.is_staff);
    BOOST_TEST(unchanged.is_active);

    accounts::UserChanges same;
    same.profile.first_name = "Alice";
    same.flags = {"false", "true", "true"};
    auto updated = accounts::update_user_as(services, alice, alice.id, same);
    BOOST_REQUIRE(updated.has_value());
    BOOST_TEST(updated->first_name == "Alice");
    BOOST_TEST(reload(alice.id).first_name == "Alice");
}

BOOST_AUTO_TEST_CASE(staff_set_flags_and_profile_together) {
    const auto bob = make_user("bob@example.org", test::kGoodPassword, /*verified=*/false);
    accounts::UserChanges changes;
    changes.profile.last_name = "Builder";
    changes.flags = {"yes", {}, "true"};
    auto updated = accounts::update_user_as(services, admin, bob.id, changes);
    BOOST_REQUIRE(updated.has_value());
    const auto now = reload(bob.id);
    BOOST_TEST(now.is_staff);
    BOOST_TEST(now.is_verified);
    BOOST_TEST(now.is_active);
    BOOST_TEST(now.last_name == "Builder");
    BOOST_TEST(updated->is_staff);

    changes = {};
    changes.flags = {"false", {}, "false"};
    BOOST_REQUIRE(accounts::update_user_as(services, admin, bob.id, changes).has_value());
    BOOST_TEST(!reload(bob.id).is_staff);
    BOOST_TEST(!reload(bob.id).is_verified);
}

BOOST_AUTO_TEST_CASE(every_error_at_once_and_nothing_changes) {
    const auto bob = make_user("bob@example.org");
    accounts::UserChanges changes;
    changes.profile.phone = "12";
    changes.profile.first_name = "Bob";
    changes.flags = {"1", "nope", {}};
    auto refused = accounts::update_user_as(services, admin, bob.id, changes);
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().outcome == Outcome::Invalid);
    BOOST_TEST(has_message(refused.error().errors, "is_active", "Must be a valid boolean."));
    BOOST_TEST(has_message(refused.error().errors, "phone", "international format"));
    const auto now = reload(bob.id);
    BOOST_TEST(!now.is_staff);
    BOOST_TEST(now.first_name == "");
}

BOOST_AUTO_TEST_CASE(deactivation_ends_every_login_of_that_user) {
    const auto bob = make_user("bob@example.org");
    const auto carol = make_user("carol@example.org");
    const auto session = accounts::start_session(services, bob, true, client);
    const auto pair = accounts::open_jwt_login(services, bob, client);
    const auto key = accounts::open_token_login(services, bob, client);
    const auto carols = accounts::open_token_login(services, carol, client);
    BOOST_REQUIRE(accounts::live_logins(services, bob.id).size() == 3u);

    accounts::UserChanges changes;
    changes.flags.is_active = "false";
    BOOST_REQUIRE(accounts::update_user_as(services, admin, bob.id, changes).has_value());
    BOOST_TEST(!reload(bob.id).is_active);
    BOOST_TEST(accounts::live_logins(services, bob.id).empty());
    BOOST_TEST(!accounts::resume_session(services, session.id, client).has_value());
    BOOST_TEST(!accounts::authenticate_access(services, pair.access).has_value());
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(accounts::authenticate_token(services, carols).has_value(), "another user's login ended");
    BOOST_TEST(outcome_of(password_login("bob@example.org", test::kGoodPassword)) == "BadCredentials");

    // Back to active: the old logins stay ended; a new login works.
    changes.flags.is_active = "true";
    BOOST_REQUIRE(accounts::update_user_as(services, admin, bob.id, changes).has_value());
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(outcome_of(password_login("bob@example.org", test::kGoodPassword)) == "Ok");
}

BOOST_AUTO_TEST_CASE(staff_delete_others_without_a_password_and_their_logins_end) {
    const auto bob = make_user("bob@example.org");
    const auto session = accounts::start_session(services, bob, true, client);
    const auto key = accounts::open_token_login(services, bob, client);
    BOOST_REQUIRE(accounts::delete_user_as(services, admin, bob.id, std::nullopt).has_value());
    BOOST_TEST(!exists(bob.id));
    BOOST_TEST(!accounts::resume_session(services, session.id, client).has_value());
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(accounts::delete_user_as(services, admin, bob.id, std::nullopt).error().outcome == Outcome::NotFound);
}

BOOST_AUTO_TEST_CASE(deleting_oneself_needs_the_password_staff_included) {
    const auto alice = make_user("alice@example.org");
    for (const store::User* who : {&alice, static_cast<const store::User*>(&admin)}) {
        auto missing = accounts::delete_user_as(services, *who, who->id, std::nullopt);
        BOOST_REQUIRE(!missing.has_value());
        BOOST_TEST(missing.error().outcome == Outcome::Invalid);
        BOOST_TEST(has_message(missing.error().errors, "password", "This field is required."));
        BOOST_TEST(has_message(accounts::delete_user_as(services, *who, who->id, "").error().errors, "password",
                               "This field may not be blank."));
        BOOST_TEST(has_message(accounts::delete_user_as(services, *who, who->id, test::kOtherPassword).error().errors,
                               "password", "The password is not correct."));
        BOOST_TEST(exists(who->id));
        BOOST_TEST(accounts::delete_user_as(services, *who, who->id, test::kGoodPassword).has_value());
        BOOST_TEST(!exists(who->id));
    }
}

BOOST_AUTO_TEST_SUITE_END()
