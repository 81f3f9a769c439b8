// The new-device notice end to end (README: New-device notice): a login from a device (user agent +
// network) the user has not used in 90 days mails "A new sign-in to your account" once, by browser or
// API; the same device again, or a known one, is not mailed. Through nginx every client is 127.0.0.1,
// so the devices here differ by user agent (the network rule has its unit test).
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;

namespace {

const std::string kSubject = "A new sign-in to your account";

std::size_t notices(const Mailbox& mailbox, const std::string& email) {
    std::size_t n = 0;
    for (const auto& mail : mailbox.to(email)) n += mail.subject == kSubject;
    return n;
}

// The mailer polls: wait a little longer than its poll before saying no mail came.
void settle() { std::this_thread::sleep_for(1500ms); }

}  // namespace

BOOST_AUTO_TEST_SUITE(new_device)

BOOST_AUTO_TEST_CASE(a_new_device_is_mailed_once_and_a_known_one_never) {
    StackOptions options;
    options.new_device_mail = true;
    Stack stack(options);
    Mailbox mailbox(stack);
    const std::string email = unique_email("newdevice");
    sign_up_verified(stack, email);

    Browser laptop(stack, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    BOOST_TEST_REQUIRE(log_in(laptop, email).status == 302);
    Browser laptop_again(stack, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    BOOST_TEST_REQUIRE(log_in(laptop_again, email).status == 302);
    settle();
    BOOST_TEST(notices(mailbox, email) == 0u, "the first device, then the same one again");

    Browser phone(stack, "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36");
    BOOST_TEST_REQUIRE(log_in(phone, email).status == 302);
    const auto mail = mailbox.wait_for(email, mailbox.to(email).size() + 1);
    BOOST_TEST(mail.subject == kSubject);
    BOOST_TEST(contains(mail.raw, "Chrome on Android"));
    BOOST_TEST(contains(mail.raw, "127.0.0.1"));
    BOOST_TEST(contains(mail.raw, " UTC"));
    BOOST_TEST(contains(mail.raw, "https://localhost:" + std::to_string(stack.https_port()) + "/accounts/devices/"));

    Browser phone_again(stack, "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36");
    BOOST_TEST_REQUIRE(log_in(phone_again, email).status == 302);
    settle();
    BOOST_TEST(notices(mailbox, email) == 1u, "the same new device is mailed once");

    // The API is a login like any other: a new client is mailed, then known.
    api::ApiClient app(stack, "Gatehouse-e2e-app/2.0 (iPhone; iOS 17.5)");
    api::obtain(app, email, kGoodPassword);
    BOOST_TEST(wait_until(10s, [&] { return notices(mailbox, email) == 2u; }));
    api::api_token(app, email, kGoodPassword);
    settle();
    BOOST_TEST(notices(mailbox, email) == 2u);

    // The laptop, known, logs in again: nothing.
    Browser laptop_third(stack, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    BOOST_TEST_REQUIRE(log_in(laptop_third, email).status == 302);
    settle();
    BOOST_TEST(notices(mailbox, email) == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
