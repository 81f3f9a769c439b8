// Behind a load balancer (README: Behind a load balancer): with GATEHOUSE_TRUSTED_PROXIES naming the
// balancer, nginx takes the client address from X-Forwarded-For (its realip module) and Gatehouse
// records that address; from anyone else, or with the setting empty, the header changes nothing.
// Here the test's client, on 127.0.0.1, plays the balancer.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

// The address the login just made was recorded with (its row in /api/me/devices/).
std::string recorded_address(ApiClient& api, const std::string& email, const std::string& forwarded_for) {
    const auto answer = api.call("POST", "/api/auth/token/", {{"email", email}, {"password", kPassword}}, {},
                                 {{"X-Forwarded-For", forwarded_for}});
    BOOST_REQUIRE_MESSAGE(answer.status == 200, show(answer));
    const auto devices = api.get("/api/me/devices/", bearer(answer.json()["access"].get<std::string>()));
    for (const auto& login : devices.json())
        if (login["current"].get<bool>()) return login["ip"].get<std::string>();
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(trusted_proxies)

BOOST_AUTO_TEST_CASE(the_balancers_forwarded_address_is_the_clients) {
    StackOptions options;
    options.env = {{"GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"}};
    Stack stack(options);
    ApiClient api(stack);
    const std::string email = unique_email("proxied");
    verified_user(api, email);
    BOOST_TEST(recorded_address(api, email, "203.0.113.7") == "203.0.113.7");
    // A client's own X-Forwarded-For arrives ahead of what the balancer appends: the rightmost
    // address no trusted proxy vouches for is the client, whatever the client wrote before it.
    BOOST_TEST(recorded_address(api, email, "198.51.100.99, 203.0.113.8") == "203.0.113.8");
    BOOST_TEST(recorded_address(api, email, "198.51.100.99, 203.0.113.9, 10.1.2.3") == "203.0.113.9");
}

BOOST_AUTO_TEST_CASE(without_the_setting_the_header_is_ignored) {
    ApiClient api(shared_stack());
    const std::string email = unique_email("not-proxied");
    verified_user(api, email);
    BOOST_TEST(recorded_address(api, email, "203.0.113.7") == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(a_bad_entry_stops_the_stack_with_its_name) {
    StackOptions options;
    options.env = {{"GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/40"}};
    std::string refusal;
    try {
        Stack stack(options);
    } catch (const std::exception& e) {
        refusal = e.what();
    }
    BOOST_TEST(contains(refusal, "GATEHOUSE_TRUSTED_PROXIES"), "the stack started, or said nothing of the setting: " << refusal);
    BOOST_TEST(contains(refusal, "10.0.0.0/40"), refusal);
}

BOOST_AUTO_TEST_SUITE_END()
