// One-time codes for API clients (accounts/otp.hpp) against a real memcached, a migrated SQLite
// database (the outbox holds the mail and SMS) and a ManualClock: codes by email and SMS, phone
// numbers, phone login (5 a day, the first good code creates the user) and reset by code.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/sessions.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;
using namespace std::chrono_literals;
using accounts::Outcome;
using test::outcome_of;

namespace {

constexpr const char* kPhone = "+14155552671";
constexpr const char* kNewPassword = "Granite-Lantern-51";

// A code other than `code` (so a "wrong code" is never the right one by chance).
std::string other_code(const std::string& code) {
    std::string wrong = code;
    wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
    return wrong;
}

struct Otp : test::AccountsFixture {
    store::User with_phone(store::User user, const std::string& phone) {
        db.query("UPDATE users SET phone = ? WHERE id = ?").bind(1, phone).bind(2, user.id).run();
        return reload(user.id);
    }
    store::User phone_only_user(const std::string& phone) {
        store::User u;
        u.phone = phone;
        u.is_verified = true;
        u.date_joined = core::iso8601_utc(services.now());
        u.id = store::UserStore(db).insert(u);
        return u;
    }
    std::string sent(const store::User& user, const char* channel) {
        auto r = accounts::send_otp(services, user, channel);
        BOOST_REQUIRE_MESSAGE(r.has_value(), "send_otp refused: " << r.error().outcome);
        return r->code;
    }
    std::string phone_code(const std::string& phone) {
        auto r = accounts::send_phone_login_code(services, phone, "en");
        BOOST_REQUIRE_MESSAGE(r.has_value(), "send_phone_login_code refused: " << r.error().outcome);
        return r->code;
    }
    // Phone login (log_in with the code as credential), for a JWT pair.
    std::expected<accounts::LoggedIn, accounts::Refusal> phone_login(const std::string& phone, const std::string& code) {
        return accounts::log_in(services, {accounts::PhoneCodeCredential{phone, code}, accounts::LoginKind::Jwt, false, {}, client, {}});
    }
    std::int64_t column(const std::string& sql, std::int64_t id) {
        auto q = db.query(sql);
        q.bind(1, id);
        BOOST_REQUIRE(q.step());
        return q.row().column_int(0);
    }
    std::int64_t users() { return store::UserStore(db).count(); }
    // The code of the newest password-reset mail to `email`.
    std::string reset_code_mailed_to(const std::string& email) {
        const auto mails = mails_to(email);
        BOOST_REQUIRE(!mails.empty());
        const auto code = test::code_in(mails.back().text_body);
        BOOST_REQUIRE_MESSAGE(code.size() == 6u, "no code in the reset mail");
        return code;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(otp_send_and_verify, Otp)

BOOST_AUTO_TEST_CASE(email_code_goes_to_the_outbox) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    const auto code = sent(user, "email");
    BOOST_TEST(code.size() == 6u);
    const auto mails = mails_to("alice@example.org");
    BOOST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(mails[0].channel == "email");
    BOOST_TEST(test::code_in(mails[0].text_body) == code);
    BOOST_TEST(mails[0].html_body.find(code) != std::string::npos);
    BOOST_TEST(!mails[0].subject.empty());
}

BOOST_AUTO_TEST_CASE(sms_code_goes_to_the_outbox) {
    const auto user = with_phone(make_user("alice@example.org"), kPhone);
    const auto code = sent(user, "sms");
    const auto all = mails();
    BOOST_REQUIRE(all.size() == 1u);
    BOOST_TEST(all[0].channel == "sms");
    BOOST_TEST(all[0].recipient == kPhone);
    BOOST_TEST(all[0].text_body.find(code) != std::string::npos);
    BOOST_TEST(mails_to("alice@example.org").empty());
}

BOOST_AUTO_TEST_CASE(no_address_when_the_user_lacks_it) {
    const auto user = make_user("alice@example.org");
    auto r = accounts::send_otp(services, user, "sms");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::NoPhone);
    const auto phone_user = phone_only_user(kPhone);
    r = accounts::send_otp(services, phone_user, "email");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::NoEmail);
    BOOST_TEST(mails().empty());
    // The phone-only user can have a code by SMS.
    BOOST_TEST(accounts::send_otp(services, phone_user, "sms").has_value());
}

BOOST_AUTO_TEST_CASE(sixth_send_within_the_hour_is_throttled) {
    BOOST_TEST(config.throttle);
    const auto user = with_phone(make_user("alice@example.org"), kPhone);
    for (int i = 0; i < 5; ++i) {
        clock.advance(60s);
        sent(user, i % 2 ? "sms" : "email");  // both channels count against the same limit
    }
    clock.advance(60s);
    auto r = accounts::send_otp(services, user, "email");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::Throttled);
    BOOST_TEST(r.error().retry_after > 0);
    BOOST_TEST(r.error().retry_after <= 3600);
    BOOST_TEST(mails().size() == 5u);  // nothing sent for the refused one
    // Another user is not affected.
    const auto bob = make_user("bob@example.org");
    BOOST_TEST(accounts::send_otp(services, bob, "email").has_value());
    // The next hour, alice may again.
    clock.advance(std::chrono::seconds(r.error().retry_after));
    BOOST_TEST(accounts::send_otp(services, user, "email").has_value());
}

BOOST_AUTO_TEST_CASE(verify_email_code_marks_the_user_verified) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    const auto code = sent(user, "email");
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, code)) == "Ok");
    BOOST_TEST(reload(user.id).is_verified);
    BOOST_TEST(!reload(user.id).phone_verified);
    // Single use.
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, code)) == "CodeExpired");
}

BOOST_AUTO_TEST_CASE(verify_sms_code_marks_the_phone_verified) {
    const auto user = with_phone(make_user("alice@example.org", test::kGoodPassword, false), kPhone);
    const std::string sql = "SELECT phone_verified FROM users WHERE id = ?";
    BOOST_TEST(column(sql, user.id) == 0);
    const auto code = sent(user, "sms");
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, code)) == "Ok");
    BOOST_TEST(column(sql, user.id) == 1);
    BOOST_TEST(reload(user.id).phone_verified);
    BOOST_TEST(!reload(user.id).is_verified);  // the email is another matter
}

BOOST_AUTO_TEST_CASE(the_last_code_sent_decides_the_channel) {
    const auto user = with_phone(make_user("alice@example.org", test::kGoodPassword, false), kPhone);
    const auto email_code = sent(user, "email");
    const auto sms_code = sent(user, "sms");
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, email_code)) == "CodeInvalid");  // replaced
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, sms_code)) == "Ok");
    BOOST_TEST(reload(user.id).phone_verified);
    BOOST_TEST(!reload(user.id).is_verified);
}

BOOST_AUTO_TEST_CASE(a_code_sent_to_an_old_phone_does_not_verify_a_new_one) {
    // The code proves the number it went to, not whatever number the account has by the time it comes back.
    const auto user = with_phone(make_user("alice@example.org"), kPhone);
    const auto code = sent(user, "sms");
    accounts::ProfileInput change;
    change.phone = "+442079460958";
    const auto changed = accounts::update_profile(services, user, change);
    BOOST_REQUIRE(changed.has_value());
    BOOST_TEST(!reload(user.id).phone_verified);
    BOOST_TEST(outcome_of(accounts::verify_otp(services, reload(user.id), code)) != "Ok");
    BOOST_TEST(!reload(user.id).phone_verified);
    BOOST_TEST(column("SELECT phone_verified FROM users WHERE id = ?", user.id) == 0);
    // A code sent to the new number verifies it.
    const auto fresh = sent(reload(user.id), "sms");
    BOOST_TEST(mails().back().recipient == "+442079460958");
    BOOST_TEST(outcome_of(accounts::verify_otp(services, reload(user.id), fresh)) == "Ok");
    BOOST_TEST(reload(user.id).phone_verified);
}

BOOST_AUTO_TEST_CASE(a_code_sent_to_a_removed_phone_verifies_nothing) {
    const auto user = with_phone(make_user("alice@example.org", test::kGoodPassword, false), kPhone);
    const auto code = sent(user, "sms");
    accounts::ProfileInput change;
    change.phone = "";
    BOOST_REQUIRE(accounts::update_profile(services, user, change).has_value());
    BOOST_TEST(outcome_of(accounts::verify_otp(services, reload(user.id), code)) != "Ok");
    BOOST_TEST(!reload(user.id).phone_verified);
    BOOST_TEST(!reload(user.id).is_verified);  // and not the email instead
}

BOOST_AUTO_TEST_CASE(wrong_code_is_invalid_and_five_wrong_kill_it) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    const auto code = sent(user, "email");
    for (int i = 0; i < 5; ++i) BOOST_TEST(outcome_of(accounts::verify_otp(services, user, other_code(code))) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, code)) == "CodeExpired");
    BOOST_TEST(!reload(user.id).is_verified);
}

BOOST_AUTO_TEST_CASE(codes_expire_after_ten_minutes) {
    const auto user = make_user("alice@example.org", test::kGoodPassword, false);
    auto code = sent(user, "email");
    clock.advance(600s);
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, code)) == "CodeExpired");
    code = sent(user, "email");
    clock.advance(599s);
    BOOST_TEST(outcome_of(accounts::verify_otp(services, user, code)) == "Ok");
}

BOOST_AUTO_TEST_CASE(a_code_is_for_its_user_only) {
    const auto alice = make_user("alice@example.org", test::kGoodPassword, false);
    const auto bob = make_user("bob@example.org", test::kGoodPassword, false);
    const auto code = sent(alice, "email");
    BOOST_TEST(outcome_of(accounts::verify_otp(services, bob, code)) == "CodeExpired");  // none issued to bob
    BOOST_TEST(!reload(bob.id).is_verified);
    BOOST_TEST(outcome_of(accounts::verify_otp(services, alice, code)) == "Ok");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(otp_phone_numbers)

BOOST_AUTO_TEST_CASE(normalize_phone_gives_e164) {
    using accounts::normalize_phone;
    BOOST_TEST(normalize_phone("+1 415 555 2671").value_or("-") == "+14155552671");
    BOOST_TEST(normalize_phone("+14155552671").value_or("-") == "+14155552671");
    BOOST_TEST(normalize_phone("+1 (415) 555-2671").value_or("-") == "+14155552671");
    BOOST_TEST(normalize_phone("  +1 415 555 2671 ").value_or("-") == "+14155552671");
    BOOST_TEST(normalize_phone("+44 20 7946 0958").value_or("-") == "+442079460958");
    BOOST_TEST(normalize_phone("+49 30 901820").value_or("-") == "+4930901820");
}

BOOST_AUTO_TEST_CASE(normalize_phone_rejects_bad_numbers) {
    using accounts::normalize_phone;
    for (const char* bad : {"12345", "4155552671", "+0 415 555 2671", "+012345678", "+0", "", "+", "+1",
                            "+1415555267",        // a digit short
                            "+1 415 555 26710",   // a digit long
                            "+999 1234 5678",     // no such country
                            "+1 415 555 CALL",    // letters: libphonenumber would read a keypad
                            "+1-800-FLOWERS", "+1 415 555 267a", "phone", "+abc",
                            "+1 415 555 2671 ext 12", "+1 415 555 2671 #12", "+1 415 555 2671,12",  // extensions
                            "+1 415 555 2671;ext=12", "+1\t415 555 2671",
                            "+1 415 555 2671 1234567890123456789012345"})
        BOOST_TEST(!normalize_phone(bad).has_value(), "accepted '" << bad << "' as " << normalize_phone(bad).value_or(""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(otp_phone_login, Otp)

BOOST_AUTO_TEST_CASE(send_phone_login_code_sends_an_sms) {
    const auto code = phone_code("+1 415 555 2671");
    const auto all = mails();
    BOOST_REQUIRE(all.size() == 1u);
    BOOST_TEST(all[0].channel == "sms");
    BOOST_TEST(all[0].recipient == kPhone);
    BOOST_TEST(all[0].text_body.find(code) != std::string::npos);
    auto r = accounts::send_phone_login_code(services, "12345", "en");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::BadPhoneNumber);
    BOOST_TEST(mails().size() == 1u);
}

BOOST_AUTO_TEST_CASE(five_per_24_hours_then_daily_limit) {
    // The same number in any spelling counts the same.
    const char* spellings[] = {"+14155552671", "+1 415 555 2671", "+1 (415) 555-2671", "+1-415-555-2671", "+1.415.555.2671"};
    for (const char* phone : spellings) {
        clock.advance(60s);
        phone_code(phone);
    }
    clock.advance(60s);
    auto r = accounts::send_phone_login_code(services, kPhone, "en");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::PhoneCodeLimit);
    BOOST_TEST(r.error().retry_after > 0);
    BOOST_TEST(mails().size() == 5u);
    // An hour later (the hourly OTP window is over) it is still the daily limit.
    clock.advance(3600s);
    r = accounts::send_phone_login_code(services, kPhone, "en");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::PhoneCodeLimit);
    // Another number is not affected.
    BOOST_TEST(accounts::send_phone_login_code(services, "+442079460958", "en").has_value());
    // A day later, again.
    clock.advance(86400s);
    BOOST_TEST(accounts::send_phone_login_code(services, kPhone, "en").has_value());
}

BOOST_AUTO_TEST_CASE(phone_login_creates_the_user_once) {
    const auto before = users();
    const auto code = phone_code("+1 415 555 2671");
    auto first = phone_login("+1 (415) 555-2671", code);
    BOOST_REQUIRE(first.has_value());
    BOOST_TEST(!first->tokens.access.empty());
    BOOST_TEST(!first->tokens.refresh.empty());
    BOOST_TEST(users() == before + 1);
    const auto stored = reload(first->user.id);
    BOOST_REQUIRE(stored.phone.has_value());
    BOOST_TEST(*stored.phone == kPhone);
    BOOST_TEST(!stored.email.has_value());
    BOOST_TEST(stored.is_verified);
    BOOST_TEST(stored.phone_verified);
    BOOST_TEST(stored.is_active);
    BOOST_TEST(!stored.is_staff);
    for (const char* guess : {"", "!", "+14155552671"})  // no usable password
        BOOST_TEST(!services.hasher.verify(guess, stored.password_hash));
    {
        auto q = db.query("SELECT email IS NULL, phone_verified FROM users WHERE id = ?");
        q.bind(1, first->user.id);
        BOOST_REQUIRE(q.step());
        BOOST_TEST(q.row().column_int(0) == 1);
        BOOST_TEST(q.row().column_int(1) == 1);
    }

    clock.advance(120s);
    const auto again = phone_code(kPhone);
    auto second = phone_login(kPhone, again);
    BOOST_REQUIRE(second.has_value());
    BOOST_TEST(second->user.id == first->user.id);
    BOOST_TEST(users() == before + 1);
    // The code was single use.
    BOOST_TEST(outcome_of(phone_login(kPhone, again)) == "CodeExpired");
    // A second phone user has a null email too (no unique clash on NULL).
    const auto other = phone_code("+442079460958");
    auto third = phone_login("+442079460958", other);
    BOOST_REQUIRE(third.has_value());
    BOOST_TEST(third->user.id != first->user.id);
    BOOST_TEST(users() == before + 2);
}

BOOST_AUTO_TEST_CASE(phone_login_finds_an_existing_user_with_that_verified_phone) {
    const auto alice = with_phone(make_user("alice@example.org"), kPhone);
    store::UserStore(db).set_phone_verified(alice.id);
    const auto before = users();
    const auto code = phone_code(kPhone);
    auto r = phone_login(kPhone, code);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->user.id == alice.id);
    BOOST_TEST(users() == before);
    BOOST_TEST(reload(alice.id).last_login.has_value());
}

BOOST_AUTO_TEST_CASE(an_unverified_number_on_an_account_moves_to_a_new_user_instead_of_logging_in) {
    // Whoever put the number on alice's account never proved it; the code proves it is the caller's.
    const auto alice = with_phone(make_user("alice@example.org"), kPhone);
    const auto before = users();
    const auto code = phone_code(kPhone);
    auto r = phone_login(kPhone, code);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->user.id != alice.id);
    BOOST_TEST(r->user.phone.value_or("") == kPhone);
    BOOST_TEST(r->user.phone_verified);
    BOOST_TEST(!r->user.email.has_value());
    BOOST_TEST(r->user.password_hash.starts_with("!"));  // phone-only: no usable password
    BOOST_TEST(users() == before + 1);
    BOOST_TEST(!reload(alice.id).phone.has_value());
}

BOOST_AUTO_TEST_CASE(phone_login_of_an_inactive_user_is_refused) {
    const auto code = phone_code(kPhone);
    auto in = phone_login(kPhone, code);
    BOOST_REQUIRE(in.has_value());
    store::UserStore(db).set_active(in->user.id, false);
    const auto again = phone_code(kPhone);
    BOOST_TEST(outcome_of(phone_login(kPhone, again)) == "BadCredentials");
}

BOOST_AUTO_TEST_CASE(wrong_code_is_invalid_and_five_wrong_then_right_is_expired) {
    const auto before = users();
    const auto code = phone_code(kPhone);
    auto r = phone_login(kPhone, other_code(code));
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::CodeInvalid);
    for (int i = 0; i < 4; ++i) {
        r = phone_login(kPhone, other_code(code));
        BOOST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().outcome == Outcome::CodeInvalid);
    }
    r = phone_login(kPhone, code);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().outcome == Outcome::CodeExpired);
    BOOST_TEST(users() == before);
    // A code for another number does not log in to this one.
    const auto other = phone_code("+442079460958");
    r = phone_login(kPhone, other);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(users() == before);
    // A malformed number is no login either.
    BOOST_TEST(outcome_of(phone_login("12345", other)) == "BadPhoneNumber");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(otp_reset_by_code, Otp)

BOOST_AUTO_TEST_CASE(a_token_for_an_unknown_email_never_passes) {
    const auto alice = make_user("alice@example.org");
    const auto token = accounts::api_reset_token(services, "nobody@example.org");
    BOOST_TEST(!token.empty());
    // It looks like any other reset token.
    const auto real = accounts::api_reset_token(services, "alice@example.org");
    BOOST_TEST(token.size() == real.size());
    // No mail for nobody; whatever the code, it is a bad token.
    accounts::request_password_reset(services, "nobody@example.org", client);
    BOOST_TEST(mails_to("nobody@example.org").empty());
    for (const char* code : {"000000", "123456", "999999"})
        BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "ResetTokenInvalid");
    // Not even with a real code mailed to alice.
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto code = reset_code_mailed_to("alice@example.org");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "ResetTokenInvalid");
    auto confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "ResetTokenInvalid");
    // Alice's own code was not used up by that.
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, real, code)) == "Ok");
    // Nor does it pass when that email signs up later.
    make_user("nobody@example.org");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, "123456")) == "ResetTokenInvalid");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, "garbage", "123456")) == "ResetTokenInvalid");
}

BOOST_AUTO_TEST_CASE(full_reset_by_code_with_the_mailed_code) {
    const auto alice = make_user("alice@example.org", test::kGoodPassword, false);
    const auto session = accounts::start_session(services, alice, true, client);
    const auto jwt = accounts::open_jwt_login(services, alice, client);
    const auto api_key = accounts::open_token_login(services, alice, client);

    BOOST_TEST(accounts::request_password_reset(services, "alice@example.org", client).has_value());
    const auto token = accounts::api_reset_token(services, "alice@example.org");
    const auto code = reset_code_mailed_to("alice@example.org");
    const auto mailed = mails_to("alice@example.org").back();
    // The mail also links to the page for the same reset.
    BOOST_TEST(!test::token_in(mailed.text_body, "/accounts/password/reset/").empty());

    clock.advance(60s);
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "Ok");
    auto confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "Ok");

    const auto after = reload(alice.id);
    BOOST_TEST(services.hasher.verify(kNewPassword, after.password_hash));
    BOOST_TEST(!services.hasher.verify(test::kGoodPassword, after.password_hash));
    BOOST_TEST(after.is_verified);  // the mailed code proves the address
    // A password-changed mail.
    BOOST_TEST(mails_to("alice@example.org").size() == 2u);

    // Every login has ended.
    BOOST_TEST(accounts::live_logins(services, alice.id).empty());
    BOOST_TEST(!accounts::resume_session(services, session.id, client).has_value());
    BOOST_TEST(!accounts::authenticate_access(services, jwt.access).has_value());
    BOOST_TEST(!accounts::rotate_refresh(services, jwt.refresh, client).has_value());
    BOOST_TEST(!accounts::authenticate_token(services, api_key).has_value());

    // The token is single use.
    confirm = accounts::confirm_reset_by_code(services, token, "Another-Password-77");
    BOOST_TEST(outcome_of(confirm) == "ResetTokenInvalid");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "ResetTokenInvalid");
    BOOST_TEST(services.hasher.verify(kNewPassword, reload(alice.id).password_hash));
}

BOOST_AUTO_TEST_CASE(confirm_before_check_is_not_checked) {
    const auto alice = make_user("alice@example.org");
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto token = accounts::api_reset_token(services, "alice@example.org");
    const auto code = reset_code_mailed_to("alice@example.org");
    auto confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "ResetCodeNotChecked");
    BOOST_TEST(services.hasher.verify(test::kGoodPassword, reload(alice.id).password_hash));
    // A failed check does not count either.
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, other_code(code))) == "CodeInvalid");
    confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "ResetCodeNotChecked");
    // After a good check, it goes through.
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "Ok");
    confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "Ok");
}

BOOST_AUTO_TEST_CASE(a_check_is_for_its_own_token) {
    make_user("alice@example.org");
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto code = reset_code_mailed_to("alice@example.org");
    const auto checked = accounts::api_reset_token(services, "alice@example.org");
    clock.advance(1s);
    const auto other = accounts::api_reset_token(services, "alice@example.org");
    BOOST_REQUIRE(checked != other);
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, checked, code)) == "Ok");
    auto confirm = accounts::confirm_reset_by_code(services, other, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "ResetCodeNotChecked");
}

BOOST_AUTO_TEST_CASE(reset_code_wrong_tries_and_weak_passwords) {
    const auto alice = make_user("alice@example.org");
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto token = accounts::api_reset_token(services, "alice@example.org");
    const auto code = reset_code_mailed_to("alice@example.org");
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, other_code(code))) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "CodeExpired");

    // A new code; a weak password is refused with field errors and leaves the password and the check alone.
    clock.advance(60s);
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto code2 = reset_code_mailed_to("alice@example.org");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code2)) == "Ok");
    for (const char* weak : {"", "password", "12345678"}) {
        auto confirm = accounts::confirm_reset_by_code(services, token, weak);
        BOOST_REQUIRE(!confirm.has_value());
        BOOST_TEST(confirm.error().outcome == Outcome::Invalid);
        BOOST_TEST(confirm.error().errors.count("new_password") == 1u);
    }
    BOOST_TEST(services.hasher.verify(test::kGoodPassword, reload(alice.id).password_hash));
    auto confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "Ok");
}

BOOST_AUTO_TEST_CASE(a_password_change_kills_the_reset_token) {
    const auto alice = make_user("alice@example.org");
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto token = accounts::api_reset_token(services, "alice@example.org");
    const auto code = reset_code_mailed_to("alice@example.org");
    BOOST_TEST(outcome_of(accounts::check_reset_code(services, token, code)) == "Ok");
    store::UserStore(db).set_password_hash(alice.id, services.hasher.hash(test::kOtherPassword));
    auto confirm = accounts::confirm_reset_by_code(services, token, kNewPassword);
    BOOST_TEST(outcome_of(confirm) == "ResetTokenInvalid");
    BOOST_TEST(services.hasher.verify(test::kOtherPassword, reload(alice.id).password_hash));
}

BOOST_AUTO_TEST_CASE(the_reset_token_expires_after_an_hour) {
    make_user("alice@example.org");
    accounts::request_password_reset(services, "alice@example.org", client);
    const auto token = accounts::api_reset_token(services, "alice@example.org");
    const auto code = reset_code_mailed_to("alice@example.org");
    clock.advance(3601s);
    const auto check = outcome_of(accounts::check_reset_code(services, token, code));
    BOOST_TEST((check == "ResetTokenInvalid" || check == "CodeExpired"), "got " << check);
    BOOST_TEST(check != "Ok");
}

BOOST_AUTO_TEST_SUITE_END()
