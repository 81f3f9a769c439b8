// The JSON API (README: *JSON API*, *Limits*): one-time codes by email and SMS, phone login, and their limits.
// The shared stack (codes hidden, no throttling) plus two of their own: one with
// GATEHOUSE_EXPOSE_OTP=1 and GATEHOUSE_REQUIRE_VERIFIED=0, one with throttling on.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <set>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

std::string other_code(const std::string& code) { return code == "000000" ? "999999" : "000000"; }

// A stack of a suite's own: started before its first test, stopped after its last.
template <typename Tag>
struct SuiteStack {
    static inline std::unique_ptr<Stack> instance;
    SuiteStack() { instance = std::make_unique<Stack>(Tag::options()); }
    ~SuiteStack() { instance.reset(); }
    static Stack& get() {
        if (!instance) throw std::runtime_error("the suite's stack did not start");
        return *instance;
    }
};

struct DevTag {
    static StackOptions options() {
        StackOptions o;
        o.env = {{"GATEHOUSE_EXPOSE_OTP", "1"}, {"GATEHOUSE_REQUIRE_VERIFIED", "0"}};
        return o;
    }
};
struct ThrottledTag {
    static StackOptions options() {
        StackOptions o;
        o.throttle = true;
        o.env = {{"GATEHOUSE_EXPOSE_OTP", "1"}};
        return o;
    }
};
using DevStack = SuiteStack<DevTag>;
using ThrottledStack = SuiteStack<ThrottledTag>;

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_otp)

BOOST_AUTO_TEST_CASE(send_by_email_and_sms_then_verify_once_and_the_code_stays_hidden) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    Outbox outbox(stack);
    const std::string email = unique_email("otp");
    const std::string phone = unique_phone();
    verified_user(api, email, kPassword, {{"phone", phone}});
    const std::string auth = bearer(obtain(api, email).access);

    BOOST_TEST(is_validation(api.post("/api/auth/otp/send/", json::object(), auth), {"channel"}));
    BOOST_TEST(is_validation(api.post("/api/auth/otp/send/", {{"channel", "pigeon"}}, auth), {"channel"}));
    BOOST_TEST(is_validation(api.post("/api/auth/otp/verify/", json::object(), auth), {"code"}));

    // By email: the answer says only "Code sent."; the code is in the mail.
    const auto sent = api.post("/api/auth/otp/send/", {{"channel", "email"}}, auth);
    BOOST_TEST_REQUIRE(sent.status == 200, show(sent));
    BOOST_TEST(body_of(sent) == (json{{"detail", "Code sent."}}));
    const std::string code = code_in(outbox.wait_mail(email, 2));
    BOOST_TEST(is_error(api.post("/api/auth/otp/verify/", {{"code", other_code(code)}}, auth), 400, "otp_invalid"));
    BOOST_TEST(is_error(api.post("/api/auth/otp/verify/", {{"code", "12ab"}}, auth), 400, "otp_invalid"));
    const auto ok = api.post("/api/auth/otp/verify/", {{"code", code}}, auth);
    BOOST_TEST(ok.status == 200, show(ok));
    BOOST_TEST(is_error(api.post("/api/auth/otp/verify/", {{"code", code}}, auth), 400, "otp_expired"));  // used

    // By SMS, with an API token this time: a JSON file {"to","text"} in $VAR/sms/.
    const std::string key = api_token(api, email);
    const auto by_sms = api.post("/api/auth/otp/send/", {{"channel", "sms"}}, token_auth(key));
    BOOST_TEST_REQUIRE(by_sms.status == 200, show(by_sms));
    BOOST_TEST(!body_of(by_sms).contains("code"));
    const std::string text = outbox.wait_sms(phone);
    const std::string sms_code = code_in(text);
    BOOST_TEST(api.post("/api/auth/otp/verify/", {{"code", sms_code}}, token_auth(key)).status == 200);

    // No phone, no SMS.
    const std::string no_phone = unique_email("otp-nophone");
    verified_user(api, no_phone);
    BOOST_TEST(is_validation(api.post("/api/auth/otp/send/", {{"channel", "sms"}}, bearer(obtain(api, no_phone).access)),
                             {"channel"}));
}

BOOST_AUTO_TEST_CASE(five_wrong_codes_kill_the_code) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("otp-tries");
    verified_user(api, email);
    const std::string auth = bearer(obtain(api, email).access);
    BOOST_TEST_REQUIRE(api.post("/api/auth/otp/send/", {{"channel", "email"}}, auth).status == 200);
    const std::string code = code_in(Outbox(stack).wait_mail(email, 2));
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(is_error(api.post("/api/auth/otp/verify/", {{"code", other_code(code)}}, auth), 400, "otp_invalid"));
    BOOST_TEST(is_error(api.post("/api/auth/otp/verify/", {{"code", code}}, auth), 400, "otp_expired"));
    // A new code works again.
    BOOST_TEST_REQUIRE(api.post("/api/auth/otp/send/", {{"channel", "email"}}, auth).status == 200);
    BOOST_TEST(api.post("/api/auth/otp/verify/", {{"code", code_in(Outbox(stack).wait_mail(email, 3))}}, auth).status == 200);
}

BOOST_AUTO_TEST_CASE(phone_login_creates_a_verified_user_with_no_email) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    Outbox outbox(stack);
    const std::string phone = unique_phone();

    for (const char* bad : {"12345", "+1", "not a number", "+999123456789", ""})
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(is_validation(api.post("/api/auth/phone/login/", {{"phone", bad}}), {"phone"})); }
    BOOST_TEST(is_validation(api.post("/api/auth/phone/resend/", {{"phone", "12345"}}), {"phone"}));
    BOOST_TEST(is_validation(api.post("/api/auth/phone/verify/", json::object()), {"phone", "code"}));

    const auto sent = api.post("/api/auth/phone/login/", {{"phone", phone}});
    BOOST_TEST_REQUIRE(sent.status == 200, show(sent));
    BOOST_TEST(body_of(sent) == (json{{"detail", "Code sent."}}));
    const std::string code = code_in(outbox.wait_sms(phone));
    BOOST_TEST(is_error(api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", other_code(code)}}), 400,
                        "otp_invalid"));

    const auto r = api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", code}});
    BOOST_TEST_REQUIRE(r.status == 200, show(r));
    const json body = r.json();
    BOOST_TEST((keys_of(body) == std::set<std::string>{"access", "refresh", "user"}), r.body);
    BOOST_TEST(body["user"].size() == 13u);
    BOOST_TEST(body["user"]["phone"] == phone);
    BOOST_TEST(body["user"]["email"].is_null());
    BOOST_TEST(body["user"]["is_verified"] == true);
    BOOST_TEST(body["user"]["is_staff"] == false);
    const auto me = api.get("/api/me/", bearer(body["access"]));
    BOOST_TEST_REQUIRE(me.status == 200, show(me));
    BOOST_TEST(me.json()["id"] == body["user"]["id"]);
    BOOST_TEST(refresh(api, body["refresh"]).status == 200);
    // No email to send a code to; SMS is fine.
    BOOST_TEST(is_validation(api.post("/api/auth/otp/send/", {{"channel", "email"}}, bearer(body["access"])), {"channel"}));
    BOOST_TEST(api.post("/api/auth/otp/send/", {{"channel", "sms"}}, bearer(body["access"])).status == 200);
    BOOST_TEST(is_error(api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", code}}), 400, "otp_expired"));

    // The next login (by resend this time) finds the same user.
    BOOST_TEST_REQUIRE(api.post("/api/auth/phone/resend/", {{"phone", phone}}).status == 200);
    const auto second = api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", code_in(outbox.wait_sms(phone, 3))}});
    BOOST_TEST_REQUIRE(second.status == 200, show(second));
    BOOST_TEST(second.json()["user"]["id"] == body["user"]["id"]);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_otp_exposed, *boost::unit_test::fixture<DevStack>())

BOOST_AUTO_TEST_CASE(exposed_code_verifies_an_unverified_email) {
    auto& stack = DevStack::get();
    ApiClient api(stack);
    const std::string email = unique_email("exposed");
    register_user(api, email);
    const Pair p = obtain(api, email);  // GATEHOUSE_REQUIRE_VERIFIED=0: an unverified user may log in
    BOOST_TEST(p.user["is_verified"] == false);

    const auto sent = api.post("/api/auth/otp/send/", {{"channel", "email"}}, bearer(p.access));
    BOOST_TEST_REQUIRE(sent.status == 200, show(sent));
    const json body = sent.json();
    BOOST_TEST(body["detail"] == "Code sent.");
    BOOST_TEST_REQUIRE(body.contains("code"), sent.body);
    const std::string code = body["code"];
    BOOST_TEST(code.size() == 6u);
    BOOST_TEST(code_in(Outbox(stack).wait_mail(email, 2)) == code);

    BOOST_TEST(api.post("/api/auth/otp/verify/", {{"code", code}}, bearer(p.access)).status == 200);
    BOOST_TEST(api.get("/api/me/", bearer(p.access)).json()["is_verified"] == true);

    const std::string phone = unique_phone();
    const auto phone_sent = api.post("/api/auth/phone/login/", {{"phone", phone}});
    BOOST_TEST_REQUIRE(phone_sent.status == 200, show(phone_sent));
    BOOST_TEST_REQUIRE(phone_sent.json().contains("code"), phone_sent.body);
    BOOST_TEST(phone_sent.json()["code"] == code_in(Outbox(stack).wait_sms(phone)));
    BOOST_TEST(api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", phone_sent.json()["code"]}}).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(api_throttled, *boost::unit_test::fixture<ThrottledStack>())

BOOST_AUTO_TEST_CASE(sixth_code_sent_within_an_hour_is_429_with_retry_after) {
    auto& stack = ThrottledStack::get();
    ApiClient api(stack);
    const std::string email = unique_email("otp-limit");
    verified_user(api, email);  // the signup mail's code is the first of the five
    const std::string auth = bearer(obtain(api, email).access);
    for (int i = 2; i <= 5; ++i) {
        BOOST_TEST_CONTEXT("code #" << i) {
            const auto r = api.post("/api/auth/otp/send/", {{"channel", "email"}}, auth);
            BOOST_TEST(r.status == 200, show(r));
            BOOST_TEST(body_of(r).contains("code"));
        }
    }
    const auto refused = api.post("/api/auth/otp/send/", {{"channel", "email"}}, auth);
    BOOST_TEST(is_error(refused, 429, "throttled"));
    const int retry_after = std::stoi(refused.header("Retry-After").value_or("0"));
    BOOST_TEST((retry_after >= 1 && retry_after <= 3600), retry_after);
    // The code already sent still works.
    const std::string last = code_in(Outbox(stack).wait_mail(email, 5));
    BOOST_TEST(api.post("/api/auth/otp/verify/", {{"code", last}}, auth).status == 200);
}

BOOST_AUTO_TEST_CASE(sixth_phone_code_request_in_a_day_is_406_otp_limit) {
    auto& stack = ThrottledStack::get();
    ApiClient api(stack);
    const std::string phone = unique_phone();
    std::string code;
    for (int i = 1; i <= 5; ++i) {
        BOOST_TEST_CONTEXT("request #" << i) {
            const auto r = api.post(i % 2 ? "/api/auth/phone/login/" : "/api/auth/phone/resend/", {{"phone", phone}});
            BOOST_TEST_REQUIRE(r.status == 200, show(r));
            code = r.json().value("code", "");
        }
    }
    for (const char* path : {"/api/auth/phone/login/", "/api/auth/phone/resend/"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto r = api.post(path, {{"phone", phone}});
            BOOST_TEST(is_error(r, 406, "otp_limit"));
        }
    }
    BOOST_TEST(Outbox(stack).sms_to(phone).size() <= 5u);
    BOOST_TEST(is_error(api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", other_code(code)}}), 400,
                        "otp_invalid"));
    BOOST_TEST(api.post("/api/auth/phone/verify/", {{"phone", phone}, {"code", code}}).status == 200);
    // Another number is not affected.
    BOOST_TEST(api.post("/api/auth/phone/login/", {{"phone", unique_phone()}}).status == 200);
}

BOOST_AUTO_TEST_CASE(failed_logins_throttle_the_account_with_429_and_retry_after) {
    auto& stack = ThrottledStack::get();
    ApiClient api(stack);
    const std::string email = unique_email("login-limit");
    verified_user(api, email);
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", "Wrong-Passw0rd"}}), 401,
                            "no_active_account"));
    BOOST_TEST(is_error(api.post("/api/auth/token/", {{"email", email}, {"password", kPassword}}), 429, "throttled"));
    BOOST_TEST(is_error(api.post("/api/auth/login/", {{"email", email}, {"password", kPassword}}), 429, "throttled"));
}

// Last in the suite: it empties nginx's request bucket for this address for a few seconds.
BOOST_AUTO_TEST_CASE(nginx_request_limit_answers_json_429_with_retry_after) {
    auto& stack = ThrottledStack::get();
    ApiClient api(stack);
    std::vector<HttpResponse> throttled;
    for (int i = 0; i < 120 && throttled.size() < 3; ++i) {
        auto r = api.post("/api/auth/token/verify/", {{"token", "x"}});
        if (r.status == 429) throttled.push_back(std::move(r));
        else BOOST_TEST(r.status == 401, show(r));
    }
    BOOST_TEST_REQUIRE(!throttled.empty(), "120 quick requests were never limited");
    for (const auto& r : throttled) {
        BOOST_TEST(is_error(r, 429, "throttled"));
        BOOST_TEST(r.header_values("Retry-After").size() == 1u);
        BOOST_TEST(r.header("X-Frame-Options").value_or("") == "DENY");  // still nginx's own headers
    }
}

BOOST_AUTO_TEST_SUITE_END()
