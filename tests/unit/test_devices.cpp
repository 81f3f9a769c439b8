// Logins as devices (accounts/logins.hpp): GATEHOUSE_MAX_DEVICES, revoking one or all, and the
// "Firefox on Linux" descriptions of the devices page.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/store/logins.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;
using namespace std::chrono_literals;
using accounts::describe_device;
using accounts::live_logins;
using accounts::resume_session;
using accounts::start_session;

namespace {
std::vector<std::int64_t> ids(const std::vector<store::Login>& logins) {
    std::vector<std::int64_t> out;
    for (const auto& l : logins) out.push_back(l.id);
    return out;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(devices, test::AccountsFixture)

BOOST_AUTO_TEST_CASE(a_third_login_over_max_devices_revokes_the_oldest) {
    config.max_devices = 2;
    const auto user = make_user("alice@example.org");
    const auto first = start_session(services, user, true, client);
    clock.advance(10s);
    const auto second = start_session(services, user, true, client);
    clock.advance(10s);
    const auto third = start_session(services, user, true, client);

    BOOST_TEST(!resume_session(services, first.id, client).has_value());
    BOOST_TEST(resume_session(services, second.id, client).has_value());
    BOOST_TEST(resume_session(services, third.id, client).has_value());
    const auto oldest = store::LoginStore(db).find(first.login_id);
    BOOST_REQUIRE(oldest->revoked_at.has_value());
    BOOST_TEST(*oldest->revoked_at == test::kAccountsStart + 20);
    BOOST_TEST(ids(live_logins(services, user.id)) == (std::vector<std::int64_t>{second.login_id, third.login_id}),
               boost::test_tools::per_element());

    clock.advance(10s);
    const auto fourth = start_session(services, user, true, client);
    BOOST_TEST(!resume_session(services, second.id, client).has_value());
    BOOST_TEST(ids(live_logins(services, user.id)) == (std::vector<std::int64_t>{third.login_id, fourth.login_id}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(max_devices_counts_each_user_separately) {
    config.max_devices = 2;
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    const auto a1 = start_session(services, alice, true, client);
    const auto a2 = start_session(services, alice, true, client);
    const auto b1 = start_session(services, bob, true, client);
    const auto b2 = start_session(services, bob, true, client);
    for (const auto* s : {&a1, &a2, &b1, &b2}) BOOST_TEST(resume_session(services, s->id, client).has_value());
    BOOST_TEST(live_logins(services, alice.id).size() == 2u);
    BOOST_TEST(live_logins(services, bob.id).size() == 2u);
}

BOOST_AUTO_TEST_CASE(max_devices_of_one_keeps_only_the_latest) {
    config.max_devices = 1;
    const auto user = make_user("alice@example.org");
    const auto first = start_session(services, user, false, client);
    const auto second = start_session(services, user, false, client);
    BOOST_TEST(!resume_session(services, first.id, client).has_value());
    BOOST_TEST(resume_session(services, second.id, client).has_value());
    BOOST_TEST(live_logins(services, user.id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(expired_logins_do_not_count_against_max_devices) {
    config.max_devices = 2;
    const auto user = make_user("alice@example.org");
    const auto old = start_session(services, user, false, client);  // lives a day
    clock.advance(std::chrono::seconds(accounts::kBrowserSessionSeconds));
    BOOST_TEST(live_logins(services, user.id).empty());
    const auto a = start_session(services, user, true, client);
    const auto b = start_session(services, user, true, client);
    BOOST_TEST(resume_session(services, a.id, client).has_value());
    BOOST_TEST(resume_session(services, b.id, client).has_value());
    BOOST_TEST(!store::LoginStore(db).find(old.login_id)->revoked_at.has_value());  // expired, not revoked
}

BOOST_AUTO_TEST_CASE(revoke_login_ends_that_session_only) {
    const auto user = make_user("alice@example.org");
    const auto a = start_session(services, user, true, client);
    const auto b = start_session(services, user, true, client);
    accounts::revoke_login(services, *store::LoginStore(db).find(a.login_id));
    BOOST_TEST(!resume_session(services, a.id, client).has_value());
    BOOST_TEST(resume_session(services, b.id, client).has_value());
    BOOST_TEST(ids(live_logins(services, user.id)) == (std::vector<std::int64_t>{b.login_id}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(revoke_all_logins_keeps_the_kept_one) {
    const auto user = make_user("alice@example.org");
    const auto other_user = make_user("bob@example.org");
    const auto a = start_session(services, user, true, client);
    const auto b = start_session(services, user, true, client);
    const auto c = start_session(services, user, true, client);
    const auto bobs = start_session(services, other_user, true, client);

    accounts::revoke_all_logins(services, user.id, b.login_id);
    BOOST_TEST(!resume_session(services, a.id, client).has_value());
    BOOST_TEST(resume_session(services, b.id, client).has_value());
    BOOST_TEST(!resume_session(services, c.id, client).has_value());
    BOOST_TEST(resume_session(services, bobs.id, client).has_value());  // another user's logins stay
    BOOST_TEST(ids(live_logins(services, user.id)) == (std::vector<std::int64_t>{b.login_id}), boost::test_tools::per_element());
    BOOST_TEST(store::LoginStore(db).find(a.login_id)->revoked_at.has_value());
    BOOST_TEST(store::LoginStore(db).find(c.login_id)->revoked_at.has_value());
}

BOOST_AUTO_TEST_CASE(revoke_all_logins_without_keep_ends_every_one) {
    const auto user = make_user("alice@example.org");
    const auto a = start_session(services, user, true, client);
    const auto b = start_session(services, user, true, client);
    accounts::revoke_all_logins(services, user.id);
    BOOST_TEST(!resume_session(services, a.id, client).has_value());
    BOOST_TEST(!resume_session(services, b.id, client).has_value());
    BOOST_TEST(live_logins(services, user.id).empty());
}

BOOST_AUTO_TEST_CASE(non_session_logins_are_rows_only) {
    config.max_devices = 2;
    const auto user = make_user("alice@example.org");
    const auto jwt = accounts::open_login(services, {user.id, "jwt", std::string(64, 'a'), client, 86400});
    const auto token = accounts::open_login(services, {user.id, "token", std::string(64, 'b'), {"203.0.113.9", "curl/8.5.0"}, 86400});
    const auto live = live_logins(services, user.id);
    BOOST_REQUIRE(live.size() == 2u);
    BOOST_TEST(live[0].id == jwt);
    BOOST_TEST(live[1].kind == "token");
    BOOST_TEST(live[1].device == "curl");
    BOOST_TEST(live[1].ip == "203.0.113.9");
    BOOST_TEST(live[1].expires_at == test::kAccountsStart + 86400);
    // a browser login over the limit pushes out the oldest, whatever its kind
    const auto session = start_session(services, user, true, client);
    BOOST_TEST(ids(live_logins(services, user.id)) == (std::vector<std::int64_t>{token, session.login_id}),
               boost::test_tools::per_element());
}

// --- describe_device -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(describes_common_browsers_and_systems) {
    BOOST_TEST(describe_device("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0") ==
               "Firefox on Linux");
    BOOST_TEST(describe_device("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0") ==
               "Firefox on Linux");
    BOOST_TEST(describe_device("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/126.0.0.0 Mobile Safari/537.36") == "Chrome on Android");
    BOOST_TEST(describe_device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                               "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1") == "Safari on iOS");
    BOOST_TEST(describe_device("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                               "Version/17.5 Mobile/15E148 Safari/604.1") == "Safari on iOS");
    BOOST_TEST(describe_device("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
                               "Gecko) Version/17.5 Safari/605.1.15") == "Safari on macOS");
    BOOST_TEST(describe_device("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/126.0.0.0 Safari/537.36") == "Chrome on Windows");
    BOOST_TEST(describe_device("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87") == "Edge on Windows");
    BOOST_TEST(describe_device("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/126.0.0.0 Safari/537.36") == "Chrome on ChromeOS");
    BOOST_TEST(describe_device("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0") ==
               "Firefox on Android");
}

BOOST_AUTO_TEST_CASE(describes_command_line_clients_and_unknowns) {
    BOOST_TEST(describe_device("curl/8.5.0") == "curl");
    BOOST_TEST(describe_device("python-requests/2.31.0") == "Python client");
    BOOST_TEST(describe_device("okhttp/4.12.0") == "Android app");
    BOOST_TEST(describe_device("") == "Unknown device");
    BOOST_TEST(describe_device("MyApp/1.0") == "MyApp");
    BOOST_TEST(describe_device(std::string(100, 'x')).size() == 40u);  // never the whole header
}

BOOST_AUTO_TEST_SUITE_END()
