// The JSON API (README: *JSON API*): password change, password reset by code, /api/me/ and its devices,
// authentication answers, and the API's indifference to the session cookie — on the shared stack.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

const char* kNewPassword = "Fresh-Api-Passw0rd-2";

// 200 when the browser's session is alive, else where it was sent.
long profile_status(HttpClient& browser, const Stack& stack) {
    return browser.get(stack.https_url("/accounts/profile/")).status;
}

// The device (login) id a JWT belongs to.
std::int64_t sid_of(const std::string& jwt) { return jws_payload(jwt).at("sid").get<std::int64_t>(); }

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_password)

BOOST_AUTO_TEST_CASE(change_ends_the_other_logins_and_keeps_the_calling_one) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("pwchange");
    verified_user(api, email);
    const Pair caller = obtain(api, email);
    const Pair other = obtain(api, email);
    const std::string key = api_token(api, email);
    HttpClient browser;
    session_login(browser, stack, email);

    BOOST_TEST(is_error(api.post("/api/auth/password/change/", {{"old_password", kPassword}, {"new_password", kNewPassword}}),
                        401, "not_authenticated"));
    BOOST_TEST(is_validation(api.post("/api/auth/password/change/", json::object(), bearer(caller.access)),
                             {"old_password", "new_password"}));
    const auto wrong_old = api.post("/api/auth/password/change/",
                                    {{"old_password", "Not-The-Passw0rd"}, {"new_password", kNewPassword}},
                                    bearer(caller.access));
    BOOST_TEST(is_validation(wrong_old, {"old_password"}));
    BOOST_TEST(!body_of(wrong_old).contains("new_password"));
    const auto weak = api.post("/api/auth/password/change/", {{"old_password", kPassword}, {"new_password", "password"}},
                               bearer(caller.access));
    BOOST_TEST(is_validation(weak, {"new_password"}));
    BOOST_TEST(!body_of(weak).contains("old_password"));
    BOOST_TEST(!body_of(weak).contains("new_password2"));
    BOOST_TEST(me_status(api, bearer(other.access)) == 200, "a refused change ended a login");

    const auto changed = api.post("/api/auth/password/change/",
                                  {{"old_password", kPassword}, {"new_password", kNewPassword}}, bearer(caller.access));
    BOOST_TEST_REQUIRE(changed.status == 200, show(changed));
    BOOST_TEST(body_of(changed).contains("detail"));

    // The calling login keeps working, refresh included; every other one is over.
    BOOST_TEST(me_status(api, bearer(caller.access)) == 200);
    const auto rotated = refresh(api, caller.refresh);
    BOOST_TEST(rotated.status == 200, show(rotated));
    BOOST_TEST(is_error(api.get("/api/me/", bearer(other.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, other.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(key)), 401, "token_not_valid"));
    BOOST_TEST(profile_status(browser, stack) == 302, "the browser session survived the change");

    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}), 401, "no_active_account"));
    const std::string new_key = api_token(api, email, kNewPassword);
    const auto mail = Outbox(stack).wait_mail(email, 2);  // after the verification mail
    BOOST_TEST(lacks(mail, kNewPassword));

    // With an API token as the caller: that token stays, the JWT login goes.
    const auto again = api.post("/api/auth/password/change/", {{"old_password", kNewPassword}, {"new_password", kPassword}},
                                token_auth(new_key));
    BOOST_TEST_REQUIRE(again.status == 200, show(again));
    BOOST_TEST(me_status(api, token_auth(new_key)) == 200);
    BOOST_TEST(me_status(api, bearer(rotated.json()["access"])) == 401);
}

BOOST_AUTO_TEST_CASE(reset_for_an_unknown_email_gives_a_token_of_the_same_shape_that_never_works) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string known = unique_email("reset-known");
    verified_user(api, known);
    const auto unknown_answer = api.post("/api/auth/password/reset/", {{"email", unique_email("reset-nobody")}});
    const auto known_answer = api.post("/api/auth/password/reset/", {{"email", known}});
    BOOST_TEST_REQUIRE(unknown_answer.status == 200, show(unknown_answer));
    BOOST_TEST_REQUIRE(known_answer.status == 200, show(known_answer));
    const json a = unknown_answer.json(), b = known_answer.json();
    BOOST_TEST((keys_of(a) == std::set<std::string>{"token", "detail"}), unknown_answer.body);
    BOOST_TEST((keys_of(b) == keys_of(a)));
    BOOST_TEST(a["detail"] == b["detail"]);
    BOOST_TEST(a["token"].is_string());
    const std::string fake = a["token"], real = b["token"];
    BOOST_TEST(std::count(fake.begin(), fake.end(), '.') == std::count(real.begin(), real.end(), '.'));
    BOOST_TEST((fake.size() >= real.size() - 4 && fake.size() <= real.size() + 4), fake << " vs " << real);

    // Whatever code is tried with it, it never passes.
    const std::string code = code_in(Outbox(stack).wait_mail(known, 2));
    for (const auto& otp : {std::string("000000"), code}) {
        const auto check = api.post("/api/auth/password/reset/check-otp/", {{"token", fake}, {"otp", otp}});
        BOOST_TEST(check.status == 400, show(check));
    }
    BOOST_TEST(api.post("/api/auth/password/reset/confirm/", {{"token", fake}, {"new_password", kNewPassword}}).status ==
               400);
    BOOST_TEST(is_validation(api.post("/api/auth/password/reset/", json::object()), {"email"}));
}

BOOST_AUTO_TEST_CASE(reset_by_code_check_then_confirm_ends_every_login_and_works_once) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    Outbox outbox(stack);
    const std::string email = unique_email("reset");
    verified_user(api, email);
    const Pair jwt = obtain(api, email);
    const std::string key = api_token(api, email);
    HttpClient browser;
    session_login(browser, stack, email);

    std::string upper = email;  // emails match ignoring case everywhere
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto requested = api.post("/api/auth/password/reset/", {{"email", upper}});
    BOOST_TEST_REQUIRE(requested.status == 200, show(requested));
    const std::string token = requested.json()["token"];
    const std::string mail = outbox.wait_mail(email, 2);
    const std::string code = code_in(mail);
    BOOST_TEST(contains(mail, "/accounts/password/reset/"));
    BOOST_TEST(contains(mail, "localhost:"));
    const std::string wrong = code == "123456" ? "654321" : "123456";

    BOOST_TEST(is_validation(api.post("/api/auth/password/reset/check-otp/", {{"token", token}}), {"otp"}));
    BOOST_TEST(is_error(api.post("/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", wrong}}), 400,
                        "otp_invalid"));
    // Confirm before a good check: refused.
    const auto early = api.post("/api/auth/password/reset/confirm/", {{"token", token}, {"new_password", kNewPassword}});
    BOOST_TEST(early.status == 400, show(early));
    BOOST_TEST(me_status(api, bearer(jwt.access)) == 200);

    const auto checked = api.post("/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", code}});
    BOOST_TEST_REQUIRE(checked.status == 200, show(checked));
    BOOST_TEST(body_of(checked) == (json{{"detail", "OTP is valid."}}));

    BOOST_TEST(is_validation(api.post("/api/auth/password/reset/confirm/", {{"token", token}, {"new_password", "short"}}),
                             {"new_password"}));
    const auto confirmed = api.post("/api/auth/password/reset/confirm/", {{"token", token}, {"new_password", kNewPassword}});
    BOOST_TEST_REQUIRE(confirmed.status == 200, show(confirmed));

    // Every login is over: JWT, API token, browser session.
    BOOST_TEST(is_error(api.get("/api/me/", bearer(jwt.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, jwt.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(key)), 401, "token_not_valid"));
    BOOST_TEST(profile_status(browser, stack) == 302);

    // Single use: the token does nothing more.
    BOOST_TEST(api.post("/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", code}}).status == 400);
    BOOST_TEST(api.post("/api/auth/password/reset/confirm/", {{"token", token}, {"new_password", "Yet-An0ther-Passw0rd"}})
                   .status == 400);

    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}), 401, "no_active_account"));
    BOOST_TEST(obtain(api, email, kNewPassword).user["is_verified"] == true);
    BOOST_TEST(contains(outbox.wait_mail(email, 3), "password"));  // the "password was changed" mail
}

BOOST_AUTO_TEST_CASE(reset_code_is_dead_after_five_wrong_tries) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("reset-tries");
    verified_user(api, email);
    const auto requested = api.post("/api/auth/password/reset/", {{"email", email}});
    BOOST_TEST_REQUIRE(requested.status == 200, show(requested));
    const std::string token = requested.json()["token"];
    const std::string code = code_in(Outbox(stack).wait_mail(email, 2));
    const std::string wrong = code == "111111" ? "222222" : "111111";
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(is_error(api.post("/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", wrong}}), 400,
                            "otp_invalid"));
    BOOST_TEST(is_error(api.post("/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", code}}), 400,
                        "otp_expired"));
    BOOST_TEST(api.post("/api/auth/password/reset/confirm/", {{"token", token}, {"new_password", kNewPassword}}).status ==
               400);
    BOOST_TEST(obtain(api, email).user["email"] == email);  // the old password still works
}

BOOST_AUTO_TEST_CASE(reset_by_code_marks_an_unverified_user_verified) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    Outbox outbox(stack);
    const std::string email = unique_email("reset-unverified");
    register_user(api, email);
    outbox.wait_mail(email, 1);
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}), 403, "not_verified"));
    const auto requested = api.post("/api/auth/password/reset/", {{"email", email}});
    BOOST_TEST_REQUIRE(requested.status == 200, show(requested));
    const std::string token = requested.json()["token"];
    const std::string code = code_in(outbox.wait_mail(email, 2));
    BOOST_TEST_REQUIRE(api.post("/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", code}}).status == 200);
    BOOST_TEST_REQUIRE(
        api.post("/api/auth/password/reset/confirm/", {{"token", token}, {"new_password", kNewPassword}}).status == 200);
    BOOST_TEST(obtain(api, email, kNewPassword).user["is_verified"] == true);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_me)

BOOST_AUTO_TEST_CASE(get_and_patch_the_own_account_ignoring_protected_fields) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("me");
    const std::string taken_name = "Taken " + std::to_string(::getpid()) + "-" + std::to_string(next_serial());
    verified_user(api, unique_email("me-other"), kPassword, {{"name", taken_name}});
    verified_user(api, email);
    const Pair p = obtain(api, email);

    const auto me = api.get("/api/me/", bearer(p.access));
    BOOST_TEST_REQUIRE(me.status == 200, show(me));
    BOOST_TEST(me.header("Cache-Control").value_or("") == "no-store");
    BOOST_TEST(me.json()["email"] == email);
    BOOST_TEST(me.json().size() == 14u);  // the user object's 13 fields and pending_email
    BOOST_TEST(me.json()["pending_email"].is_null());

    const std::string name = "Me " + std::to_string(::getpid()) + "-" + std::to_string(next_serial());
    const std::string phone = unique_phone();
    const auto patched = api.patch("/api/me/",
                                   {{"name", name},
                                    {"first_name", "Grace"},
                                    {"last_name", "Hopper"},
                                    {"phone", phone},
                                    {"date_of_birth", "1985-06-15"},
                                    {"gender", "other"},
                                    {"is_staff", true},
                                    {"is_superuser", true},
                                    {"is_verified", false},
                                    {"email", unique_email("me-hijack")},
                                    {"id", 1}},
                                   bearer(p.access));
    BOOST_TEST_REQUIRE(patched.status == 200, show(patched));
    const json u = patched.json();
    BOOST_TEST(u["name"] == name);
    BOOST_TEST(u["first_name"] == "Grace");
    BOOST_TEST(u["last_name"] == "Hopper");
    BOOST_TEST(u["phone"] == phone);
    BOOST_TEST(u["date_of_birth"] == "1985-06-15");
    BOOST_TEST(u["gender"] == "other");
    BOOST_TEST(u["is_staff"] == false);
    BOOST_TEST(u["is_verified"] == true);
    BOOST_TEST(u["email"] == email);
    BOOST_TEST(u["id"] == p.user["id"]);
    BOOST_TEST(u.size() == 14u);
    BOOST_TEST(u["pending_email"].is_string(), "an email in a PATCH is a change asked for, confirmed by mail");
    const json again = api.get("/api/me/", bearer(p.access)).json();
    BOOST_TEST(again == u);
    BOOST_TEST(contains(Outbox(stack).wait_mail(email, 2), "phone"));  // the "phone changed" mail

    // Bad values: each field names itself; nothing changes.
    const auto bad = api.patch("/api/me/",
                               {{"phone", "12345"}, {"gender", "robot"}, {"date_of_birth", "2999-01-01"}, {"name", taken_name}},
                               bearer(p.access));
    BOOST_TEST(is_validation(bad, {"phone", "gender", "date_of_birth", "name"}));
    BOOST_TEST(api.get("/api/me/", bearer(p.access)).json() == u);

    // A form body works too, and null clears a field.
    const auto form = api.raw("PATCH", "/api/me/", form_encode({{"first_name", "Form"}, {"last_name", "Body"}}),
                              "application/x-www-form-urlencoded", bearer(p.access));
    BOOST_TEST_REQUIRE(form.status == 200, show(form));
    BOOST_TEST(form.json()["first_name"] == "Form");
    BOOST_TEST(form.json()["last_name"] == "Body");
    BOOST_TEST(form.json()["phone"] == phone);  // absent: unchanged
    const auto cleared = api.patch("/api/me/", {{"phone", nullptr}, {"gender", nullptr}}, bearer(p.access));
    BOOST_TEST_REQUIRE(cleared.status == 200, show(cleared));
    BOOST_TEST(cleared.json()["phone"].is_null());
    BOOST_TEST(cleared.json()["gender"].is_null());
    BOOST_TEST(cleared.json()["name"] == name);
}

BOOST_AUTO_TEST_CASE(delete_needs_the_password_then_every_token_is_dead) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("medelete");
    verified_user(api, email);
    const Pair p = obtain(api, email);
    const std::string key = api_token(api, email);

    BOOST_TEST(is_validation(api.del("/api/me/", json::object(), bearer(p.access)), {"password"}));
    BOOST_TEST(is_validation(api.del("/api/me/", {{"password", "Wrong-Passw0rd"}}, bearer(p.access)), {"password"}));
    BOOST_TEST(me_status(api, bearer(p.access)) == 200);

    const auto gone = api.del("/api/me/", {{"password", kPassword}}, token_auth(key));
    BOOST_TEST(gone.status == 204, show(gone));
    BOOST_TEST(gone.body.empty(), gone.body);
    BOOST_TEST(is_error(api.get("/api/me/", bearer(p.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, p.refresh), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(key)), 401, "token_not_valid"));
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}), 401, "no_active_account"));
}

BOOST_AUTO_TEST_CASE(devices_list_the_live_logins_and_revoking_one_kills_its_tokens) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    ApiClient phone_app(stack, "okhttp/4.12.0");
    const std::string email = unique_email("devices");
    const std::string someone = unique_email("devices-other");
    verified_user(api, email);
    verified_user(api, someone);
    const Pair mine = obtain(api, email);
    const std::string key = api_token(phone_app, email);
    HttpClient browser;
    session_login(browser, stack, email);
    const Pair theirs = obtain(api, someone);

    const auto listed = api.get("/api/me/devices/", bearer(mine.access));
    BOOST_TEST_REQUIRE(listed.status == 200, show(listed));
    BOOST_TEST(listed.header("Cache-Control").value_or("") == "no-store");
    const json devices = listed.json();
    BOOST_TEST_REQUIRE(devices.is_array());
    BOOST_TEST_REQUIRE(devices.size() == 3u, listed.body);
    std::multiset<std::string> kinds;
    std::int64_t token_id = 0, session_id = 0;
    int current = 0;
    for (const auto& d : devices) {
        BOOST_TEST((keys_of(d) == std::set<std::string>{"id", "kind", "device", "ip", "created", "last_seen", "current"}),
                   d.dump());
        kinds.insert(d["kind"].get<std::string>());
        BOOST_TEST(d["ip"] == "127.0.0.1");
        BOOST_TEST(d["created"].is_string());
        BOOST_TEST(d["last_seen"].is_string());
        BOOST_TEST(!d["device"].get<std::string>().empty());
        if (d["current"] == true) {
            ++current;
            BOOST_TEST(d["id"] == sid_of(mine.access));
            BOOST_TEST(d["kind"] == "jwt");
        }
        if (d["kind"] == "token") {
            token_id = d["id"];
            BOOST_TEST(d["device"] == "Android app");
        }
        if (d["kind"] == "session") session_id = d["id"];
    }
    BOOST_TEST((kinds == std::multiset<std::string>{"jwt", "session", "token"}), listed.body);
    BOOST_TEST(current == 1);

    // Seen through the API token, that one is current.
    for (const auto& d : api.get("/api/me/devices/", token_auth(key)).json())
        BOOST_TEST(d["current"] == (d["kind"] == "token"), d.dump());

    // Another user's device, or none at all: 404, and nothing happens to it.
    BOOST_TEST(is_error(api.del("/api/me/devices/" + std::to_string(sid_of(theirs.access)) + "/", nullptr, bearer(mine.access)),
                        404, "not_found"));
    BOOST_TEST(me_status(api, bearer(theirs.access)) == 200);
    BOOST_TEST(is_error(api.del("/api/me/devices/99999999/", nullptr, bearer(mine.access)), 404, "not_found"));
    BOOST_TEST(is_error(api.del("/api/me/devices/" + std::to_string(token_id) + "/"), 401, "not_authenticated"));

    // Revoke the API token and the browser session.
    const auto revoked = api.del("/api/me/devices/" + std::to_string(token_id) + "/", nullptr, bearer(mine.access));
    BOOST_TEST(revoked.status == 204, show(revoked));
    BOOST_TEST(is_error(api.get("/api/me/", token_auth(key)), 401, "token_not_valid"));
    BOOST_TEST(api.del("/api/me/devices/" + std::to_string(session_id) + "/", nullptr, bearer(mine.access)).status == 204);
    BOOST_TEST(profile_status(browser, stack) == 302);

    // Revoke another JWT login: its access and refresh die with it; this one stays.
    const Pair second = obtain(api, email);
    BOOST_TEST(api.del("/api/me/devices/" + std::to_string(sid_of(second.access)) + "/", nullptr, bearer(mine.access))
                   .status == 204);
    BOOST_TEST(is_error(api.get("/api/me/", bearer(second.access)), 401, "token_not_valid"));
    BOOST_TEST(is_error(refresh(api, second.refresh), 401, "token_not_valid"));
    const auto left = api.get("/api/me/devices/", bearer(mine.access));
    BOOST_TEST_REQUIRE(left.status == 200, show(left));
    BOOST_TEST(left.json().size() == 1u, left.body);

    // Revoking the current one ends the caller.
    BOOST_TEST(api.del("/api/me/devices/" + std::to_string(sid_of(mine.access)) + "/", nullptr, bearer(mine.access))
                   .status == 204);
    BOOST_TEST(is_error(api.get("/api/me/", bearer(mine.access)), 401, "token_not_valid"));
}

BOOST_AUTO_TEST_CASE(unauthenticated_calls_get_401_not_authenticated_with_www_authenticate) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    for (const char* path : {"/api/me/", "/api/me/devices/"}) {
        BOOST_TEST_CONTEXT(path) {
            BOOST_TEST(is_error(api.get(path), 401, "not_authenticated"));
            BOOST_TEST(is_error(api.get(path, "Basic dXNlcjpwYXNz"), 401, "not_authenticated"));
            BOOST_TEST(is_error(api.get(path, "Bearer"), 401, "not_authenticated"));
            BOOST_TEST(is_error(api.get(path, "Bearer not-a-jwt"), 401, "token_not_valid"));
            BOOST_TEST(is_error(api.get(path, "Token nope"), 401, "token_not_valid"));
        }
    }
    for (const char* path : {"/api/auth/logout/", "/api/auth/logout/all/", "/api/auth/otp/send/", "/api/auth/otp/verify/",
                             "/api/auth/password/change/"})
        BOOST_TEST_CONTEXT(path) { BOOST_TEST(is_error(api.post(path), 401, "not_authenticated")); }
    BOOST_TEST(is_error(api.patch("/api/me/", {{"name", "x"}}), 401, "not_authenticated"));
    BOOST_TEST(is_error(api.del("/api/me/", {{"password", kPassword}}), 401, "not_authenticated"));
}

BOOST_AUTO_TEST_CASE(the_api_ignores_the_browser_session_cookie) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("cookie");
    verified_user(api, email);
    HttpClient browser;
    const std::string session = session_login(browser, stack, email);
    BOOST_TEST_REQUIRE(profile_status(browser, stack) == 200);

    // The browser itself (its cookie jar), and the cookie sent by hand with a CSRF token.
    BOOST_TEST(is_error(browser.get(stack.https_url("/api/me/")), 401, "not_authenticated"));
    BOOST_TEST(is_error(browser.get(stack.https_url("/api/me/devices/")), 401, "not_authenticated"));
    const std::string csrf = browser.cookie("csrftoken").value_or("");
    const HeaderList cookie_headers = {{"Cookie", "sessionid=" + session + "; csrftoken=" + csrf},
                                       {"X-CSRFToken", csrf},
                                       {"Origin", "https://127.0.0.1:" + std::to_string(stack.https_port())}};
    BOOST_TEST(is_error(api.get_with("/api/me/", cookie_headers), 401, "not_authenticated"));
    HeaderList post_headers = cookie_headers;
    post_headers.emplace_back("Content-Type", "application/json");
    BOOST_TEST(is_error(browser.post(stack.https_url("/api/auth/logout/all/"), "{}", post_headers), 401, "not_authenticated"));
    BOOST_TEST(profile_status(browser, stack) == 200, "the session was ended through the API by its cookie");
}

BOOST_AUTO_TEST_SUITE_END()
