// Email change through nginx (README: *Email change*): the new address is confirmed by a mailed code
// or link before it counts, the old one keeps working until then, uniqueness ignoring case is checked
// again at confirmation, and the old address's undo link restores it and ends every login. Also the
// phone-only user: a first password, an added email, deletion with an SMS code.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;
namespace api = gatehouse::e2e::api;
using api::json;

namespace {

// Whether the API lets this email and password log in.
long login_status(api::ApiClient& client, const std::string& email, const std::string& password = api::kPassword) {
    return client.post("/api/auth/login/", {{"email", email}, {"password", password}}).status;
}

std::string other_code(const std::string& code) { return code == "000000" ? "000001" : "000000"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(email_change)

BOOST_AUTO_TEST_CASE(api_change_waits_for_confirmation_and_the_old_address_can_undo_it) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    api::Outbox outbox(stack);
    const std::string old_email = api::unique_email("old");
    const std::string new_email = api::unique_email("new");
    const json user = api::verified_user(client, old_email);
    const std::string token = api::token_auth(api::api_token(client, old_email));
    const auto pair = api::obtain(client, old_email);

    const auto asked = client.patch("/api/me/", {{"email", new_email}, {"first_name", "Ada"}}, token);
    BOOST_TEST_REQUIRE(asked.status == 200, api::show(asked));
    BOOST_TEST(asked.json().at("email") == old_email, "unchanged until confirmed");
    BOOST_TEST(asked.json().at("pending_email") == new_email);
    BOOST_TEST(asked.json().at("first_name") == "Ada");
    BOOST_TEST(client.get("/api/me/", token).json().at("pending_email") == new_email);

    // Until the confirmation the old address is the login, and the new one is nobody's.
    BOOST_TEST(login_status(client, old_email) == 200);
    BOOST_TEST(login_status(client, new_email) == 401);

    const std::string mail = outbox.wait_mail(new_email);
    BOOST_TEST(contains(mail, "/accounts/email/confirm/"));
    const std::string code = api::code_in(mail);
    BOOST_TEST(api::is_error(client.post("/api/me/email/confirm/", {{"code", other_code(code)}}, token), 400, "otp_invalid"));
    const auto confirmed = client.post("/api/me/email/confirm/", {{"code", code}}, token);
    BOOST_TEST_REQUIRE(confirmed.status == 200, api::show(confirmed));
    BOOST_TEST(confirmed.json().at("email") == new_email);
    BOOST_TEST(confirmed.json().at("pending_email").is_null());
    BOOST_TEST(confirmed.json().at("is_verified") == true);
    BOOST_TEST(login_status(client, new_email) == 200);
    BOOST_TEST(login_status(client, old_email) == 401);

    // The old address is told, with a link to undo (mail 1 was its verification).
    const std::string notice = outbox.wait_mail(old_email, 2);
    BOOST_TEST(contains(notice, new_email));
    const std::string undo = api::token_after(notice, "/accounts/email/undo/");
    Browser browser(stack);
    const auto page = browser.get("/accounts/email/undo/" + undo + "/");
    BOOST_TEST_REQUIRE(page.status == 200, page.body);
    BOOST_TEST(contains(page.body, old_email));
    BOOST_TEST(api::me_status(client, token) == 200, "a GET of the link changes nothing");
    const auto undone = browser.post("/accounts/email/undo/" + undo + "/", {});
    BOOST_TEST_REQUIRE(undone.status == 302, undone.body);
    BOOST_TEST(undone.header("Location").value_or("") == "/accounts/login/");

    // Every login ended: API token, access token and refresh token.
    BOOST_TEST(api::me_status(client, token) == 401);
    BOOST_TEST(api::me_status(client, api::bearer(pair.access)) == 401);
    BOOST_TEST(api::refresh(client, pair.refresh).status == 401);
    BOOST_TEST(login_status(client, old_email) == 200, "the old address is back");
    BOOST_TEST(login_status(client, new_email) == 401);
    const std::string again = api::token_auth(api::api_token(client, old_email));
    BOOST_TEST(client.get("/api/me/", again).json().at("id") == user.at("id"));
    // A used undo link is dead.
    BOOST_TEST(browser.get("/accounts/email/undo/" + undo + "/").status == 400);
}

BOOST_AUTO_TEST_CASE(addresses_stay_unique_ignoring_case_at_request_and_at_confirmation) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    api::Outbox outbox(stack);
    const std::string alice = api::unique_email("alice");
    const std::string bob = api::unique_email("bob");
    api::verified_user(client, alice);
    api::verified_user(client, bob);
    const std::string token = api::token_auth(api::api_token(client, alice));

    std::string shouted = bob;
    std::transform(shouted.begin(), shouted.end(), shouted.begin(), [](unsigned char c) { return std::toupper(c); });
    BOOST_TEST(api::is_validation(client.patch("/api/me/", {{"email", shouted}}, token), {"email"}));
    BOOST_TEST(api::is_validation(client.patch("/api/me/", {{"email", "not an address"}}, token), {"email"}));

    // Free when asked for, taken (in other letter case) before the confirmation.
    const std::string carol = api::unique_email("carol");
    BOOST_TEST_REQUIRE(client.patch("/api/me/", {{"email", carol}}, token).status == 200);
    const std::string code = api::code_in(outbox.wait_mail(carol));
    std::string carol_upper = carol;
    carol_upper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(carol_upper[0])));
    api::register_user(client, carol_upper);
    const auto late = client.post("/api/me/email/confirm/", {{"code", code}}, token);
    BOOST_TEST(api::is_validation(late, {"email"}));
    BOOST_TEST(client.get("/api/me/", token).json().at("email") == alice);
    BOOST_TEST(login_status(client, alice) == 200);
    BOOST_TEST(api::is_error(client.post("/api/me/email/confirm/", {{"code", "123456"}}, api::token_auth(api::api_token(client, bob))),
                             400, "no_pending_change"));
}

BOOST_AUTO_TEST_CASE(browser_change_confirmed_by_the_mailed_link) {
    auto& stack = shared_stack();
    const std::string old_email = unique_email("page-old");
    const std::string new_email = unique_email("page-new");
    sign_up_verified(stack, old_email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, old_email).status == 302);
    BOOST_TEST(contains(browser.get("/accounts/profile/").body, "href=\"/accounts/email/\""));

    const auto form = browser.get("/accounts/email/");
    BOOST_TEST_REQUIRE(form.status == 200);
    BOOST_TEST(contains(form.body, "name=\"csrfmiddlewaretoken\""));
    const auto asked = browser.post("/accounts/email/", {{"email", new_email}});
    BOOST_TEST_REQUIRE(asked.status == 302, asked.body);
    const auto pending = browser.follow(asked);
    BOOST_TEST(contains(pending.body, "Waiting for confirmation"));
    BOOST_TEST(contains(pending.body, new_email));

    // Markup typed as an address comes back escaped next to the field.
    const auto bad = browser.post("/accounts/email/", {{"email", "<script>x</script>"}});
    BOOST_TEST(bad.status == 200);
    BOOST_TEST(error_next_to(bad.body, "email", "Enter a valid email address."), bad.body);
    BOOST_TEST(lacks(bad.body, "<script>x</script>"));

    const auto mail = Mailbox(stack).wait_for(new_email);
    const auto link = mail.link_path("/accounts/email/confirm/");
    BOOST_TEST_REQUIRE(link.has_value(), mail.raw);
    Browser other(stack);  // the link needs no login (another device, another browser)
    const auto done = other.get(*link);
    BOOST_TEST(done.status == 200, done.body);
    BOOST_TEST(contains(done.body, new_email));
    BOOST_TEST(contains(browser.get("/accounts/profile/").body, new_email));
    BOOST_TEST(other.get(*link).status == 400, "used once");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(phone_only_account)

BOOST_AUTO_TEST_CASE(sets_a_password_adds_an_email_then_logs_in_with_them) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    api::Outbox outbox(stack);
    const std::string phone = api::unique_phone();
    BOOST_TEST_REQUIRE(client.post("/api/auth/phone/login/", {{"phone", phone}}).status == 200);
    const auto in = client.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", api::code_in(outbox.wait_sms(phone))}});
    BOOST_TEST_REQUIRE(in.status == 200, api::show(in));
    const std::string auth = api::bearer(in.json().at("access"));

    BOOST_TEST(api::is_validation(client.post("/api/auth/password/set/", json::object(), auth), {"new_password"}));
    BOOST_TEST(api::is_validation(client.post("/api/auth/password/set/", {{"new_password", "short"}}, auth), {"new_password"}));
    const auto set = client.post("/api/auth/password/set/", {{"new_password", "Ph0ne-User-Passw0rd"}}, auth);
    BOOST_TEST_REQUIRE(set.status == 200, api::show(set));
    BOOST_TEST(api::is_error(client.post("/api/auth/password/set/", {{"new_password", "An0ther-Passw0rd"}}, auth), 400,
                             "password_already_set"));

    const std::string email = api::unique_email("phone-adds");
    const auto asked = client.patch("/api/me/", {{"email", email}}, auth);
    BOOST_TEST_REQUIRE(asked.status == 200, api::show(asked));
    BOOST_TEST(asked.json().at("email").is_null());
    BOOST_TEST(asked.json().at("pending_email") == email);
    const auto confirmed = client.post("/api/me/email/confirm/", {{"code", api::code_in(outbox.wait_mail(email))}}, auth);
    BOOST_TEST_REQUIRE(confirmed.status == 200, api::show(confirmed));
    BOOST_TEST(login_status(client, email, "Ph0ne-User-Passw0rd") == 200);
}

BOOST_AUTO_TEST_CASE(a_user_with_a_password_is_pointed_to_the_change_endpoint) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    const std::string email = api::unique_email("has-password");
    api::verified_user(client, email);
    const auto r = client.post("/api/auth/password/set/", {{"new_password", "An0ther-Passw0rd"}},
                               api::token_auth(api::api_token(client, email)));
    BOOST_TEST(api::is_error(r, 400, "password_already_set"));
    BOOST_TEST(contains(r.body, "/api/auth/password/change/"));
    BOOST_TEST(login_status(client, email) == 200, "the password is unchanged");
}

BOOST_AUTO_TEST_CASE(deletes_the_account_with_a_fresh_sms_code) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    api::Outbox outbox(stack);
    const std::string phone = api::unique_phone();
    BOOST_TEST_REQUIRE(client.post("/api/auth/phone/login/", {{"phone", phone}}).status == 200);
    const auto in = client.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", api::code_in(outbox.wait_sms(phone))}});
    BOOST_TEST_REQUIRE(in.status == 200, api::show(in));
    const std::string auth = api::bearer(in.json().at("access"));

    BOOST_TEST(api::is_validation(client.del("/api/me/", json::object(), auth), {"code"}));
    BOOST_TEST(api::is_validation(client.del("/api/me/", {{"password", "whatever"}}, auth), {"code"}));
    BOOST_TEST_REQUIRE(client.post("/api/auth/otp/send/", {{"channel", "sms"}}, auth).status == 200);
    const std::string code = api::code_in(outbox.wait_sms(phone, 2));
    BOOST_TEST(api::is_error(client.del("/api/me/", {{"code", other_code(code)}}, auth), 400, "otp_invalid"));
    BOOST_TEST(client.del("/api/me/", {{"code", code}}, auth).status == 204);
    BOOST_TEST(api::me_status(client, auth) == 401);
}

BOOST_AUTO_TEST_SUITE_END()
