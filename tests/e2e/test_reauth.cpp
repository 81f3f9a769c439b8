// Re-authentication for sensitive actions (README: *Re-authentication*), through nginx on a stack of
// its own whose window is 2 seconds (GATEHOUSE_REAUTH_SECONDS=2): a fresh login may act, a login
// older than the window is sent to /accounts/reauthenticate/ (pages) or answered 403
// reauthentication_required (API) until the password — or, for a phone-only user, an SMS code — is
// given again, and the browser then continues where it was.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <thread>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;
namespace api = gatehouse::e2e::api;

namespace {

constexpr auto kPastTheWindow = 2500ms;  // GATEHOUSE_REAUTH_SECONDS=2, and then some

struct ReauthStack {
    static inline std::unique_ptr<Stack> instance;
    ReauthStack() {
        StackOptions o;
        o.env = {{"GATEHOUSE_REAUTH_SECONDS", "2"}};
        instance = std::make_unique<Stack>(o);
    }
    ~ReauthStack() { instance.reset(); }
    static Stack& get() {
        if (!instance) throw std::runtime_error("the re-authentication stack did not start");
        return *instance;
    }
};

const std::string kNewPassword = "N3w-Battery-Staple-Horse";

}  // namespace

BOOST_AUTO_TEST_SUITE(reauth, *boost::unit_test::fixture<ReauthStack>())

BOOST_AUTO_TEST_CASE(browser_asks_for_the_password_once_the_window_passed_and_continues_to_next) {
    auto& stack = ReauthStack::get();
    const std::string email = unique_email("reauth");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    BOOST_TEST(browser.get("/accounts/password/change/").status == 200, "a fresh login may act at once");

    std::this_thread::sleep_for(kPastTheWindow);
    const auto asked = browser.get("/accounts/password/change/");
    BOOST_TEST_REQUIRE(asked.status == 302);
    BOOST_TEST(asked.header("Location").value_or("") == "/accounts/reauthenticate/?next=/accounts/password/change/");
    BOOST_TEST(browser.get("/accounts/profile/").status == 200, "ordinary pages still work");

    const auto form = browser.get(asked.header("Location").value_or(""));
    BOOST_TEST_REQUIRE(form.status == 200);
    BOOST_TEST(contains(form.body, "name=\"password\""));
    BOOST_TEST(input_value(form.body, "next").value_or("") == "/accounts/password/change/");
    BOOST_TEST(contains(form.body, "name=\"csrfmiddlewaretoken\""));

    const auto wrong = browser.post("/accounts/reauthenticate/", {{"next", "/accounts/password/change/"}, {"password", "Wr0ng-Password-x"}});
    BOOST_TEST(wrong.status == 200);
    BOOST_TEST(error_next_to(wrong.body, "password", "The password is not correct."), wrong.body);

    const auto right = browser.post("/accounts/reauthenticate/", {{"next", "/accounts/password/change/"}, {"password", kGoodPassword}});
    BOOST_TEST_REQUIRE(right.status == 302, right.body);
    BOOST_TEST(right.header("Location").value_or("") == "/accounts/password/change/");
    BOOST_TEST(browser.follow(right).status == 200, "continued where the user was");

    // Without the CSRF token the re-entry is refused like every form.
    BOOST_TEST(browser.post("/accounts/reauthenticate/", {{"csrfmiddlewaretoken", "x"}, {"password", kGoodPassword}}).status == 403);
    // `next` is followed only when it is a path on this site.
    browser.get("/accounts/reauthenticate/");
    const auto offsite = browser.post("/accounts/reauthenticate/", {{"next", "//evil.example/x"}, {"password", kGoodPassword}});
    BOOST_TEST(offsite.header("Location").value_or("") == "/accounts/profile/");

    // The change itself now goes through.
    const auto changed = browser.submit("/accounts/password/change/", {{"old_password", kGoodPassword},
                                                                      {"new_password1", kNewPassword},
                                                                      {"new_password2", kNewPassword}});
    BOOST_TEST(changed.status == 302);
    BOOST_TEST(changed.header("Location").value_or("") == "/accounts/profile/");
}

BOOST_AUTO_TEST_CASE(logging_out_every_other_device_asks_first) {
    auto& stack = ReauthStack::get();
    const std::string email = unique_email("reauth-devices");
    sign_up_verified(stack, email);
    Browser here(stack, "Mozilla/5.0 e2e here");
    Browser elsewhere(stack, "Mozilla/5.0 e2e elsewhere");
    BOOST_TEST_REQUIRE(log_in(elsewhere, email).status == 302);
    BOOST_TEST_REQUIRE(log_in(here, email).status == 302);
    std::this_thread::sleep_for(kPastTheWindow);

    here.get("/accounts/devices/");
    const auto asked = here.post("/accounts/devices/", {{"revoke_others", "1"}});
    BOOST_TEST(asked.status == 302);
    BOOST_TEST(asked.header("Location").value_or("") == "/accounts/reauthenticate/?next=/accounts/devices/");
    BOOST_TEST(elsewhere.get("/accounts/profile/").status == 200, "nothing was ended");

    here.get(asked.header("Location").value_or(""));
    const auto right = here.post("/accounts/reauthenticate/", {{"next", "/accounts/devices/"}, {"password", kGoodPassword}});
    BOOST_TEST(right.header("Location").value_or("") == "/accounts/devices/");
    here.get("/accounts/devices/");
    const auto done = here.post("/accounts/devices/", {{"revoke_others", "1"}});
    BOOST_TEST(done.header("Location").value_or("") == "/accounts/devices/");
    BOOST_TEST(elsewhere.get("/accounts/profile/").status == 302, "the other browser is logged out");
    BOOST_TEST(here.get("/accounts/profile/").status == 200);
}

BOOST_AUTO_TEST_CASE(api_answers_403_until_the_credential_reauthenticates) {
    auto& stack = ReauthStack::get();
    api::ApiClient client(stack);
    const std::string email = api::unique_email("reauth");
    api::verified_user(client, email);
    const std::string token = api::token_auth(api::api_token(client, email));
    const auto pair = api::obtain(client, email);
    std::this_thread::sleep_for(kPastTheWindow);

    const auto change = client.post("/api/auth/password/change/", {{"old_password", api::kPassword}, {"new_password", kNewPassword}}, token);
    BOOST_TEST(api::is_error(change, 403, "reauthentication_required"));
    BOOST_TEST(api::is_error(client.patch("/api/me/", {{"email", api::unique_email("moved")}}, token), 403, "reauthentication_required"));
    BOOST_TEST(api::is_error(client.del("/api/me/", {{"password", api::kPassword}}, token), 403, "reauthentication_required"));
    BOOST_TEST(client.patch("/api/me/", {{"first_name", "Ada"}}, token).status == 200, "an ordinary edit needs nothing");
    BOOST_TEST(client.patch("/api/me/", {{"email", email}}, token).status == 200, "the same address is no change");

    BOOST_TEST(api::is_validation(client.post("/api/auth/reauthenticate/", api::json::object(), token), {"password"}));
    BOOST_TEST(api::is_validation(client.post("/api/auth/reauthenticate/", {{"password", "Wr0ng-Password-x"}}, token), {"password"}));
    const auto proved = client.post("/api/auth/reauthenticate/", {{"password", api::kPassword}}, token);
    BOOST_TEST_REQUIRE(proved.status == 200, api::show(proved));
    BOOST_TEST(proved.json().value("valid_for", 0) == 2);

    // Only the credential that proved it: the JWT login of the same user is still asked.
    BOOST_TEST(api::is_error(client.del("/api/me/", {{"password", api::kPassword}}, api::bearer(pair.access)), 403,
                             "reauthentication_required"));
    const auto changed = client.post("/api/auth/password/change/", {{"old_password", api::kPassword}, {"new_password", kNewPassword}}, token);
    BOOST_TEST(changed.status == 200, api::show(changed));
}

BOOST_AUTO_TEST_CASE(a_refresh_does_not_renew_the_proof_but_a_reentry_does) {
    auto& stack = ReauthStack::get();
    api::ApiClient client(stack);
    const std::string email = api::unique_email("reauth-jwt");
    api::verified_user(client, email);
    const auto pair = api::obtain(client, email);
    std::this_thread::sleep_for(kPastTheWindow);
    const auto refreshed = api::refresh(client, pair.refresh);
    BOOST_TEST_REQUIRE(refreshed.status == 200);
    const std::string access = refreshed.json().at("access");
    BOOST_TEST(api::is_error(client.del("/api/me/", {{"password", api::kPassword}}, api::bearer(access)), 403,
                             "reauthentication_required"));
    BOOST_TEST(client.post("/api/auth/reauthenticate/", {{"password", api::kPassword}}, api::bearer(access)).status == 200);
    // The proof sits on the login (the JWT family), so the older access token of it counts too.
    BOOST_TEST(client.del("/api/me/", {{"password", api::kPassword}}, api::bearer(pair.access)).status == 204);
}

BOOST_AUTO_TEST_CASE(a_phone_only_user_reauthenticates_with_an_sms_code) {
    auto& stack = ReauthStack::get();
    api::ApiClient client(stack);
    api::Outbox outbox(stack);
    const std::string phone = api::unique_phone();
    BOOST_TEST_REQUIRE(client.post("/api/auth/phone/login/", {{"phone", phone}}).status == 200);
    const auto in = client.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", api::code_in(outbox.wait_sms(phone))}});
    BOOST_TEST_REQUIRE(in.status == 200, api::show(in));
    const std::string auth = api::bearer(in.json().at("access"));
    std::this_thread::sleep_for(kPastTheWindow);

    BOOST_TEST(api::is_error(client.post("/api/auth/password/set/", {{"new_password", kNewPassword}}, auth), 403,
                             "reauthentication_required"));
    BOOST_TEST(api::is_validation(client.post("/api/auth/reauthenticate/", {{"password", "anything"}}, auth), {"code"}));
    BOOST_TEST_REQUIRE(client.post("/api/auth/otp/send/", {{"channel", "sms"}}, auth).status == 200);
    const std::string code = api::code_in(outbox.wait_sms(phone, 2));
    BOOST_TEST(client.post("/api/auth/reauthenticate/", {{"code", code}}, auth).status == 200);
    const auto set = client.post("/api/auth/password/set/", {{"new_password", kNewPassword}}, auth);
    BOOST_TEST(set.status == 200, api::show(set));
}

BOOST_AUTO_TEST_CASE(changing_the_second_factor_asks_first_in_the_browser_and_the_api) {
    auto& stack = ReauthStack::get();
    const std::string email = unique_email("reauth-mfa");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    std::this_thread::sleep_for(kPastTheWindow);
    browser.get("/accounts/2fa/");
    const auto asked = browser.post("/accounts/2fa/", {{"action", "begin"}});
    BOOST_TEST(asked.status == 302);
    BOOST_TEST(asked.header("Location").value_or("") == "/accounts/reauthenticate/?next=/accounts/2fa/");
    browser.get(asked.header("Location").value_or(""));
    const auto right = browser.post("/accounts/reauthenticate/", {{"next", "/accounts/2fa/"}, {"password", kGoodPassword}});
    BOOST_TEST(right.header("Location").value_or("") == "/accounts/2fa/");
    browser.get("/accounts/2fa/");
    const auto begun = browser.post("/accounts/2fa/", {{"action", "begin"}});
    BOOST_TEST(begun.status == 200);
    BOOST_TEST(contains(begun.body, "otpauth://totp/"), "the set-up goes on once the password was given again");

    api::ApiClient client(stack);
    const std::string api_email = api::unique_email("reauth-mfa");
    api::verified_user(client, api_email);
    const std::string token = api::token_auth(api::api_token(client, api_email));
    std::this_thread::sleep_for(kPastTheWindow);
    for (const char* path : {"/api/auth/mfa/totp/", "/api/auth/mfa/totp/disable/", "/api/auth/mfa/recovery-codes/"})
        BOOST_TEST(api::is_error(client.post(path, {{"password", api::kPassword}}, token), 403, "reauthentication_required"), path);
    BOOST_TEST(client.get("/api/auth/mfa/", token).status == 200, "its status needs nothing");
    BOOST_TEST_REQUIRE(client.post("/api/auth/reauthenticate/", {{"password", api::kPassword}}, token).status == 200);
    const auto setup = client.post("/api/auth/mfa/totp/", api::json::object(), token);
    BOOST_TEST(setup.status == 200, api::show(setup));
    BOOST_TEST(setup.json().contains("secret"));
}

BOOST_AUTO_TEST_SUITE_END()
