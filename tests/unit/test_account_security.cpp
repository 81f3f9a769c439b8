// Issue 13's account rules: re-authentication (accounts/reauth.hpp), email change with confirmation
// and undo (accounts/email_change.hpp), and phone-only users (a first password, deletion by SMS code),
// against a real memcached, a migrated SQLite database, the real templates and a ManualClock.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/email_change.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/reauth.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/store/logins.hpp"

#include <boost/test/unit_test.hpp>

#include <regex>

using namespace gatehouse;
using namespace std::chrono_literals;
using test::outcome_of;

namespace {

struct Security : test::AccountsFixture {
    // A Token login of the user, as the API's principal sees it.
    accounts::ApiPrincipal token_login(const accounts::User& user) {
        const auto key = accounts::open_token_login(services, user, client);
        auto principal = accounts::authenticate_token(services, key);
        BOOST_REQUIRE(principal.has_value());
        return *principal;
    }
    // A phone-login user: no email, no usable password, a verified phone.
    store::User make_phone_user(const std::string& phone) {
        store::User u;
        u.phone = phone;
        u.phone_verified = true;
        u.is_verified = true;
        u.password_hash = "!unusable0123456789";
        u.date_joined = core::iso8601_utc(services.now());
        u.id = store::UserStore(db).insert(u);
        return u;
    }
    // The 6-digit code of the latest SMS to the number.
    std::string last_sms_code(const std::string& phone) {
        const auto texts = mails_to(phone);
        BOOST_REQUIRE(!texts.empty());
        std::smatch m;
        BOOST_REQUIRE(std::regex_search(texts.back().text_body, m, std::regex(R"(\b(\d{6})\b)")));
        return m[1];
    }
    bool has_audit(std::int64_t user_id, const std::string& action) {
        for (const auto& row : accounts::audit_trail(services, {user_id, std::nullopt, 100}))
            if (row.action == action) return true;
        return false;
    }
    std::size_t live(std::int64_t user_id) { return accounts::live_logins(services, user_id).size(); }
};

bool has_field(const accounts::Refusal& refusal, const std::string& field) {
    return refusal.outcome == accounts::Outcome::Invalid && refusal.errors.contains(field);
}

}  // namespace

// --- re-authentication ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(reauth, Security)

BOOST_AUTO_TEST_CASE(a_login_is_recent_for_the_window_and_no_longer) {
    const auto alice = make_user("alice@example.org");
    const auto in = password_login("alice@example.org", test::kGoodPassword);
    BOOST_REQUIRE(in.has_value());
    const auto principal = accounts::authenticate_token(services, in->api_token);
    BOOST_REQUIRE(principal.has_value());
    BOOST_TEST(config.reauth_seconds == 600);  // the default
    BOOST_TEST(accounts::recently_authenticated(services, principal->login_id));
    clock.advance(599s);
    BOOST_TEST(accounts::recently_authenticated(services, principal->login_id));
    clock.advance(1s);
    BOOST_TEST(!accounts::recently_authenticated(services, principal->login_id));
    BOOST_TEST(!accounts::recently_authenticated(services, 0));
    (void)alice;
}

BOOST_AUTO_TEST_CASE(a_password_reentry_renews_only_its_own_login) {
    const auto alice = make_user("alice@example.org");
    const auto phone = token_login(alice);
    const auto laptop = token_login(alice);
    clock.advance(700s);
    BOOST_TEST(!accounts::recently_authenticated(services, phone.login_id));

    auto wrong = accounts::reauthenticate(services, alice, phone.login_id, {test::kOtherPassword, {}}, client);
    BOOST_TEST(outcome_of(wrong) == "WrongPassword");
    BOOST_TEST(!accounts::recently_authenticated(services, phone.login_id));
    auto missing = accounts::reauthenticate(services, alice, phone.login_id, {}, client);
    BOOST_REQUIRE(!missing.has_value());
    BOOST_TEST(has_field(missing.error(), "password"));

    BOOST_TEST(outcome_of(accounts::reauthenticate(services, alice, phone.login_id, {test::kGoodPassword, {}}, client)) == "Ok");
    BOOST_TEST(accounts::recently_authenticated(services, phone.login_id));
    BOOST_TEST(!accounts::recently_authenticated(services, laptop.login_id));
    BOOST_TEST(has_audit(alice.id, "reauthenticate"));
}

BOOST_AUTO_TEST_CASE(the_window_is_the_setting) {
    config.reauth_seconds = 2;
    const auto alice = make_user("alice@example.org");
    const auto principal = token_login(alice);
    clock.advance(1s);
    BOOST_TEST(accounts::recently_authenticated(services, principal.login_id));
    clock.advance(1s);
    BOOST_TEST(!accounts::recently_authenticated(services, principal.login_id));
}

BOOST_AUTO_TEST_CASE(wrong_reentries_spend_the_failed_login_limit_of_the_account) {
    const auto alice = make_user("alice@example.org");
    const auto principal = token_login(alice);
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(outcome_of(accounts::reauthenticate(services, alice, principal.login_id, {"nope-Wrong-1", {}}, client)) ==
                   "WrongPassword");
    // The sixth is refused before the password is even checked, and so is a login with the right one.
    BOOST_TEST(outcome_of(accounts::reauthenticate(services, alice, principal.login_id, {test::kGoodPassword, {}}, client)) ==
               "Throttled");
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "Throttled");
    clock.advance(15min);
    BOOST_TEST(outcome_of(accounts::reauthenticate(services, alice, principal.login_id, {test::kGoodPassword, {}}, client)) ==
               "Ok");
}

BOOST_AUTO_TEST_CASE(a_revoked_login_is_never_recent) {
    const auto alice = make_user("alice@example.org");
    const auto principal = token_login(alice);
    accounts::revoke_all_logins(services, alice.id);
    BOOST_TEST(!accounts::recently_authenticated(services, principal.login_id));
}

BOOST_AUTO_TEST_CASE(a_phone_only_user_proves_it_with_a_fresh_sms_code) {
    const auto bob = make_phone_user("+41791234567");
    BOOST_TEST((accounts::reauth_method(bob) == accounts::ReauthMethod::PhoneCode));
    BOOST_TEST(!accounts::has_usable_password(bob));
    const auto principal = token_login(bob);
    clock.advance(601s);
    auto without = accounts::reauthenticate(services, bob, principal.login_id, {"anything", {}}, client);
    BOOST_REQUIRE(!without.has_value());
    BOOST_TEST(has_field(without.error(), "code"));  // a password never proves a phone-only user

    BOOST_REQUIRE(accounts::send_reauth_code(services, bob).has_value());
    const std::string code = last_sms_code("+41791234567");
    const std::string wrong = code == "000000" ? "000001" : "000000";
    BOOST_TEST(outcome_of(accounts::reauthenticate(services, bob, principal.login_id, {{}, wrong}, client)) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::reauthenticate(services, bob, principal.login_id, {{}, code}, client)) == "Ok");
    BOOST_TEST(accounts::recently_authenticated(services, principal.login_id));
    // Used once.
    BOOST_TEST(outcome_of(accounts::reauthenticate(services, bob, principal.login_id, {{}, code}, client)) == "CodeExpired");
}

BOOST_AUTO_TEST_CASE(an_emailed_code_does_not_stand_for_the_phone) {
    auto bob = make_phone_user("+41791234568");
    store::UserStore(db).set_email(bob.id, std::string("bob@example.org"), true);
    bob = reload(bob.id);
    const auto principal = token_login(bob);
    BOOST_REQUIRE(accounts::send_otp(services, bob, "email").has_value());
    const std::string code = test::code_in(mails_to("bob@example.org").back().text_body);
    BOOST_TEST(outcome_of(accounts::reauthenticate(services, bob, principal.login_id, {{}, code}, client)) == "CodeExpired");
}

BOOST_AUTO_TEST_SUITE_END()

// --- email change --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(email_change, Security)

BOOST_AUTO_TEST_CASE(the_new_address_counts_only_once_confirmed_by_code) {
    const auto alice = make_user("alice@example.org");
    const auto pending = accounts::request_email_change(services, alice, "  Alice.New@Example.org ", client);
    BOOST_REQUIRE(pending.has_value());
    BOOST_TEST(pending->email == "Alice.New@example.org");  // trimmed, domain lower-cased
    BOOST_TEST(accounts::pending_email(services, alice)->email == "Alice.New@example.org");
    BOOST_TEST(has_audit(alice.id, "email_change_requested"));

    // Until confirmed, the old address is the login and the new one is nobody's.
    BOOST_TEST(reload(alice.id).email.value_or("") == "alice@example.org");
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "Ok");
    BOOST_TEST(outcome_of(password_login("Alice.New@example.org", test::kGoodPassword)) == "BadCredentials");

    const auto mail = mails_to("Alice.New@example.org");
    BOOST_REQUIRE(mail.size() == 1u);
    const std::string code = test::code_in(mail[0].text_body);
    BOOST_REQUIRE(code.size() == 6u);
    BOOST_TEST(!test::token_in(mail[0].text_body, "/accounts/email/confirm/").empty());
    const std::string wrong = code == "000000" ? "000001" : "000000";
    BOOST_TEST(outcome_of(accounts::confirm_email_change(services, alice, wrong, client)) == "CodeInvalid");

    auto changed = accounts::confirm_email_change(services, alice, code, client);
    BOOST_REQUIRE(changed.has_value());
    BOOST_TEST(reload(alice.id).email.value_or("") == "Alice.New@example.org");
    BOOST_TEST(reload(alice.id).is_verified);
    BOOST_TEST(!accounts::pending_email(services, alice).has_value());
    BOOST_TEST(outcome_of(password_login("alice.new@EXAMPLE.org", test::kGoodPassword)) == "Ok");
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "BadCredentials");
    BOOST_TEST(has_audit(alice.id, "email_changed"));

    // The old address is told, with an undo link.
    const auto notice = mails_to("alice@example.org");
    BOOST_REQUIRE(notice.size() == 1u);
    BOOST_TEST(notice[0].text_body.find("Alice.New@example.org") != std::string::npos);
    BOOST_TEST(!test::token_in(notice[0].text_body, "/accounts/email/undo/").empty());
    // Nothing is pending any more.
    BOOST_TEST(outcome_of(accounts::confirm_email_change(services, reload(alice.id), code, client)) == "NoPendingEmailChange");
}

BOOST_AUTO_TEST_CASE(the_mailed_link_confirms_without_a_login_once) {
    const auto alice = make_user("alice@example.org");
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "new@example.org", client).has_value());
    const std::string token = test::token_in(mails_to("new@example.org").back().text_body, "/accounts/email/confirm/");
    BOOST_TEST(outcome_of(accounts::confirm_email_change_link(services, token + "x", client)) == "LinkInvalid");
    BOOST_TEST(outcome_of(accounts::confirm_email_change_link(services, token, client)) == "Ok");
    BOOST_TEST(reload(alice.id).email.value_or("") == "new@example.org");
    BOOST_TEST(outcome_of(accounts::confirm_email_change_link(services, token, client)) == "LinkInvalid");
}

BOOST_AUTO_TEST_CASE(a_new_request_replaces_the_earlier_one) {
    const auto alice = make_user("alice@example.org");
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "first@example.org", client).has_value());
    const std::string first = test::token_in(mails_to("first@example.org").back().text_body, "/accounts/email/confirm/");
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "second@example.org", client).has_value());
    BOOST_TEST(outcome_of(accounts::confirm_email_change_link(services, first, client)) == "LinkInvalid");
    BOOST_TEST(accounts::pending_email(services, alice)->email == "second@example.org");
}

BOOST_AUTO_TEST_CASE(the_link_expires_with_the_request) {
    const auto alice = make_user("alice@example.org");
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "new@example.org", client).has_value());
    const std::string token = test::token_in(mails_to("new@example.org").back().text_body, "/accounts/email/confirm/");
    clock.advance(std::chrono::seconds(accounts::kEmailChangeLinkSeconds));
    BOOST_TEST(!accounts::pending_email(services, alice).has_value());
    BOOST_TEST(outcome_of(accounts::confirm_email_change_link(services, token, client)) == "LinkExpired");
    BOOST_TEST(reload(alice.id).email.value_or("") == "alice@example.org");
}

BOOST_AUTO_TEST_CASE(addresses_are_unique_ignoring_case_at_request_and_at_confirmation) {
    const auto alice = make_user("alice@example.org");
    make_user("bob@example.org");
    auto taken = accounts::request_email_change(services, alice, "BOB@example.org", client);
    BOOST_REQUIRE(!taken.has_value());
    BOOST_TEST(has_field(taken.error(), "email"));
    auto same = accounts::request_email_change(services, alice, "ALICE@example.org", client);
    BOOST_REQUIRE(!same.has_value());
    BOOST_TEST(has_field(same.error(), "email"));
    auto bad = accounts::request_email_change(services, alice, "not an address", client);
    BOOST_REQUIRE(!bad.has_value());
    BOOST_TEST(has_field(bad.error(), "email"));

    // Free at the request, taken (in another case) before the confirmation.
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "carol@example.org", client).has_value());
    const std::string code = test::code_in(mails_to("carol@example.org").back().text_body);
    make_user("Carol@EXAMPLE.org");
    BOOST_TEST(outcome_of(accounts::confirm_email_change(services, alice, code, client)) == "EmailTaken");
    BOOST_TEST(reload(alice.id).email.value_or("") == "alice@example.org");
}

BOOST_AUTO_TEST_CASE(the_undo_link_restores_the_old_address_and_ends_every_login) {
    const auto alice = make_user("alice@example.org");
    token_login(alice);
    token_login(alice);
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "mallory@example.org", client).has_value());
    const std::string code = test::code_in(mails_to("mallory@example.org").back().text_body);
    BOOST_REQUIRE(accounts::confirm_email_change(services, alice, code, client).has_value());
    const std::string undo = test::token_in(mails_to("alice@example.org").back().text_body, "/accounts/email/undo/");
    BOOST_TEST(live(alice.id) == 2u);

    const auto seen = accounts::check_undo_link(services, undo);
    BOOST_REQUIRE(seen.has_value());
    BOOST_TEST(seen->old_email == "alice@example.org");
    BOOST_TEST(seen->new_email == "mallory@example.org");
    BOOST_TEST(!accounts::check_undo_link(services, undo.substr(1)).has_value());

    clock.advance(6 * 24h);
    auto undone = accounts::undo_email_change(services, undo, client);
    BOOST_REQUIRE(undone.has_value());
    BOOST_TEST(reload(alice.id).email.value_or("") == "alice@example.org");
    BOOST_TEST(live(alice.id) == 0u);
    BOOST_TEST(has_audit(alice.id, "email_change_undone"));
    BOOST_TEST(outcome_of(accounts::undo_email_change(services, undo, client)) == "UndoLinkInvalid");  // once
}

BOOST_AUTO_TEST_CASE(the_undo_link_lasts_seven_days) {
    const auto alice = make_user("alice@example.org");
    BOOST_REQUIRE(accounts::request_email_change(services, alice, "new@example.org", client).has_value());
    BOOST_REQUIRE(accounts::confirm_email_change(services, alice, test::code_in(mails_to("new@example.org").back().text_body),
                                                 client).has_value());
    const std::string undo = test::token_in(mails_to("alice@example.org").back().text_body, "/accounts/email/undo/");
    clock.advance(7 * 24h);
    BOOST_TEST(outcome_of(accounts::undo_email_change(services, undo, client)) == "UndoLinkInvalid");
    BOOST_TEST(reload(alice.id).email.value_or("") == "new@example.org");
}

BOOST_AUTO_TEST_SUITE_END()

// --- phone-only users ----------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(phone_only_user, Security)

BOOST_AUTO_TEST_CASE(sets_a_first_password_once) {
    const auto bob = make_phone_user("+41791234569");
    auto weak = accounts::set_first_password(services, bob, "short", "short", client);
    BOOST_REQUIRE(!weak.has_value());
    BOOST_TEST(weak.error().outcome == accounts::Outcome::Invalid);
    auto mismatch = accounts::set_first_password(services, bob, "Fresh-Password-42", "Fresh-Password-43", client);
    BOOST_REQUIRE(!mismatch.has_value());
    BOOST_TEST(has_field(mismatch.error(), "new_password2"));

    auto set = accounts::set_first_password(services, bob, "Fresh-Password-42", "Fresh-Password-42", client);
    BOOST_REQUIRE(set.has_value());
    const auto now = reload(bob.id);
    BOOST_TEST(accounts::has_usable_password(now));
    BOOST_TEST(services.hasher.verify("Fresh-Password-42", now.password_hash));
    BOOST_TEST(has_audit(bob.id, "set_password"));
    // Now it has one: changing it is the change endpoint's job.
    BOOST_TEST(outcome_of(accounts::set_first_password(services, now, "Other-Password-42", "Other-Password-42", client)) ==
               "PasswordAlreadySet");
    const auto alice = make_user("alice@example.org");
    BOOST_TEST(outcome_of(accounts::set_first_password(services, alice, "Other-Password-42", "Other-Password-42", client)) ==
               "PasswordAlreadySet");
}

BOOST_AUTO_TEST_CASE(adds_an_email_verified_as_any_change) {
    const auto bob = make_phone_user("+41791234570");
    BOOST_REQUIRE(accounts::request_email_change(services, bob, "bob@example.org", client).has_value());
    BOOST_TEST(!reload(bob.id).email.has_value());
    const std::string code = test::code_in(mails_to("bob@example.org").back().text_body);
    BOOST_REQUIRE(accounts::confirm_email_change(services, bob, code, client).has_value());
    BOOST_TEST(reload(bob.id).email.value_or("") == "bob@example.org");
    BOOST_TEST(mails().size() == 1u);  // no old address to tell
}

BOOST_AUTO_TEST_CASE(deletes_its_account_with_a_fresh_sms_code) {
    const auto bob = make_phone_user("+41791234571");
    auto none = accounts::delete_user_as(services, bob, bob.id, std::nullopt);
    BOOST_REQUIRE(!none.has_value());
    BOOST_TEST(has_field(none.error(), "code"));
    auto password = accounts::delete_user_as(services, bob, bob.id, std::string_view("whatever"));
    BOOST_REQUIRE(!password.has_value());
    BOOST_TEST(has_field(password.error(), "code"));

    BOOST_REQUIRE(accounts::send_reauth_code(services, bob).has_value());
    const std::string code = last_sms_code("+41791234571");
    const std::string wrong = code == "000000" ? "000001" : "000000";
    BOOST_TEST(outcome_of(accounts::delete_user_as(services, bob, bob.id, std::nullopt, {}, std::string_view(wrong))) ==
               "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::delete_user_as(services, bob, bob.id, std::nullopt, {}, std::string_view(code))) == "Ok");
    BOOST_TEST(!store::UserStore(db).find_by_id(bob.id).has_value());
}

BOOST_AUTO_TEST_CASE(a_user_with_a_password_still_deletes_with_it) {
    const auto alice = make_user("alice@example.org");
    auto code_only = accounts::delete_user_as(services, alice, alice.id, std::nullopt, {}, std::string_view("123456"));
    BOOST_REQUIRE(!code_only.has_value());
    BOOST_TEST(has_field(code_only.error(), "password"));
    BOOST_TEST(store::UserStore(db).find_by_id(alice.id).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
