// The new-device notice (accounts/device_notice.hpp) through accounts::log_in: the first login is
// silent, a new device (user agent or network) is mailed once, a known one not, and a device unseen
// for 90 days is new again.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/device_notice.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;
using accounts::ClientInfo;

namespace {

struct Notice : test::AccountsFixture {
    const std::string email = "notice@example.com";
    std::size_t notices() {
        std::size_t n = 0;
        for (const auto& m : mails_to(email)) n += m.subject == "A new sign-in to your account";
        return n;
    }
    void login_from(const ClientInfo& from) { BOOST_TEST_REQUIRE(password_login(email, test::kGoodPassword, from).has_value()); }
};

const ClientInfo kLaptop{"192.0.2.10", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"};
const ClientInfo kPhone{"192.0.2.10", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"};

}  // namespace

BOOST_AUTO_TEST_SUITE(device_notice)

BOOST_FIXTURE_TEST_CASE(a_new_device_is_mailed_once_and_a_known_one_never, Notice) {
    make_user(email);
    login_from(kLaptop);
    BOOST_TEST(notices() == 0u, "the first login is the account's first device");
    login_from(kLaptop);
    login_from(ClientInfo{"192.0.2.99", kLaptop.user_agent});  // the same /24
    BOOST_TEST(notices() == 0u);

    login_from(kPhone);
    BOOST_TEST_REQUIRE(notices() == 1u);
    const auto mail = mails_to(email).back();
    BOOST_TEST(mail.text_body.find("Chrome on Android") != std::string::npos, mail.text_body);
    BOOST_TEST(mail.text_body.find("192.0.2.10") != std::string::npos);
    BOOST_TEST(mail.text_body.find("2023-11-14 22:00:00 UTC") != std::string::npos);
    BOOST_TEST(mail.text_body.find("https://localhost:8443/accounts/devices/") != std::string::npos);
    login_from(kPhone);
    BOOST_TEST(notices() == 1u);

    login_from(ClientInfo{"198.51.100.7", kLaptop.user_agent});  // the laptop on another network
    BOOST_TEST(notices() == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_device_unseen_for_90_days_is_new_again, Notice) {
    make_user(email);
    login_from(kLaptop);
    login_from(kPhone);
    BOOST_TEST(notices() == 1u);
    clock.advance(std::chrono::seconds(89 * 86400));
    login_from(kLaptop);  // seen within 90 days
    BOOST_TEST(notices() == 1u);
    clock.advance(std::chrono::seconds(2 * 86400));  // the phone: 91 days ago
    login_from(kPhone);
    BOOST_TEST(notices() == 2u);
}

BOOST_FIXTURE_TEST_CASE(the_setting_off_mails_nothing_and_a_refused_login_records_nothing, Notice) {
    make_user(email);
    BOOST_TEST(!password_login(email, "Wrong-Password-1", kPhone).has_value());
    login_from(kLaptop);
    BOOST_TEST(notices() == 0u, "the refused phone was not the first device, the laptop was");
    config.new_device_mail = false;
    login_from(kPhone);
    BOOST_TEST(notices() == 0u);
    config.new_device_mail = true;
    login_from(kPhone);  // recorded while the setting was off: known now
    BOOST_TEST(notices() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
