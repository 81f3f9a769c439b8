// The second factor (accounts/totp.hpp, accounts/mfa.hpp, the login's second step): liboath's TOTP
// against RFC 6238's own vectors, the set-up, replay, the secret sealed at rest, recovery codes used
// once, the pending login's tries, and the staff rule.
#include "accounts_fixture.hpp"

#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/accounts/totp.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/mfa.hpp"

using namespace gatehouse;
using test::outcome_of;

namespace {

// RFC 6238 appendix B: the SHA-1 seed (20 ASCII bytes) and its 8-digit codes.
constexpr const char* kRfcSecret = "12345678901234567890";
struct Vector {
    std::int64_t time;
    const char* code;
};
constexpr Vector kRfcVectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                                  {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};

struct MfaFixture : test::AccountsFixture {
    // A user with a confirmed authenticator; its raw secret and recovery codes.
    struct Enrolled {
        store::User user;
        std::string secret;
        std::vector<std::string> codes;
    };
    Enrolled enrolled(const std::string& email) {
        auto user = make_user(email);
        auto setup = accounts::begin_totp(services, user);
        BOOST_TEST_REQUIRE(setup.has_value());
        auto secret = accounts::base32_decode(setup->secret);
        BOOST_TEST_REQUIRE(secret.has_value());
        auto codes = accounts::confirm_totp(services, user, accounts::totp_code(*secret, services.now()), client.ip);
        BOOST_TEST_REQUIRE(codes.has_value());
        clock.advance(std::chrono::seconds(30));  // the next code is a new step
        return {reload(user.id), *secret, *codes};
    }
    std::string now_code(const std::string& secret) { return accounts::totp_code(secret, services.now()); }
    std::expected<accounts::LoggedIn, accounts::Refusal> second_step(const std::string& token, const std::string& code,
                                                                     accounts::LoginKind kind = accounts::LoginKind::Token) {
        return accounts::complete_mfa_login(services, {token, code, kind, false, {}, client});
    }
    std::int64_t audit_count(const std::string& action) {
        auto q = db.query("SELECT COUNT(*) FROM audit_log WHERE action = ?");
        q.bind(1, action);
        q.step();
        return q.row().column_int(0);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mfa)

BOOST_AUTO_TEST_CASE(liboath_gives_the_rfc_6238_sha1_vectors) {
    for (const auto& v : kRfcVectors) {
        BOOST_TEST_CONTEXT("T=" << v.time) {
            BOOST_TEST(accounts::totp_code(kRfcSecret, v.time, 8) == v.code);
            BOOST_TEST(accounts::totp_match(kRfcSecret, v.time, v.code).value_or(-1) == v.time / 30);
            // The apps' 6 digits are the last 6 of the same truncation.
            BOOST_TEST(accounts::totp_code(kRfcSecret, v.time) == std::string(v.code).substr(2));
            BOOST_TEST(accounts::totp_match(kRfcSecret, v.time, std::string(v.code).substr(2)).has_value());
        }
    }
    BOOST_TEST(!accounts::totp_match(kRfcSecret, 59, "94287083").has_value());
    BOOST_TEST(!accounts::totp_match(kRfcSecret, 59, "28708x").has_value());
    BOOST_TEST(!accounts::totp_match(kRfcSecret, 59, "").has_value());
}

BOOST_AUTO_TEST_CASE(one_step_either_side_and_no_further) {
    const std::int64_t t = 1111111111;
    for (int steps : {-1, 0, 1}) BOOST_TEST(accounts::totp_match(kRfcSecret, t, accounts::totp_code(kRfcSecret, t + 30 * steps)).has_value(), steps);
    for (int steps : {-3, -2, 2, 3}) BOOST_TEST(!accounts::totp_match(kRfcSecret, t, accounts::totp_code(kRfcSecret, t + 30 * steps)).has_value(), steps);
}

BOOST_AUTO_TEST_CASE(base32_as_the_apps_write_it) {
    BOOST_TEST(accounts::base32_encode(kRfcSecret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    BOOST_TEST(accounts::base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").value_or("") == kRfcSecret);
    BOOST_TEST(!accounts::base32_decode("not base32!").has_value());
    BOOST_TEST(accounts::otpauth_uri("Gatehouse", "a b@example.com", "ABC") ==
               "otpauth://totp/Gatehouse:a%20b@example.com?secret=ABC&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30");
}

BOOST_FIXTURE_TEST_CASE(the_secret_is_sealed_at_rest, MfaFixture) {
    auto user = make_user("sealed@example.com");
    auto setup = accounts::begin_totp(services, user);
    BOOST_TEST_REQUIRE(setup.has_value());
    const auto secret = accounts::base32_decode(setup->secret).value();
    const auto row = store::MfaStore(db).find_totp(user.id).value();
    BOOST_TEST(row.sealed_secret.find(setup->secret) == std::string::npos);
    const auto stored = core::base64_decode(row.sealed_secret).value();
    BOOST_TEST(stored.find(secret) == std::string::npos, "the raw secret is in the column");
    BOOST_TEST(core::open_sealed(core::derive_key(config.secret_key, "mfa-totp-secret"), stored).value_or("") == secret);
    BOOST_TEST(!core::open_sealed(core::derive_key("another secret key", "mfa-totp-secret"), stored).has_value());
    BOOST_TEST(!core::open_sealed(core::derive_key(config.secret_key, "another purpose"), stored).has_value());
    BOOST_TEST(setup->uri.starts_with("otpauth://totp/Gatehouse:sealed@example.com?secret=" + setup->secret));
}

BOOST_FIXTURE_TEST_CASE(a_setup_takes_effect_only_once_confirmed_in_time, MfaFixture) {
    auto user = make_user("confirm@example.com");
    BOOST_TEST(outcome_of(accounts::confirm_totp(services, user, "123456", "")) == "MfaNotPending");
    auto setup = accounts::begin_totp(services, user);
    const auto secret = accounts::base32_decode(setup->secret).value();
    BOOST_TEST(!accounts::has_totp(services, user.id));
    BOOST_TEST(test::outcome_of(password_login("confirm@example.com", test::kGoodPassword)) == "Ok", "pending changes nothing");
    BOOST_TEST(outcome_of(accounts::confirm_totp(services, user, "000000", "")) == "CodeInvalid");
    clock.advance(std::chrono::seconds(accounts::kTotpSetupSeconds));
    BOOST_TEST(outcome_of(accounts::confirm_totp(services, user, now_code(secret), "")) == "MfaNotPending");
    setup = accounts::begin_totp(services, user);
    const auto fresh = accounts::base32_decode(setup->secret).value();
    BOOST_TEST(fresh != secret);
    auto codes = accounts::confirm_totp(services, user, now_code(fresh), "192.0.2.1");
    BOOST_TEST_REQUIRE(codes.has_value());
    BOOST_TEST(codes->size() == 10u);
    BOOST_TEST(accounts::has_totp(services, user.id));
    BOOST_TEST(outcome_of(accounts::begin_totp(services, user)) == "MfaAlreadyEnabled");
    BOOST_TEST(audit_count("mfa_enable") == 1);
    BOOST_TEST(mails_to("confirm@example.com").back().subject == "Two-factor authentication was turned on");
}

BOOST_FIXTURE_TEST_CASE(a_code_is_accepted_once_and_never_an_earlier_one, MfaFixture) {
    auto e = enrolled("replay@example.com");
    const std::string earlier = accounts::totp_code(e.secret, services.now() - 30);  // still in the window
    const std::string code = now_code(e.secret);
    BOOST_TEST(accounts::check_second_factor(services, e.user, code, "").value_or("") == "totp");
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, code, "")) == "CodeInvalid", "a replay");
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, earlier, "")) == "CodeInvalid", "an earlier step");
    clock.advance(std::chrono::seconds(30));
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, now_code(e.secret), "")) == "Ok");
}

BOOST_FIXTURE_TEST_CASE(recovery_codes_work_once_each_and_are_stored_hashed, MfaFixture) {
    auto e = enrolled("recovery@example.com");
    BOOST_TEST(e.codes.size() == 10u);
    for (const auto& code : store::MfaStore(db).unused_codes(e.user.id))
        for (const auto& shown : e.codes) BOOST_TEST(code.code_hash.find(shown.substr(0, 5)) == std::string::npos);
    const std::string typed = " " + e.codes[3].substr(0, 5) + " " + e.codes[3].substr(6) + " ";  // spaces, no dash
    std::transform(e.codes[3].begin(), e.codes[3].end(), e.codes[3].begin(), ::toupper);
    BOOST_TEST(accounts::check_second_factor(services, e.user, typed, "").value_or("") == "recovery code");
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, e.codes[3], "")) == "CodeInvalid", "used twice");
    BOOST_TEST(accounts::mfa_status(services, e.user).recovery_codes_left == 9);
    BOOST_TEST(audit_count("mfa_recovery_code_used") == 1);
    BOOST_TEST(mails_to("recovery@example.com").back().subject == "A recovery code was used");
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, "abcde-fghij", "")) == "CodeInvalid");

    // New codes need the password or a current code; the old ones die.
    BOOST_TEST(outcome_of(accounts::regenerate_recovery_codes(services, e.user, {"wrong", ""}, "")) == "Invalid");
    BOOST_TEST(outcome_of(accounts::regenerate_recovery_codes(services, e.user, {"", ""}, "")) == "Invalid");
    auto fresh = accounts::regenerate_recovery_codes(services, e.user, {test::kGoodPassword, ""}, "");
    BOOST_TEST_REQUIRE(fresh.has_value());
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, e.codes[0], "")) == "CodeInvalid");
    BOOST_TEST(outcome_of(accounts::check_second_factor(services, e.user, fresh->at(0), "")) == "Ok");
    BOOST_TEST(audit_count("mfa_recovery_codes") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_password_login_waits_for_the_second_factor, MfaFixture) {
    auto e = enrolled("second@example.com");
    const auto logins_before = audit_count("login");
    auto first = password_login("second@example.com", test::kGoodPassword);
    BOOST_TEST_REQUIRE(outcome_of(first) == "MfaRequired");
    const std::string token = first.error().subject;
    BOOST_TEST(token.starts_with("token."));
    BOOST_TEST(password_login("second@example.com", test::kGoodPassword).error().subject != token,
               "two logins in one second get two tokens");
    BOOST_TEST(audit_count("login") == logins_before, "no login before the code");
    BOOST_TEST(outcome_of(second_step(token, now_code(e.secret), accounts::LoginKind::Jwt)) == "MfaTokenInvalid",
               "a token for another kind of login");
    BOOST_TEST(outcome_of(second_step("token.garbage", now_code(e.secret))) == "MfaTokenInvalid");
    auto in = second_step(token, now_code(e.secret));
    BOOST_TEST_REQUIRE(in.has_value());
    BOOST_TEST(in->api_token.size() == 40u);
    BOOST_TEST(audit_count("login") == logins_before + 1);
    clock.advance(std::chrono::seconds(30));
    BOOST_TEST(outcome_of(second_step(token, now_code(e.secret))) == "MfaTokenInvalid", "a token is good once");

    // Expired after 5 minutes.
    auto late = password_login("second@example.com", test::kGoodPassword);
    clock.advance(std::chrono::seconds(accounts::kMfaLoginSeconds));
    BOOST_TEST(outcome_of(second_step(late.error().subject, now_code(e.secret))) == "MfaTokenInvalid");
}

BOOST_FIXTURE_TEST_CASE(five_wrong_codes_end_the_pending_login_and_count_as_failed_logins, MfaFixture) {
    auto e = enrolled("tries@example.com");
    const std::string token = password_login("tries@example.com", test::kGoodPassword).error().subject;
    for (int i = 1; i <= 4; ++i) BOOST_TEST(outcome_of(second_step(token, "000000")) == "CodeInvalid", i);
    BOOST_TEST(outcome_of(second_step(token, "000000")) == "MfaTokenInvalid", "the 5th wrong code ends it");
    BOOST_TEST(outcome_of(second_step(token, now_code(e.secret))) == "MfaTokenInvalid", "even with the right code");
    // They were failed logins of the account: the next password login is throttled.
    BOOST_TEST(outcome_of(password_login("tries@example.com", test::kGoodPassword)) == "Throttled");
}

BOOST_FIXTURE_TEST_CASE(a_remembered_browser_skips_the_step_until_the_password_or_factor_changes, MfaFixture) {
    auto e = enrolled("remember@example.com");
    const std::string token = accounts::remember_browser_token(services, e.user);
    auto browser_login = [&](const std::string& remembered) {
        return accounts::log_in(services, {accounts::PasswordCredential{"remember@example.com", test::kGoodPassword},
                                           accounts::LoginKind::Session, false, {}, client, remembered});
    };
    BOOST_TEST(outcome_of(browser_login(token)) == "Ok");
    BOOST_TEST(outcome_of(browser_login("")) == "MfaRequired");
    auto other = make_user("other@example.com");
    BOOST_TEST(!accounts::browser_remembered(services, other, token), "bound to its user");
    BOOST_TEST(accounts::reset_mfa(services, accounts::operator_actor("root"), e.user));
    auto again = accounts::begin_totp(services, e.user);
    accounts::confirm_totp(services, e.user, now_code(accounts::base32_decode(again->secret).value()), "");
    BOOST_TEST(outcome_of(browser_login(token)) == "MfaRequired", "a new set-up forgets remembered browsers");
    const std::string second = accounts::remember_browser_token(services, reload(e.user.id));
    BOOST_TEST(outcome_of(browser_login(second)) == "Ok");
    store::UserStore(db).set_password_hash(e.user.id, services.hasher.hash(test::kGoodPassword));
    BOOST_TEST(outcome_of(browser_login(second)) == "MfaRequired", "a password change forgets them");
}

BOOST_FIXTURE_TEST_CASE(disabling_needs_the_password_or_a_code_and_reset_removes_everything, MfaFixture) {
    auto e = enrolled("disable@example.com");
    BOOST_TEST(outcome_of(accounts::disable_totp(services, e.user, {"wrong", ""}, "")) == "Invalid");
    BOOST_TEST(outcome_of(accounts::disable_totp(services, e.user, {"", "000000"}, "")) == "Invalid");
    BOOST_TEST(outcome_of(accounts::disable_totp(services, e.user, {"", now_code(e.secret)}, "")) == "Ok");
    BOOST_TEST(!accounts::has_totp(services, e.user.id));
    BOOST_TEST(audit_count("mfa_disable") == 1);
    BOOST_TEST(outcome_of(accounts::disable_totp(services, e.user, {test::kGoodPassword, ""}, "")) == "MfaNotEnabled");
    BOOST_TEST(outcome_of(password_login("disable@example.com", test::kGoodPassword)) == "Ok");

    auto r = enrolled("reset@example.com");
    BOOST_TEST(accounts::reset_mfa(services, accounts::operator_actor("root"), r.user));
    BOOST_TEST(!accounts::reset_mfa(services, accounts::operator_actor("root"), r.user), "nothing left to reset");
    BOOST_TEST(store::MfaStore(db).count_unused(r.user.id) == 0);
    BOOST_TEST(audit_count("mfa_reset") == 1);
}

BOOST_FIXTURE_TEST_CASE(staff_without_a_second_factor_are_refused_staff_work, MfaFixture) {
    BOOST_TEST(core::make_config({}, {}).staff_require_mfa, "on by default");
    config.staff_require_mfa = true;
    auto staff = make_user("staff@example.com");
    staff.is_staff = true;
    auto plain = make_user("plain@example.com");
    BOOST_TEST(accounts::staff_refusal(services, plain)->outcome == accounts::Outcome::Forbidden);
    BOOST_TEST(accounts::staff_refusal(services, staff)->outcome == accounts::Outcome::MfaEnrollmentRequired);
    BOOST_TEST(outcome_of(accounts::list_users(services, staff, {})) == "MfaEnrollmentRequired");
    BOOST_TEST(outcome_of(accounts::find_user_as(services, staff, plain.id)) == "MfaEnrollmentRequired");
    BOOST_TEST(outcome_of(accounts::find_user_as(services, staff, staff.id)) == "Ok", "its own account still");
    auto setup = accounts::begin_totp(services, staff);
    accounts::confirm_totp(services, staff, now_code(accounts::base32_decode(setup->secret).value()), "");
    BOOST_TEST(!accounts::staff_refusal(services, staff).has_value());
    BOOST_TEST(outcome_of(accounts::list_users(services, staff, {})) == "Ok");
    config.staff_require_mfa = false;
    auto other = make_user("staff2@example.com");
    other.is_staff = true;
    BOOST_TEST(!accounts::staff_refusal(services, other).has_value(), "GATEHOUSE_STAFF_REQUIRE_MFA=0");
}

BOOST_AUTO_TEST_SUITE_END()
