// Two-factor authentication end to end (README: *Two-factor authentication*), on a stack of its own
// with the default GATEHOUSE_STAFF_REQUIRE_MFA=1: the codes come from an independent TOTP
// implementation (python3-pyotp, run by the test), never from Gatehouse's own code. Enrolment in the
// browser (QR code, secret, confirmation, recovery codes shown once), the login's second step in the
// browser and the API with TOTP and recovery codes (a used code and a replayed code refused), 5 wrong
// codes end the pending login, "remember this browser", staff forced to enrol, turning it off needs
// the password, and the operator's reset-mfa.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "http_client.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <ctime>
#include <regex>
#include <string>
#include <vector>

using namespace gatehouse::e2e;
namespace api = gatehouse::e2e::api;

namespace {

Stack& mfa_stack() {
    static Stack stack([] {
        StackOptions options;
        options.staff_require_mfa = true;
        return options;
    }());
    return stack;
}

// pyotp's code for this base32 secret, now or `offset` seconds from now.
std::string pyotp(const std::string& secret, long offset = 0) { return api::pyotp_code(mfa_stack().dir(), secret, offset); }

std::string first_match(const std::string& text, const std::string& pattern) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern))) return {};
    return m[1];
}

std::vector<std::string> recovery_codes_in(const std::string& html) {
    std::vector<std::string> codes;
    static const std::regex code(R"(<code>([a-z2-7]{5}-[a-z2-7]{5})</code>)");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), code); it != std::sregex_iterator(); ++it)
        codes.push_back((*it)[1]);
    return codes;
}

// Waits (bounded) for a mail to the address with this subject.
bool mailed(const Stack& stack, const std::string& email, const std::string& subject) {
    Mailbox mailbox(stack);
    return wait_until(std::chrono::seconds(10), [&] {
        for (const auto& mail : mailbox.to(email))
            if (mail.subject == subject) return true;
        return false;
    });
}

struct ApiEnrolled {
    std::string token;  // an API token from before the set-up
    std::string secret;
    std::vector<std::string> codes;
};

// A verified user who set up TOTP through the API (confirmed with pyotp's current code).
ApiEnrolled api_enrolled(const std::string& email) {
    api::ApiClient client(mfa_stack());
    api::verified_user(client, email);
    ApiEnrolled e;
    e.token = api::api_token(client, email);
    const auto begin = client.post("/api/auth/mfa/totp/", api::json::object(), api::token_auth(e.token));
    BOOST_TEST_REQUIRE(begin.status == 200, api::show(begin));
    e.secret = begin.json().at("secret");
    BOOST_TEST(contains(begin.json().at("qr_svg").get<std::string>(), "<svg"));
    const auto confirm = client.post("/api/auth/mfa/totp/confirm/", {{"code", pyotp(e.secret)}}, api::token_auth(e.token));
    BOOST_TEST_REQUIRE(confirm.status == 200, api::show(confirm));
    const api::json answer = confirm.json();
    for (const auto& code : answer.at("recovery_codes")) e.codes.push_back(code);
    BOOST_TEST_REQUIRE(e.codes.size() == 10u);
    return e;
}

// The login page's answer for a user with TOTP: the code step, with its hidden token.
std::string code_step(Browser& browser, const std::string& email, bool remember = false) {
    const auto r = log_in(browser, email, api::kPassword, remember);
    BOOST_TEST_REQUIRE(r.status == 200, "login: " << r.status << " " << r.body.substr(0, 300));
    BOOST_TEST(contains(r.body, "Enter your code"));
    BOOST_TEST(!browser.cookie("sessionid").has_value(), "a session before the second factor");
    const auto token = input_value(r.body, "mfa_token");
    BOOST_TEST_REQUIRE(token.has_value());
    return *token;
}

HttpResponse send_code(Browser& browser, const std::string& token, const std::string& code, bool remember_browser = false) {
    HeaderList fields = {{"mfa_token", token}, {"code", code}, {"next", ""}, {"remember", ""}};
    if (remember_browser) fields.emplace_back("remember_browser", "1");
    return browser.post("/accounts/login/2fa/", fields);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mfa_e2e)

BOOST_AUTO_TEST_CASE(enrol_in_the_browser_then_log_in_with_totp_and_recovery_codes) {
    Stack& stack = mfa_stack();
    const std::string email = unique_email("mfa-browser");
    sign_up_verified(stack, email, api::kPassword);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email, api::kPassword).status == 302);
    BOOST_TEST(contains(browser.get("/accounts/2fa/").body, "is <strong>off</strong>"));
    const auto setup = browser.submit("/accounts/2fa/", {{"action", "begin"}});
    BOOST_TEST_REQUIRE(setup.status == 200);
    BOOST_TEST(contains(setup.body, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    const std::string secret = first_match(setup.body, R"(id="totp-secret">([A-Z2-7]+)<)");
    BOOST_TEST_REQUIRE(secret.size() == 32u, setup.body.substr(0, 2000));
    BOOST_TEST(contains(setup.body, "otpauth://totp/Gatehouse:" + email.substr(0, email.find('@'))));
    BOOST_TEST(contains(setup.body, "secret=" + secret + "&amp;issuer=Gatehouse"));

    const auto wrong = browser.post("/accounts/2fa/", {{"action", "confirm"}, {"code", "000000"}});
    BOOST_TEST(contains(wrong.body, "The code is not valid."));
    const auto on = browser.post("/accounts/2fa/", {{"action", "confirm"}, {"code", pyotp(secret)}});
    BOOST_TEST_REQUIRE(on.status == 200);
    const auto codes = recovery_codes_in(on.body);
    BOOST_TEST_REQUIRE(codes.size() == 10u, on.body.substr(0, 2000));
    BOOST_TEST(contains(on.body, "id=\"codes-left\">10<"));
    BOOST_TEST(recovery_codes_in(browser.get("/accounts/2fa/").body).empty(), "the codes show once only");
    BOOST_TEST(mailed(stack, email, "Two-factor authentication was turned on"));

    // The login's second step with the next step's TOTP code (pyotp, 30 s ahead: inside the window,
    // and newer than the step the confirmation spent).
    Browser second(stack);
    const std::string code = pyotp(secret, 30);
    auto r = send_code(second, code_step(second, email), code);
    BOOST_TEST_REQUIRE(r.status == 302, r.body.substr(0, 500));
    BOOST_TEST(second.cookie("sessionid").has_value());
    BOOST_TEST(second.get("/accounts/profile/").status == 200);

    // The same code again: a replay.
    Browser third(stack);
    const std::string token = code_step(third, email);
    r = send_code(third, token, code);
    BOOST_TEST(r.status == 200, r.header("location").value_or("") << " " << third.follow(r).body.substr(0, 1500));
    BOOST_TEST(error_next_to(r.body, "code", "The code is not valid."));
    BOOST_TEST(!third.cookie("sessionid").has_value());
    // A recovery code instead (typed in capitals): in; the same code once more: refused.
    std::string shouted = codes[0];
    for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    BOOST_TEST(send_code(third, token, shouted).status == 302);
    BOOST_TEST(mailed(stack, email, "A recovery code was used"));
    Browser fourth(stack);
    r = send_code(fourth, code_step(fourth, email), codes[0]);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(error_next_to(r.body, "code", "The code is not valid."));
    BOOST_TEST(contains(browser.get("/accounts/2fa/").body, "id=\"codes-left\">9<"));

    // Remember this browser: the next login skips the step.
    Browser remembered(stack);
    BOOST_TEST(send_code(remembered, code_step(remembered, email), codes[1], true).status == 302);
    BOOST_TEST(remembered.cookie("mfa_remember").has_value());
    BOOST_TEST(remembered.submit("/accounts/logout/", {}).status == 302);
    BOOST_TEST(log_in(remembered, email, api::kPassword).status == 302, "a remembered browser goes straight in");

    // Turning it off needs the password.
    r = browser.submit("/accounts/2fa/", {{"action", "disable"}, {"password", "not-my-password"}});
    BOOST_TEST(contains(r.body, "The password is not correct."));
    BOOST_TEST(contains(r.body, "is <strong>on</strong>"));
    r = browser.submit("/accounts/2fa/", {{"action", "disable"}, {"password", api::kPassword}});
    BOOST_TEST(r.status == 302);
    BOOST_TEST(contains(browser.follow(r).body, "Two-factor authentication is off."));
    BOOST_TEST(mailed(stack, email, "Two-factor authentication was turned off"));
    Browser after(stack);
    BOOST_TEST(log_in(after, email, api::kPassword).status == 302, "a password login again");
}

BOOST_AUTO_TEST_CASE(five_wrong_codes_end_the_pending_login) {
    const std::string email = unique_email("mfa-tries");
    const auto e = api_enrolled(email);
    Browser browser(mfa_stack());
    const std::string token = code_step(browser, email);
    for (int i = 1; i <= 4; ++i) {
        const auto r = send_code(browser, token, "000000");
        BOOST_TEST(r.status == 200, i);
        BOOST_TEST(error_next_to(r.body, "code", "The code is not valid."), i);
    }
    const auto fifth = send_code(browser, token, "000000");
    BOOST_TEST(fifth.status == 302);
    BOOST_TEST(fifth.header("location").value_or("").starts_with("/accounts/login/"));
    BOOST_TEST(contains(browser.follow(fifth).body, "Log in again."));
    const auto late = send_code(browser, token, e.codes[0]);
    BOOST_TEST(late.status == 302, "the right code no longer helps");
    BOOST_TEST(!browser.cookie("sessionid").has_value());
}

BOOST_AUTO_TEST_CASE(api_logins_with_totp_and_recovery_codes) {
    const std::string email = unique_email("mfa-api");
    auto e = api_enrolled(email);
    api::ApiClient client(mfa_stack());
    const api::json credentials = {{"email", email}, {"password", api::kPassword}};

    auto r = client.post("/api/auth/token/", credentials);
    BOOST_TEST_REQUIRE(api::is_error(r, 401, "mfa_required"));
    const std::string jwt_token = r.json().at("mfa_token");
    BOOST_TEST(jwt_token.starts_with("jwt."));
    BOOST_TEST(!r.json().contains("access"));
    const std::string code = pyotp(e.secret, 30);
    r = client.post("/api/auth/mfa/verify/", {{"mfa_token", jwt_token}, {"code", code}});
    BOOST_TEST_REQUIRE(r.status == 200, api::show(r));
    BOOST_TEST((api::keys_of(r.json()) == std::set<std::string>{"access", "refresh", "user"}));
    BOOST_TEST(api::me_status(client, api::bearer(r.json().at("access"))) == 200);
    BOOST_TEST(api::is_error(client.post("/api/auth/mfa/verify/", {{"mfa_token", jwt_token}, {"code", code}}), 401,
                             "mfa_token_invalid"), "a token is good once");

    r = client.post("/api/auth/token/", credentials);
    BOOST_TEST(api::is_error(client.post("/api/auth/mfa/verify/", {{"mfa_token", r.json().at("mfa_token")}, {"code", code}}),
                             400, "otp_invalid"), "a replayed code");

    r = client.post("/api/auth/login/", credentials);
    BOOST_TEST_REQUIRE(api::is_error(r, 401, "mfa_required"));
    const std::string token_token = r.json().at("mfa_token");
    BOOST_TEST(token_token.starts_with("token."));
    r = client.post("/api/auth/mfa/verify/", {{"mfa_token", token_token}, {"code", e.codes[2]}});
    BOOST_TEST_REQUIRE(r.status == 200, api::show(r));
    BOOST_TEST((api::keys_of(r.json()) == std::set<std::string>{"email", "token", "user_id"}));
    const std::string key = r.json().at("token");
    r = client.post("/api/auth/login/", credentials);
    BOOST_TEST(api::is_error(client.post("/api/auth/mfa/verify/", {{"mfa_token", r.json().at("mfa_token")}, {"code", e.codes[2]}}),
                             400, "otp_invalid"), "a recovery code used twice");

    r = client.get("/api/auth/mfa/", api::token_auth(key));
    BOOST_TEST((r.json() == api::json{{"totp", true}, {"pending", false}, {"recovery_codes_left", 9}}));
    BOOST_TEST(api::is_validation(client.post("/api/auth/mfa/recovery-codes/", {{"password", "wrong"}}, api::token_auth(key)),
                                  {"password"}));
    r = client.post("/api/auth/mfa/recovery-codes/", {{"password", api::kPassword}}, api::token_auth(key));
    BOOST_TEST_REQUIRE(r.status == 200, api::show(r));
    BOOST_TEST(r.json().at("recovery_codes").size() == 10u);
    BOOST_TEST(api::is_validation(client.post("/api/auth/mfa/totp/disable/", {{"password", "wrong"}}, api::token_auth(key)),
                                  {"password"}));
    BOOST_TEST(client.post("/api/auth/mfa/totp/disable/", {{"password", api::kPassword}}, api::token_auth(key)).status == 200);
    BOOST_TEST(client.post("/api/auth/token/", credentials).status == 200, "a plain login again");
}

BOOST_AUTO_TEST_CASE(staff_must_enrol_before_staff_work) {
    Stack& stack = mfa_stack();
    const std::string email = unique_email("mfa-staff");
    sign_up_verified(stack, email, api::kPassword);
    BOOST_TEST_REQUIRE(run_gatehouse(stack, "users set-staff '" + email + "'") == 0);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email, api::kPassword).status == 302);
    const auto admin = browser.get("/admin/users/");
    BOOST_TEST(admin.status == 302);
    BOOST_TEST(admin.header("location").value_or("") == "/accounts/2fa/");
    BOOST_TEST(contains(browser.follow(admin).body, "Staff must set up two-factor authentication"));

    api::ApiClient client(stack);
    const std::string key = api::api_token(client, email);
    BOOST_TEST(api::is_error(client.get("/api/users/", api::token_auth(key)), 403, "mfa_enrollment_required"));
    BOOST_TEST(client.get("/api/me/", api::token_auth(key)).status == 200, "its own account still works");
    const auto begin = client.post("/api/auth/mfa/totp/", api::json::object(), api::token_auth(key));
    BOOST_TEST_REQUIRE(begin.status == 200);
    BOOST_TEST(client.post("/api/auth/mfa/totp/confirm/", {{"code", pyotp(begin.json().at("secret"))}}, api::token_auth(key)).status == 200);
    BOOST_TEST(client.get("/api/users/", api::token_auth(key)).status == 200);
    BOOST_TEST(browser.get("/admin/users/").status == 200);
}

BOOST_AUTO_TEST_CASE(the_operator_resets_a_lost_phone) {
    Stack& stack = mfa_stack();
    const std::string email = unique_email("mfa-reset");
    api_enrolled(email);
    api::ApiClient client(stack);
    const api::json credentials = {{"email", email}, {"password", api::kPassword}};
    BOOST_TEST(api::is_error(client.post("/api/auth/token/", credentials), 401, "mfa_required"));
    BOOST_TEST(run_gatehouse(stack, "users reset-mfa '" + email + "'") == 0);
    BOOST_TEST(client.post("/api/auth/token/", credentials).status == 200);
    BOOST_TEST(mailed(stack, email, "Two-factor authentication was reset"));
    const auto audit = run_gatehouse_output(stack, "audit --user '" + email + "' --json");
    BOOST_TEST(audit.status == 0);
    BOOST_TEST(contains(audit.out, "\"mfa_reset\""));
    BOOST_TEST(contains(audit.out, "command line ("));
    BOOST_TEST(run_gatehouse(stack, "users reset-mfa nobody@example.com") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
