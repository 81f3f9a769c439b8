// Password change and reset, and profile edits (accounts/users.hpp) against a real memcached, a
// migrated SQLite database, the real mail templates and a ManualClock.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/store/logins.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;
using namespace std::chrono_literals;
using test::outcome_of;

namespace {

constexpr const char* kNewPassword = "Fresh-Password-42";

bool has_message(const accounts::FieldErrors& errors, const std::string& field, const std::string& text) {
    const auto it = errors.find(field);
    if (it == errors.end()) return false;
    for (const auto& m : it->second)
        if (m.find(text) != std::string::npos) return true;
    return false;
}

struct Changes : test::AccountsFixture {
    // "Ok" or the refusal's Outcome of a password login.
    std::string login(const std::string& email, const std::string& password) {
        return outcome_of(password_login(email, password));
    }
    bool logged_in(const accounts::StartedSession& s) { return accounts::resume_session(services, s.id, client).has_value(); }
    bool row_live(std::int64_t login_id) {
        const auto row = store::LoginStore(db).find(login_id);
        return row && !row->revoked_at;
    }
    // Asks for a reset of this email and returns the token of the link mailed for it ("" when none).
    std::string reset_token(const std::string& email, const std::string& mailbox) {
        const auto before = mails_to(mailbox).size();
        const auto decision = accounts::request_password_reset(services, email, client);
        BOOST_REQUIRE(decision.has_value());
        const auto after = mails_to(mailbox);
        if (after.size() == before) return {};
        return test::token_in(after.back().text_body, "/accounts/password/reset/");
    }
};

}  // namespace

// --- change_password -----------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(change_password, Changes)

BOOST_AUTO_TEST_CASE(wrong_old_password) {
    const auto user = make_user("alice@example.org");
    const auto r = accounts::change_password(services, user, test::kOtherPassword, kNewPassword, kNewPassword, std::nullopt);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(has_message(r.error(), "old_password", "Your old password was entered incorrectly."));
    BOOST_TEST(r.error().size() == 1u);
    BOOST_TEST(reload(user.id).password_hash == user.password_hash);
    BOOST_TEST(mails().empty());
}

BOOST_AUTO_TEST_CASE(new_passwords_do_not_match) {
    const auto user = make_user("alice@example.org");
    const auto r = accounts::change_password(services, user, test::kGoodPassword, kNewPassword, "Fresh-Password-43", std::nullopt);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(has_message(r.error(), "new_password2", "The two password fields didn’t match."));
    BOOST_TEST(r.error().count("old_password") == 0u);
    BOOST_TEST(reload(user.id).password_hash == user.password_hash);
}

BOOST_AUTO_TEST_CASE(new_password_breaks_the_policy) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, true, "Alice-Name-1");
    for (const char* bad : {"short1A", "password", "alllowercase1", "Alice-Name-1", "alice@example.org"}) {
        BOOST_TEST_CONTEXT(bad) {
            const auto r = accounts::change_password(services, user, test::kGoodPassword, bad, bad, std::nullopt);
            BOOST_REQUIRE(!r.has_value());
            BOOST_TEST(r.error().count("new_password2") == 1u);
        }
    }
    const auto r = accounts::change_password(services, user, test::kGoodPassword, "Alice-Name-1", "Alice-Name-1", std::nullopt);
    BOOST_TEST(has_message(r.error(), "new_password2", "too similar to the name"));
    BOOST_TEST(reload(user.id).password_hash == user.password_hash);
    BOOST_TEST(mails().empty());
}

BOOST_AUTO_TEST_CASE(every_error_at_once) {
    const auto user = make_user("alice@example.org");
    const auto r = accounts::change_password(services, user, "", "", "", std::nullopt);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(has_message(r.error(), "old_password", "This field is required."));
    BOOST_TEST(has_message(r.error(), "new_password1", "This field is required."));
    BOOST_TEST(has_message(r.error(), "new_password2", "This field is required."));
    const auto both = accounts::change_password(services, user, "wrong", "abc", "abd", std::nullopt);
    BOOST_REQUIRE(!both.has_value());
    BOOST_TEST(both.error().count("old_password") == 1u);
    BOOST_TEST(both.error().count("new_password2") == 1u);
}

BOOST_AUTO_TEST_CASE(success_sets_the_hash_ends_other_logins_and_mails_the_user) {
    const auto user = make_user("alice@example.org");
    const auto here = accounts::start_session(services, user, true, client);
    const auto elsewhere = accounts::start_session(services, user, true, {"198.51.100.3", "curl/8.5.0"});
    const auto jwt = accounts::open_login(services, {user.id, "jwt", std::string(64, 'c'), client, 86400});

    const auto r = accounts::change_password(services, user, test::kGoodPassword, kNewPassword, kNewPassword, here.login_id);
    BOOST_REQUIRE(r.has_value());
    const auto stored = reload(user.id);
    BOOST_TEST(r->password_hash == stored.password_hash);
    BOOST_TEST(stored.password_hash.starts_with("argon2$argon2id$"));
    BOOST_TEST(services.hasher.verify(kNewPassword, stored.password_hash));

    BOOST_TEST(row_live(here.login_id));        // keep_login stays on the devices list
    BOOST_TEST(!row_live(elsewhere.login_id));
    BOOST_TEST(!row_live(jwt));
    BOOST_TEST(!logged_in(elsewhere));
    // (the kept browser's session record carries the old password's fingerprint: the web layer gives
    // it a fresh session right after the change)
    const auto fresh = accounts::start_session(services, *r, true, client);
    BOOST_TEST(logged_in(fresh));

    const auto sent = mails_to("alice@example.org");
    BOOST_REQUIRE(sent.size() == 1u);
    BOOST_TEST(sent[0].channel == "email");
    BOOST_TEST(sent[0].subject == "Your password was changed");
    BOOST_TEST(sent[0].text_body.find(kNewPassword) == std::string::npos);

    BOOST_TEST(login("alice@example.org", kNewPassword) == "Ok");
    BOOST_TEST(login("alice@example.org", test::kGoodPassword) == "BadCredentials");
}

BOOST_AUTO_TEST_CASE(without_keep_login_every_login_ends) {
    const auto user = make_user("alice@example.org");
    const auto a = accounts::start_session(services, user, true, client);
    const auto b = accounts::start_session(services, user, true, client);
    BOOST_REQUIRE(accounts::change_password(services, user, test::kGoodPassword, kNewPassword, kNewPassword, std::nullopt));
    BOOST_TEST(!row_live(a.login_id));
    BOOST_TEST(!row_live(b.login_id));
    BOOST_TEST(accounts::live_logins(services, user.id).empty());
}

BOOST_AUTO_TEST_SUITE_END()

// --- password reset ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(password_reset, Changes)

BOOST_AUTO_TEST_CASE(mails_a_link_and_code_to_an_existing_active_user) {
    make_user("alice@example.org");
    const auto d = accounts::request_password_reset(services, "ALICE@Example.org", client);
    BOOST_TEST(outcome_of(d) == "Ok");
    const auto sent = mails();
    BOOST_REQUIRE(sent.size() == 1u);
    BOOST_TEST(sent[0].channel == "email");
    BOOST_TEST(sent[0].recipient == "alice@example.org");
    BOOST_TEST(sent[0].subject == "Reset your password");
    BOOST_TEST(sent[0].text_body.find("https://localhost:8443/accounts/password/reset/") != std::string::npos);
    BOOST_TEST(test::code_in(sent[0].text_body).size() == 6u);
    BOOST_TEST(!test::token_in(sent[0].text_body, "/accounts/password/reset/").empty());
}

BOOST_AUTO_TEST_CASE(the_same_answer_and_no_mail_otherwise) {
    const auto inactive = make_user("gone@example.org");
    store::UserStore(db).set_flags(inactive.id, false, false, false, true);
    const auto unusable = make_user("nopass@example.org");
    store::UserStore(db).set_password_hash(unusable.id, "!");
    for (const char* email : {"nobody@example.org", "gone@example.org", "nopass@example.org", "not an email", ""}) {
        BOOST_TEST_CONTEXT("'" << email << "'") {
            const auto d = accounts::request_password_reset(services, email, client);
            BOOST_TEST(outcome_of(d) == "Ok");
        }
    }
    BOOST_TEST(mails().empty());
}

BOOST_AUTO_TEST_CASE(five_requests_an_hour_per_email_and_per_ip) {
    make_user("alice@example.org");
    // the email counts ignoring case, as everywhere: "ALICE@…" is the same mailbox
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(accounts::request_password_reset(services, i % 2 ? "ALICE@example.org" : "alice@example.org",
                                                    {"203.0.113." + std::to_string(i), ""}).has_value());
    const auto by_email = accounts::request_password_reset(services, "Alice@EXAMPLE.org", {"203.0.113.99", ""});
    BOOST_TEST(outcome_of(by_email) == "Throttled");
    BOOST_REQUIRE(!by_email.has_value());
    BOOST_TEST(by_email.error().retry_after > 0);
    BOOST_TEST(mails().size() == 5u);

    for (int i = 0; i < 5; ++i)
        BOOST_TEST(accounts::request_password_reset(services, "user" + std::to_string(i) + "@example.org", client).has_value());
    const auto by_ip = accounts::request_password_reset(services, "someone-else@example.org", client);
    BOOST_TEST(outcome_of(by_ip) == "Throttled");
    BOOST_REQUIRE(!by_ip.has_value());
    BOOST_TEST(by_ip.error().retry_after > 0);

    clock.advance(3600s);
    BOOST_TEST(accounts::request_password_reset(services, "alice@example.org", client).has_value());
    BOOST_TEST(mails().size() == 6u);
}

BOOST_AUTO_TEST_CASE(the_link_is_valid_then_single_use) {
    const auto user = make_user("alice@example.org");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    BOOST_REQUIRE(!token.empty());
    const auto found = accounts::check_reset_link(services, token);
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == user.id);

    BOOST_REQUIRE(accounts::reset_password(services, token, kNewPassword, kNewPassword).has_value());
    BOOST_TEST(!accounts::check_reset_link(services, token).has_value());
    const auto again = accounts::reset_password(services, token, "Another-Pass-77", "Another-Pass-77");
    BOOST_REQUIRE(!again.has_value());
    BOOST_TEST(has_message(again.error(), "non_field_errors", "invalid"));
    BOOST_TEST(login("alice@example.org", kNewPassword) == "Ok");
}

BOOST_AUTO_TEST_CASE(reset_sets_the_password_verifies_and_ends_every_login) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    const auto a = accounts::start_session(services, user, true, client);
    const auto b = accounts::start_session(services, user, false, client);
    const std::string token = reset_token("alice@example.org", "alice@example.org");

    const auto r = accounts::reset_password(services, token, kNewPassword, kNewPassword);
    BOOST_REQUIRE(r.has_value());
    const auto stored = reload(user.id);
    BOOST_TEST(stored.is_verified);
    BOOST_TEST(r->is_verified);
    BOOST_TEST(services.hasher.verify(kNewPassword, stored.password_hash));
    BOOST_TEST(!logged_in(a));
    BOOST_TEST(!logged_in(b));
    BOOST_TEST(accounts::live_logins(services, user.id).empty());
    const auto sent = mails_to("alice@example.org");
    BOOST_REQUIRE(sent.size() == 2u);
    BOOST_TEST(sent[1].subject == "Your password was changed");
    BOOST_TEST(login("alice@example.org", kNewPassword) == "Ok");  // verified now
    BOOST_TEST(login("alice@example.org", test::kGoodPassword) == "BadCredentials");
}

BOOST_AUTO_TEST_CASE(reset_password_errors_leave_the_link_valid) {
    make_user("alice@example.org", test::kGoodPassword, true, "Alice");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    const auto mismatch = accounts::reset_password(services, token, kNewPassword, "Fresh-Password-43");
    BOOST_REQUIRE(!mismatch.has_value());
    BOOST_TEST(has_message(mismatch.error(), "new_password2", "didn’t match"));
    const auto common = accounts::reset_password(services, token, "password", "password");
    BOOST_REQUIRE(!common.has_value());
    BOOST_TEST(has_message(common.error(), "new_password2", "too common"));
    const auto empty = accounts::reset_password(services, token, "", "");
    BOOST_REQUIRE(!empty.has_value());
    BOOST_TEST(has_message(empty.error(), "new_password1", "This field is required."));
    BOOST_TEST(accounts::check_reset_link(services, token).has_value());
    BOOST_TEST(accounts::reset_password(services, token, kNewPassword, kNewPassword).has_value());
}

BOOST_AUTO_TEST_CASE(the_link_dies_with_a_password_change) {
    const auto user = make_user("alice@example.org");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    BOOST_REQUIRE(accounts::check_reset_link(services, token).has_value());
    BOOST_REQUIRE(accounts::change_password(services, user, test::kGoodPassword, kNewPassword, kNewPassword, std::nullopt));
    BOOST_TEST(!accounts::check_reset_link(services, token).has_value());
    BOOST_TEST(!accounts::reset_password(services, token, "Another-Pass-77", "Another-Pass-77").has_value());
}

BOOST_AUTO_TEST_CASE(the_link_dies_with_a_later_login) {
    make_user("alice@example.org");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    BOOST_REQUIRE((login("alice@example.org", test::kGoodPassword) == "Ok"));
    BOOST_TEST(!accounts::check_reset_link(services, token).has_value());
}

BOOST_AUTO_TEST_CASE(the_link_expires_after_one_hour) {
    make_user("alice@example.org");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    clock.advance(3599s);
    BOOST_TEST(accounts::check_reset_link(services, token).has_value());
    clock.advance(1s);
    BOOST_TEST(!accounts::check_reset_link(services, token).has_value());
    BOOST_TEST(!accounts::reset_password(services, token, kNewPassword, kNewPassword).has_value());
}

BOOST_AUTO_TEST_CASE(the_link_dies_when_the_user_is_deactivated) {
    const auto user = make_user("alice@example.org");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    store::UserStore(db).set_flags(user.id, false, false, false, true);
    BOOST_TEST(!accounts::check_reset_link(services, token).has_value());
}

BOOST_AUTO_TEST_CASE(a_tampered_or_foreign_link_is_dead) {
    const auto alice = make_user("alice@example.org");
    make_user("bob@example.org");
    const std::string token = reset_token("alice@example.org", "alice@example.org");
    std::string tampered = token;
    tampered[token.size() / 2] = tampered[token.size() / 2] == 'A' ? 'B' : 'A';
    BOOST_TEST(!accounts::check_reset_link(services, tampered).has_value());
    BOOST_TEST(!accounts::check_reset_link(services, "").has_value());
    BOOST_TEST(!accounts::check_reset_link(services, "garbage").has_value());
    // a verification link is not a reset link
    const std::string verify = services.signer.make("verify", alice.id, 3600, "alice@example.org");
    BOOST_TEST(!accounts::check_reset_link(services, verify).has_value());
    BOOST_TEST(accounts::check_reset_link(services, token).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// --- update_profile ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(profile, Changes)

BOOST_AUTO_TEST_CASE(bad_values_are_reported_together_and_nothing_changes) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, true, "Alice");
    accounts::ProfileInput in;
    in.name = std::string(65, 'n');
    in.first_name = std::string(151, 'f');
    in.last_name = std::string(151, 'l');
    in.phone = "0044 20 7946 0958";
    in.date_of_birth = "2023-02-30";
    in.gender = "robot";
    const auto r = accounts::update_profile(services, user, in);
    BOOST_REQUIRE(!r.has_value());
    for (const char* field : {"name", "first_name", "last_name", "phone", "date_of_birth", "gender"})
        BOOST_TEST_CONTEXT(field) { BOOST_TEST(r.error().count(field) == 1u); }
    const auto stored = reload(user.id);
    BOOST_TEST(stored.name.value_or("") == "Alice");
    BOOST_TEST(stored.first_name == "");
    BOOST_TEST(!stored.phone.has_value());
    BOOST_TEST(mails().empty());

    accounts::ProfileInput future;
    future.date_of_birth = core::iso8601_utc(clock.unix_seconds()).substr(0, 10);  // today
    const auto today = accounts::update_profile(services, user, future);
    BOOST_REQUIRE(!today.has_value());
    BOOST_TEST(has_message(today.error(), "date_of_birth", "in the past"));
}

BOOST_AUTO_TEST_CASE(good_values_are_stored_trimmed) {
    const auto user = make_user("alice@example.org");
    accounts::ProfileInput in;
    in.name = "  Alice  ";
    in.first_name = " Alice ";
    in.last_name = "Smith";
    in.phone = " +14155552671 ";
    in.date_of_birth = "1990-07-04";
    in.gender = "female";
    const auto r = accounts::update_profile(services, user, in);
    BOOST_REQUIRE(r.has_value());
    const auto stored = reload(user.id);
    BOOST_TEST(stored.name.value_or("") == "Alice");
    BOOST_TEST(stored.first_name == "Alice");
    BOOST_TEST(stored.last_name == "Smith");
    BOOST_TEST(stored.phone.value_or("") == "+14155552671");
    BOOST_TEST(stored.date_of_birth.value_or("") == "1990-07-04");
    BOOST_TEST(stored.gender.value_or("") == "female");
    BOOST_CHECK(r->name == stored.name);
    BOOST_TEST(stored.email.value_or("") == "alice@example.org");
    BOOST_TEST(stored.is_verified);
}

BOOST_AUTO_TEST_CASE(absent_fields_are_unchanged) {
    const auto user = make_user("alice@example.org");
    accounts::ProfileInput all;
    all.name = "Alice";
    all.first_name = "Alice";
    all.last_name = "Smith";
    all.phone = "+14155552671";
    all.date_of_birth = "1990-07-04";
    all.gender = "female";
    const auto first = accounts::update_profile(services, user, all);
    BOOST_REQUIRE(first.has_value());

    accounts::ProfileInput only_last;
    only_last.last_name = "Jones";
    BOOST_REQUIRE(accounts::update_profile(services, *first, only_last).has_value());
    const auto stored = reload(user.id);
    BOOST_TEST(stored.last_name == "Jones");
    BOOST_TEST(stored.name.value_or("") == "Alice");
    BOOST_TEST(stored.first_name == "Alice");
    BOOST_TEST(stored.phone.value_or("") == "+14155552671");
    BOOST_TEST(stored.date_of_birth.value_or("") == "1990-07-04");
    BOOST_TEST(stored.gender.value_or("") == "female");

    BOOST_REQUIRE(accounts::update_profile(services, stored, accounts::ProfileInput{}).has_value());
    const auto untouched = reload(user.id);
    BOOST_TEST(untouched.last_name == "Jones");
    BOOST_TEST(untouched.phone.value_or("") == "+14155552671");
}

BOOST_AUTO_TEST_CASE(empty_values_clear_optional_fields) {
    const auto user = make_user("alice@example.org");
    accounts::ProfileInput all;
    all.name = "Alice";
    all.phone = "+14155552671";
    all.date_of_birth = "1990-07-04";
    all.gender = "other";
    const auto set = accounts::update_profile(services, user, all);
    BOOST_REQUIRE(set.has_value());
    accounts::ProfileInput clear;
    clear.name = "";
    clear.phone = "";
    clear.date_of_birth = "";
    clear.gender = "";
    BOOST_REQUIRE(accounts::update_profile(services, *set, clear).has_value());
    const auto stored = reload(user.id);
    BOOST_TEST(!stored.name.has_value());
    BOOST_TEST(!stored.phone.has_value());
    BOOST_TEST(!stored.date_of_birth.has_value());
    BOOST_TEST(!stored.gender.has_value());
}

BOOST_AUTO_TEST_CASE(name_is_unique_ignoring_case_against_another_user) {
    make_user("alice@example.org", test::kGoodPassword, true, "Alice");
    const auto bob = make_user("bob@example.org", test::kGoodPassword, true, "Bob");
    accounts::ProfileInput in;
    in.name = "ALICE";
    const auto r = accounts::update_profile(services, bob, in);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(has_message(r.error(), "name", "A user with that name already exists."));
    BOOST_TEST(reload(bob.id).name.value_or("") == "Bob");
    // the user's own name in another case is fine
    in.name = "BOB";
    const auto own = accounts::update_profile(services, bob, in);
    BOOST_REQUIRE(own.has_value());
    BOOST_TEST(reload(bob.id).name.value_or("") == "BOB");
}

BOOST_AUTO_TEST_CASE(phone_is_unique_against_another_user) {
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    accounts::ProfileInput in;
    in.phone = "+14155552671";
    BOOST_REQUIRE(accounts::update_profile(services, alice, in).has_value());
    const auto r = accounts::update_profile(services, bob, in);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(has_message(r.error(), "phone", "A user with that phone number already exists."));
    BOOST_TEST(!reload(bob.id).phone.has_value());
    // setting one's own number again is fine
    BOOST_TEST(accounts::update_profile(services, reload(alice.id), in).has_value());
}

BOOST_AUTO_TEST_CASE(a_phone_change_mails_the_user) {
    const auto user = make_user("alice@example.org");
    accounts::ProfileInput in;
    in.phone = "+14155552671";
    const auto set = accounts::update_profile(services, user, in);
    BOOST_REQUIRE(set.has_value());
    auto sent = mails_to("alice@example.org");
    BOOST_REQUIRE(sent.size() == 1u);
    BOOST_TEST(sent[0].channel == "email");
    BOOST_TEST(sent[0].subject == "Your phone number was changed");
    BOOST_TEST(sent[0].text_body.find("https://localhost:8443") != std::string::npos);

    // the same number again, or other fields: no mail
    accounts::ProfileInput same;
    same.phone = "+14155552671";
    same.first_name = "Alice";
    BOOST_REQUIRE(accounts::update_profile(services, *set, same).has_value());
    BOOST_TEST(mails().size() == 1u);

    // another number: a mail; removing it: a mail
    accounts::ProfileInput other;
    other.phone = "+442079460958";
    const auto changed = accounts::update_profile(services, reload(user.id), other);
    BOOST_REQUIRE(changed.has_value());
    BOOST_TEST(mails().size() == 2u);
    accounts::ProfileInput removed;
    removed.phone = "";
    BOOST_REQUIRE(accounts::update_profile(services, *changed, removed).has_value());
    BOOST_TEST(mails().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_refused_update_queues_no_mail) {
    make_user("alice@example.org", test::kGoodPassword, true, "Alice");
    const auto bob = make_user("bob@example.org");
    accounts::ProfileInput in;
    in.phone = "+14155552671";
    in.name = "alice";  // taken
    BOOST_REQUIRE(!accounts::update_profile(services, bob, in).has_value());
    BOOST_TEST(mails().empty());
    BOOST_TEST(!reload(bob.id).phone.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
