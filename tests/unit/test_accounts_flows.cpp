// Signup, password login (accounts/login.hpp) and email verification (accounts/users.hpp) against a
// real memcached, a migrated SQLite database, the real mail templates and a ManualClock.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;
using namespace std::chrono_literals;
using accounts::Outcome;
using test::outcome_of;

namespace {

accounts::SignupInput signup_input(const std::string& email, const std::string& name = "",
                                   const std::string& password = test::kGoodPassword) {
    accounts::SignupInput in;
    in.email = email;
    in.name = name;
    in.password1 = password;
    in.password2 = password;
    return in;
}

bool has_message(const accounts::FieldErrors& errors, const std::string& field, const std::string& text) {
    const auto it = errors.find(field);
    if (it == errors.end()) return false;
    for (const auto& m : it->second)
        if (m.find(text) != std::string::npos) return true;
    return false;
}

struct Flows : test::AccountsFixture {
    store::User sign_up_ok(const accounts::SignupInput& in) {
        auto result = accounts::sign_up(services, in, client);
        BOOST_REQUIRE_MESSAGE(result.has_value(), "sign_up refused " << in.email);
        return *result;
    }
    std::string latest_code_for(const std::string& email) {
        const auto all = mails_to(email);
        BOOST_REQUIRE(!all.empty());
        return test::code_in(all.back().text_body);
    }
    std::string latest_verify_token_for(const std::string& email) {
        const auto all = mails_to(email);
        BOOST_REQUIRE(!all.empty());
        return test::token_in(all.back().text_body, "/accounts/verify/");
    }
};

}  // namespace

// --- sign_up -------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(signup, Flows)

BOOST_AUTO_TEST_CASE(mail_links_use_the_configured_site_url) {
    config.site_url = "https://accounts.example.org";
    sign_up_ok(signup_input("site@example.org", "Site"));
    const auto mails = mails_to("site@example.org");
    BOOST_REQUIRE(!mails.empty());
    BOOST_TEST(mails.back().text_body.find("https://accounts.example.org/accounts/verify/") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_and_emails_are_unique_ignoring_case_in_every_script) {
    // Emails are ASCII in the local part (as Django's EmailValidator has it); names are any script.
    sign_up_ok(signup_input("elodie@example.org", "Émile"));
    auto same_name = accounts::sign_up(services, signup_input("other@example.org", "éMILE"), client);
    BOOST_REQUIRE(!same_name.has_value());
    BOOST_TEST(has_message(same_name.error().errors, "name", "already exists"));
    auto same_email = accounts::sign_up(services, signup_input("ELODIE@EXAMPLE.org", "Someone"), client);
    BOOST_REQUIRE(!same_email.has_value());
    BOOST_TEST(has_message(same_email.error().errors, "email", "already exists"));
    BOOST_TEST(store::UserStore(db).find_by_email("Elodie@Example.Org").has_value());
    BOOST_TEST(store::UserStore(db).find_by_name("ÉMILE").has_value());
}

// NFKC and full case folding (core::casefold): what a person reads as one name is one name, however
// the keyboard composed it.
BOOST_AUTO_TEST_CASE(names_are_unique_in_any_unicode_normal_form_and_full_case_folding) {
    sign_up_ok(signup_input("jose@example.org", "Jos\xc3\xa9"));                  // é, one code point (NFC)
    auto nfd = accounts::sign_up(services, signup_input("jose2@example.org", "JOSE\xcc\x81"), client);  // E + ◌́
    BOOST_REQUIRE(!nfd.has_value());
    BOOST_TEST(has_message(nfd.error().errors, "name", "already exists"));
    sign_up_ok(signup_input("strasse@example.org", "Straße"));
    auto folded = accounts::sign_up(services, signup_input("strasse2@example.org", "STRASSE"), client);
    BOOST_REQUIRE(!folded.has_value());
    BOOST_TEST(has_message(folded.error().errors, "name", "already exists"));
    BOOST_TEST(store::UserStore(db).find_by_name("Jose\xcc\x81").has_value());
}

BOOST_AUTO_TEST_CASE(creates_an_active_unverified_non_staff_user) {
    const auto user = sign_up_ok(signup_input("Alice.Smith@Example.ORG", "Alice"));
    BOOST_TEST(user.id > 0);
    const auto stored = reload(user.id);
    BOOST_TEST(stored.email.value_or("") == "Alice.Smith@example.org");  // domain lower-cased, local part kept
    BOOST_TEST(stored.name.value_or("") == "Alice");
    BOOST_TEST(stored.is_active);
    BOOST_TEST(!stored.is_verified);
    BOOST_TEST(!stored.is_staff);
    BOOST_TEST(!stored.is_superuser);
    BOOST_TEST(stored.date_joined == core::iso8601_utc(test::kAccountsStart));
    BOOST_TEST(!stored.last_login.has_value());
    BOOST_TEST(store::UserStore(db).count() == 1);
}

BOOST_AUTO_TEST_CASE(password_is_stored_as_a_django_hash_never_in_clear) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const auto stored = reload(user.id);
    BOOST_TEST(stored.password_hash.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"));
    BOOST_TEST(stored.password_hash.find(test::kGoodPassword) == std::string::npos);
    BOOST_TEST(services.hasher.verify(test::kGoodPassword, stored.password_hash));
    BOOST_TEST(!services.hasher.verify(test::kOtherPassword, stored.password_hash));
    // nowhere else in the database either
    auto q = db.query("SELECT count(*) FROM outbox WHERE text_body LIKE ? OR html_body LIKE ? OR subject LIKE ?");
    const std::string like = std::string("%") + test::kGoodPassword + "%";
    q.bind(1, like).bind(2, like).bind(3, like);
    BOOST_REQUIRE(q.step());
    BOOST_TEST(q.row().column_int(0) == 0);
}

BOOST_AUTO_TEST_CASE(pbkdf2_when_configured) {
    config.password_hasher = "pbkdf2_sha256";
    accounts::Services pbkdf2(config, db, cache, clock, log, templates, test::accounts_test_policy());
    auto result = accounts::sign_up(pbkdf2, signup_input("alice@example.org"), client);
    BOOST_REQUIRE(result.has_value());
    BOOST_TEST(reload(result->id).password_hash.starts_with("pbkdf2_sha256$1000$"));
}

BOOST_AUTO_TEST_CASE(queues_the_verification_mail) {
    const auto user = sign_up_ok(signup_input("alice@Example.org"));
    const auto all = mails();
    BOOST_REQUIRE(all.size() == 1u);
    const auto& mail = all[0];
    BOOST_TEST(mail.channel == "email");
    BOOST_TEST(mail.recipient == "alice@example.org");
    BOOST_TEST(mail.subject == "Confirm your email address");
    const std::string code = test::code_in(mail.text_body);
    BOOST_TEST(code.size() == 6u);
    BOOST_TEST(mail.text_body.find("https://localhost:8443/accounts/verify/") != std::string::npos);
    const std::string token = test::token_in(mail.text_body, "/accounts/verify/");
    BOOST_TEST(!token.empty());
    BOOST_TEST(mail.html_body.find(code) != std::string::npos);
    BOOST_TEST(mail.html_body.find("/accounts/verify/" + token + "/") != std::string::npos);
    // the code in the mail is the one that verifies
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, code)) == "Ok");
}

BOOST_AUTO_TEST_CASE(reports_every_error_at_once) {
    accounts::SignupInput in;
    in.email = "not an email";
    in.name = std::string(65, 'n');
    in.password1 = "password";
    in.password2 = "Password";
    in.first_name = std::string(151, 'f');
    in.last_name = std::string(151, 'l');
    in.phone = "555-1234";
    in.date_of_birth = "2999-01-01";
    in.gender = "robot";
    const auto result = accounts::sign_up(services, in, client);
    BOOST_REQUIRE(!result.has_value());
    const auto& e = result.error().errors;
    BOOST_TEST(result.error().outcome == Outcome::Invalid);
    BOOST_TEST(result.error().retry_after == 0);
    for (const char* field : {"email", "name", "password2", "first_name", "last_name", "phone", "date_of_birth", "gender"})
        BOOST_TEST_CONTEXT(field) { BOOST_TEST(e.count(field) == 1u); }
    BOOST_TEST(has_message(e, "email", "Enter a valid email address."));
    BOOST_TEST(has_message(e, "password2", "didn’t match"));
    BOOST_TEST(store::UserStore(db).count() == 0);
    BOOST_TEST(mails().empty());
}

BOOST_AUTO_TEST_CASE(required_fields) {
    const auto result = accounts::sign_up(services, accounts::SignupInput{}, client);
    BOOST_REQUIRE(!result.has_value());
    const auto& e = result.error().errors;
    BOOST_TEST(has_message(e, "email", "This field is required."));
    BOOST_TEST(has_message(e, "password1", "This field is required."));
    BOOST_TEST(has_message(e, "password2", "This field is required."));
    BOOST_TEST(e.count("name") == 0u);  // optional
}

BOOST_AUTO_TEST_CASE(password_policy_messages_all_at_once) {
    const auto result = accounts::sign_up(services, signup_input("alice@example.org", "", "password"), client);
    BOOST_REQUIRE(!result.has_value());
    const auto& e = result.error().errors;
    BOOST_TEST(has_message(e, "password2", "too common"));
    BOOST_TEST(e.at("password2").size() >= 2u);  // common + composition (no uppercase, no digit)

    const auto similar = accounts::sign_up(services, signup_input("Alice.Smith1@example.org", "Bob", "Alice.Smith1@example.org"), client);
    BOOST_REQUIRE(!similar.has_value());
    BOOST_TEST(has_message(similar.error().errors, "password2", "too similar"));
    const auto like_name = accounts::sign_up(services, signup_input("carol@example.org", "Carol-Pass1", "carol-PASS1"), client);
    BOOST_REQUIRE(!like_name.has_value());
    BOOST_TEST(has_message(like_name.error().errors, "password2", "too similar"));
    const auto short_one = accounts::sign_up(services, signup_input("dave@example.org", "", "Ab1"), client);
    BOOST_REQUIRE(!short_one.has_value());
    BOOST_TEST(has_message(short_one.error().errors, "password2", "too short"));
    BOOST_TEST(store::UserStore(db).count() == 0);
}

BOOST_AUTO_TEST_CASE(email_is_unique_ignoring_case) {
    sign_up_ok(signup_input("alice@example.org"));
    for (const char* again : {"alice@example.org", "ALICE@EXAMPLE.ORG", "Alice@Example.Org", " alice@example.org "}) {
        BOOST_TEST_CONTEXT(again) {
            const auto result = accounts::sign_up(services, signup_input(again), client);
            BOOST_REQUIRE(!result.has_value());
            BOOST_TEST(has_message(result.error().errors, "email", "A user with that email already exists."));
        }
    }
    BOOST_TEST(store::UserStore(db).count() == 1);
}

BOOST_AUTO_TEST_CASE(name_is_unique_ignoring_case) {
    sign_up_ok(signup_input("alice@example.org", "Alice"));
    const auto result = accounts::sign_up(services, signup_input("other@example.org", "aLICE"), client);
    BOOST_REQUIRE(!result.has_value());
    BOOST_TEST(has_message(result.error().errors, "name", "A user with that name already exists."));
    // the name is optional: many users without one are fine
    sign_up_ok(signup_input("nameless1@example.org"));
    sign_up_ok(signup_input("nameless2@example.org"));
}

BOOST_AUTO_TEST_CASE(phone_is_unique) {
    auto in = signup_input("alice@example.org");
    in.phone = "+14155552671";
    sign_up_ok(in);
    auto again = signup_input("bob@example.org");
    again.phone = "+14155552671";
    const auto result = accounts::sign_up(services, again, client);
    BOOST_REQUIRE(!result.has_value());
    BOOST_TEST(has_message(result.error().errors, "phone", "already exists"));
}

// Signup and profile read phones as phone login does (libphonenumber) and keep them in E.164, so a
// number accepted for login is accepted here and one number is one number however it is written.
BOOST_AUTO_TEST_CASE(phones_are_read_by_libphonenumber_and_stored_in_e164) {
    auto in = signup_input("carol@example.org");
    in.phone = "+1 (415) 555-2671";
    const auto carol = sign_up_ok(in);
    BOOST_TEST(carol.phone.value_or("") == "+14155552671");
    auto again = signup_input("dave@example.org");
    again.phone = "+1-415-555-2671";
    const auto taken = accounts::sign_up(services, again, client);
    BOOST_REQUIRE(!taken.has_value());
    BOOST_TEST(has_message(taken.error().errors, "phone", "already exists"));

    accounts::ProfileInput profile;
    profile.phone = "+44 20 7946 0958";
    const auto changed = accounts::update_profile(services, carol, profile);
    BOOST_REQUIRE(changed.has_value());
    BOOST_TEST(changed->phone.value_or("") == "+442079460958");
    BOOST_TEST(reload(carol.id).phone.value_or("") == "+442079460958");
    profile.phone = "+1 415 CALL NOW";
    BOOST_TEST(!accounts::update_profile(services, carol, profile).has_value());
}

BOOST_AUTO_TEST_CASE(optional_fields_are_stored) {
    auto in = signup_input("alice@example.org", "  Alice  ");
    in.first_name = "Alice";
    in.last_name = "Smith";
    in.phone = "+14155552671";
    in.date_of_birth = "1990-07-04";
    in.gender = "female";
    const auto stored = reload(sign_up_ok(in).id);
    BOOST_TEST(stored.name.value_or("") == "Alice");
    BOOST_TEST(stored.first_name == "Alice");
    BOOST_TEST(stored.last_name == "Smith");
    BOOST_TEST(stored.phone.value_or("") == "+14155552671");
    BOOST_TEST(stored.date_of_birth.value_or("") == "1990-07-04");
    BOOST_TEST(stored.gender.value_or("") == "female");
}

BOOST_AUTO_TEST_CASE(the_21st_registration_from_one_ip_in_an_hour_is_refused) {
    for (int i = 1; i <= 20; ++i)
        BOOST_TEST_CONTEXT("signup " << i) { sign_up_ok(signup_input("user" + std::to_string(i) + "@example.org")); }
    const auto refused = accounts::sign_up(services, signup_input("user21@example.org"), client);
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().outcome == Outcome::Throttled);
    BOOST_TEST(refused.error().retry_after > 0);
    BOOST_TEST(refused.error().retry_after <= 3600);
    BOOST_TEST(refused.error().errors.empty());
    BOOST_TEST(store::UserStore(db).count() == 20);
    // another IP is not affected; the next hour this one may sign up again
    BOOST_TEST(accounts::sign_up(services, signup_input("user21@example.org"), {"198.51.100.1", ""}).has_value());
    clock.advance(std::chrono::seconds(refused.error().retry_after));
    BOOST_TEST(accounts::sign_up(services, signup_input("user22@example.org"), client).has_value());
}

BOOST_AUTO_TEST_CASE(no_registration_limit_when_throttling_is_off) {
    config.throttle = false;
    accounts::Services unthrottled(config, db, cache, clock, log, templates, test::accounts_test_policy());
    for (int i = 1; i <= 22; ++i)
        BOOST_TEST(accounts::sign_up(unthrottled, signup_input("u" + std::to_string(i) + "@example.org"), client).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// --- password login (log_in with a PasswordCredential) -------------------------------------------

BOOST_FIXTURE_TEST_SUITE(password_login, Flows)

BOOST_AUTO_TEST_CASE(right_password_with_the_email_in_any_case) {
    const auto user = make_user("alice@example.org");
    for (const char* email : {"alice@example.org", "ALICE@EXAMPLE.ORG", "Alice@Example.Org", "  alice@example.org "}) {
        BOOST_TEST_CONTEXT(email) {
            const auto r = password_login(email, test::kGoodPassword);
            BOOST_TEST(outcome_of(r) == "Ok");
            BOOST_REQUIRE(r.has_value());
            BOOST_TEST(r->user.id == user.id);
        }
    }
}

BOOST_AUTO_TEST_CASE(stamps_last_login) {
    const auto user = make_user("alice@example.org");
    clock.advance(125s);
    const auto r = password_login("alice@example.org", test::kGoodPassword);
    BOOST_REQUIRE(r.has_value());
    const std::string expected = core::iso8601_utc(test::kAccountsStart + 125);
    BOOST_TEST(r->user.last_login.value_or("") == expected);
    BOOST_TEST(reload(user.id).last_login.value_or("") == expected);
}

BOOST_AUTO_TEST_CASE(bad_credentials) {
    make_user("alice@example.org");
    const auto inactive = make_user("gone@example.org");
    store::UserStore(db).set_flags(inactive.id, false, false, false, true);
    const std::pair<const char*, const char*> cases[] = {
        {"alice@example.org", test::kOtherPassword},            // wrong password
        {"alice@example.org", ""},                              // empty password
        {"alice@example.org", "correct-horse-7"},               // case matters in passwords
        {"nobody@example.org", test::kGoodPassword},            // unknown email
        {"not an email", test::kGoodPassword},                  // not even an email
        {"", ""},
        {"gone@example.org", test::kGoodPassword},              // inactive, right password
    };
    for (const auto& [email, password] : cases) {
        BOOST_TEST_CONTEXT(email << " / " << password) {
            const auto r = password_login(email, password);
            BOOST_TEST(outcome_of(r) == "BadCredentials");
            BOOST_REQUIRE(!r.has_value());
            BOOST_TEST(r.error().user_id == 0);  // names no user
        }
    }
    BOOST_TEST(!reload(inactive.id).last_login.has_value());
}

BOOST_AUTO_TEST_CASE(unverified_when_verification_is_required) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    const auto r = password_login("alice@example.org", test::kGoodPassword);
    BOOST_TEST(outcome_of(r) == "Unverified");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().user_id == user.id);
    BOOST_TEST(!reload(user.id).last_login.has_value());
    // a wrong password is still just bad credentials
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kOtherPassword)) == "BadCredentials");
}

BOOST_AUTO_TEST_CASE(ok_for_unverified_when_not_required) {
    config.require_verified = false;
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    const auto r = password_login("alice@example.org", test::kGoodPassword);
    BOOST_TEST(outcome_of(r) == "Ok");
    BOOST_TEST(reload(user.id).last_login.has_value());
}

BOOST_AUTO_TEST_CASE(five_failures_throttle_the_account_even_with_the_right_password) {
    make_user("alice@example.org");
    // from different IPs and in different cases: it is the account that is throttled
    for (int i = 0; i < 5; ++i) {
        const accounts::ClientInfo from{"203.0.113." + std::to_string(i + 1), "curl/8.5.0"};
        const auto r = password_login(i % 2 ? "ALICE@example.org" : "alice@example.org", test::kOtherPassword, from);
        BOOST_TEST_CONTEXT("failure " << i + 1) { BOOST_TEST(outcome_of(r) == "BadCredentials"); }
    }
    const auto throttled = password_login("alice@example.org", test::kGoodPassword);
    BOOST_TEST(outcome_of(throttled) == "Throttled");
    BOOST_REQUIRE(!throttled.has_value());
    BOOST_TEST(throttled.error().user_id == 0);    // names no user
    BOOST_TEST(throttled.error().retry_after == 15 * 60);  // the window started with the clock
    // another account is not affected
    make_user("bob@example.org");
    BOOST_TEST(outcome_of(password_login("bob@example.org", test::kGoodPassword)) == "Ok");

    clock.advance(std::chrono::seconds(15 * 60 - 1));
    const auto still = password_login("alice@example.org", test::kGoodPassword);
    BOOST_TEST(outcome_of(still) == "Throttled");
    BOOST_REQUIRE(!still.has_value());
    BOOST_TEST(still.error().retry_after == 1);
    clock.advance(1s);  // the next 15-minute window
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "Ok");
}

BOOST_AUTO_TEST_CASE(four_failures_then_a_good_login_starts_the_count_afresh) {
    make_user("alice@example.org");
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 4; ++i) (void)password_login("alice@example.org", test::kOtherPassword);
        BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "Ok");
    }
}

BOOST_AUTO_TEST_CASE(failures_on_unknown_emails_are_throttled_too) {
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(outcome_of(password_login("ghost@example.org", test::kGoodPassword)) == "BadCredentials");
    BOOST_TEST(outcome_of(password_login("ghost@example.org", test::kGoodPassword)) == "Throttled");
}

BOOST_AUTO_TEST_CASE(thirty_logins_a_minute_per_ip) {
    make_user("alice@example.org");
    for (int i = 0; i < 30; ++i) {
        BOOST_TEST_CONTEXT("login " << i + 1) {
            BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "Ok");
        }
    }
    const auto refused = password_login("alice@example.org", test::kGoodPassword);
    BOOST_TEST(outcome_of(refused) == "Throttled");
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().retry_after == 60);
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword, {"198.51.100.2", ""})) == "Ok");
    clock.advance(60s);
    BOOST_TEST(outcome_of(password_login("alice@example.org", test::kGoodPassword)) == "Ok");
}

BOOST_AUTO_TEST_CASE(a_pbkdf2_hash_is_upgraded_to_argon2_at_the_next_login) {
    const accounts::PasswordHasher old_hasher({.algorithm = "pbkdf2_sha256", .pbkdf2_iterations = 1000});
    store::User u;
    u.email = "legacy@example.org";
    u.password_hash = old_hasher.hash(test::kGoodPassword);
    u.is_verified = true;
    u.date_joined = core::iso8601_utc(test::kAccountsStart);
    u.id = store::UserStore(db).insert(u);
    BOOST_REQUIRE(u.password_hash.starts_with("pbkdf2_sha256$1000$"));
    BOOST_REQUIRE(services.hasher.needs_rehash(u.password_hash));

    // a wrong password changes nothing
    (void)password_login("legacy@example.org", test::kOtherPassword);
    BOOST_TEST(reload(u.id).password_hash == u.password_hash);

    const auto r = password_login("legacy@example.org", test::kGoodPassword);
    BOOST_REQUIRE(r.has_value());
    const std::string upgraded = reload(u.id).password_hash;
    BOOST_TEST(upgraded.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"));
    BOOST_TEST(r->user.password_hash == upgraded);
    BOOST_TEST(services.hasher.verify(test::kGoodPassword, upgraded));
    BOOST_TEST(!services.hasher.needs_rehash(upgraded));
    // and it keeps working, without another rehash
    BOOST_TEST(outcome_of(password_login("legacy@example.org", test::kGoodPassword)) == "Ok");
    BOOST_TEST(reload(u.id).password_hash == upgraded);
}

BOOST_AUTO_TEST_CASE(a_weaker_argon2_hash_is_upgraded_a_stronger_one_kept) {
    const accounts::PasswordHasher weak({.algorithm = "argon2id", .argon2_t = 1, .argon2_m_kib = 4096});
    const accounts::PasswordHasher strong({.algorithm = "argon2id", .argon2_t = 2, .argon2_m_kib = 8192});
    auto weak_user = make_user("weak@example.org");
    auto strong_user = make_user("strong@example.org");
    const std::string weak_hash = weak.hash(test::kGoodPassword), strong_hash = strong.hash(test::kGoodPassword);
    store::UserStore(db).set_password_hash(weak_user.id, weak_hash);
    store::UserStore(db).set_password_hash(strong_user.id, strong_hash);

    BOOST_REQUIRE(password_login("weak@example.org", test::kGoodPassword).has_value());
    BOOST_TEST(reload(weak_user.id).password_hash != weak_hash);
    BOOST_TEST(reload(weak_user.id).password_hash.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"));
    BOOST_REQUIRE(password_login("strong@example.org", test::kGoodPassword).has_value());
    BOOST_TEST(reload(strong_user.id).password_hash == strong_hash);
}

BOOST_AUTO_TEST_CASE(an_unusable_password_never_logs_in) {
    auto user = make_user("alice@example.org");
    store::UserStore(db).set_password_hash(user.id, "!");
    BOOST_TEST(outcome_of(password_login("alice@example.org", "!")) == "BadCredentials");
    BOOST_TEST(outcome_of(password_login("alice@example.org", "")) == "BadCredentials");
}

BOOST_AUTO_TEST_SUITE_END()

// --- verification --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(verification, Flows)

BOOST_AUTO_TEST_CASE(the_mailed_code_verifies_once) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string code = latest_code_for("alice@example.org");
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, code)) == "Ok");
    BOOST_TEST(reload(user.id).is_verified);
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, code)) == "AlreadyVerified");
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, "000000")) == "AlreadyVerified");
}

BOOST_AUTO_TEST_CASE(a_wrong_code_is_invalid) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string code = latest_code_for("alice@example.org");
    const std::string wrong = code == "123456" ? "654321" : "123456";
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, wrong)) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, "12345")) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, "")) == "CodeInvalid");
    BOOST_TEST(!reload(user.id).is_verified);
    // a few wrong tries do not kill the right code
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, code)) == "Ok");
}

BOOST_AUTO_TEST_CASE(five_wrong_codes_kill_it) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string code = latest_code_for("alice@example.org");
    const std::string wrong = code == "123456" ? "654321" : "123456";
    for (int i = 0; i < 5; ++i) BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, wrong)) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, code)) == "CodeExpired");
    BOOST_TEST(!reload(user.id).is_verified);
    // a new code (resend) works again
    BOOST_REQUIRE(accounts::send_verification(services, reload(user.id)).allowed);
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, latest_code_for("alice@example.org"))) == "Ok");
}

BOOST_AUTO_TEST_CASE(the_code_expires_after_ten_minutes) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string code = latest_code_for("alice@example.org");
    clock.advance(600s);
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, code)) == "CodeExpired");
    BOOST_TEST(!reload(user.id).is_verified);
}

BOOST_AUTO_TEST_CASE(a_resent_code_replaces_the_old_one) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string first = latest_code_for("alice@example.org");
    BOOST_REQUIRE(accounts::send_verification(services, user).allowed);
    const std::string second = latest_code_for("alice@example.org");
    BOOST_REQUIRE(mails_to("alice@example.org").size() == 2u);
    if (first != second) BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, first)) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, user.id, second)) == "Ok");
}

BOOST_AUTO_TEST_CASE(unknown_user_is_invalid) {
    BOOST_TEST(outcome_of(accounts::verify_with_code(services, 4242, "123456")) == "CodeInvalid");
}

BOOST_AUTO_TEST_CASE(the_mailed_link_verifies_then_says_already_verified) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string token = latest_verify_token_for("alice@example.org");
    BOOST_REQUIRE(!token.empty());
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, token)) == "Ok");
    BOOST_TEST(reload(user.id).is_verified);
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, token)) == "AlreadyVerified");
}

BOOST_AUTO_TEST_CASE(a_tampered_link_is_invalid) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string token = latest_verify_token_for("alice@example.org");
    BOOST_REQUIRE(token.size() > 20u);
    for (std::size_t at : {token.size() / 2, token.size() - 10, std::size_t{0}}) {
        std::string tampered = token;
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
        BOOST_TEST_CONTEXT("changed at " << at) {
            BOOST_TEST(outcome_of(accounts::verify_with_link(services, tampered)) == "LinkInvalid");
        }
    }
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, token.substr(0, token.size() - 4))) == "LinkInvalid");
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, "")) == "LinkInvalid");
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, "not-a-token")) == "LinkInvalid");
    // a token of another purpose (a reset link for this user) does not verify
    const std::string reset = services.signer.make("reset", user.id, 3600, reload(user.id).email.value_or(""));
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, reset)) == "LinkInvalid");
    BOOST_TEST(!reload(user.id).is_verified);
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, token)) == "Ok");
}

BOOST_AUTO_TEST_CASE(a_link_after_the_code_says_already_verified) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string token = latest_verify_token_for("alice@example.org");
    BOOST_REQUIRE((outcome_of(accounts::verify_with_code(services, user.id, latest_code_for("alice@example.org"))) == "Ok"));
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, token)) == "AlreadyVerified");
}

BOOST_AUTO_TEST_CASE(the_link_expires_after_three_days) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));
    const std::string token = latest_verify_token_for("alice@example.org");
    clock.advance(std::chrono::seconds(3 * 86400));
    BOOST_TEST(outcome_of(accounts::verify_with_link(services, token)) == "LinkExpired");
    BOOST_TEST(!reload(user.id).is_verified);
}

BOOST_AUTO_TEST_CASE(five_sends_an_hour_counting_the_signup_mail) {
    const auto user = sign_up_ok(signup_input("alice@example.org"));  // send 1
    for (int i = 2; i <= 5; ++i) {
        BOOST_TEST_CONTEXT("send " << i) {
            const auto d = accounts::send_verification(services, user);
            BOOST_TEST(d.allowed);
            BOOST_TEST(d.retry_after == 0);
        }
    }
    const auto refused = accounts::send_verification(services, user);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after > 0);
    BOOST_TEST(refused.retry_after <= 3600);
    BOOST_TEST(mails_to("alice@example.org").size() == 5u);  // the refused one sent nothing

    clock.advance(std::chrono::seconds(refused.retry_after));
    BOOST_TEST(accounts::send_verification(services, user).allowed);
    BOOST_TEST(mails_to("alice@example.org").size() == 6u);
}

BOOST_AUTO_TEST_CASE(each_user_has_their_own_send_limit) {
    const auto alice = sign_up_ok(signup_input("alice@example.org"));
    const auto bob = sign_up_ok(signup_input("bob@example.org"));
    for (int i = 0; i < 4; ++i) accounts::send_verification(services, alice);
    BOOST_TEST(!accounts::send_verification(services, alice).allowed);
    BOOST_TEST(accounts::send_verification(services, bob).allowed);
}

BOOST_AUTO_TEST_SUITE_END()
