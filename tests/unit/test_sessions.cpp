// Browser sessions (accounts/sessions.hpp) against a real memcached and SQLite: the cookie id, the
// login row behind it, and everything that ends it (logout, password change, deactivation, expiry).
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/store/logins.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace gatehouse;
using namespace std::chrono_literals;
using accounts::end_session;
using accounts::resume_session;
using accounts::start_session;

BOOST_FIXTURE_TEST_SUITE(sessions, test::AccountsFixture)

BOOST_AUTO_TEST_CASE(start_then_resume_round_trip) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    BOOST_TEST(started.id.size() >= 43u);  // 32 random bytes, base64url
    BOOST_TEST(started.login_id > 0);

    const auto active = resume_session(services, started.id, client);
    BOOST_REQUIRE(active.has_value());
    BOOST_TEST(active->user.id == user.id);
    BOOST_TEST(active->user.email.value_or("") == "alice@example.org");
    BOOST_TEST(active->login_id == started.login_id);
    BOOST_TEST(active->remember);
}

BOOST_AUTO_TEST_CASE(each_login_gets_a_new_random_id) {
    const auto user = make_user("alice@example.org");
    const auto a = start_session(services, user, false, client);
    const auto b = start_session(services, user, false, client);
    BOOST_TEST(a.id != b.id);
    BOOST_TEST(a.login_id != b.login_id);
    BOOST_TEST(resume_session(services, a.id, client)->login_id == a.login_id);
    BOOST_TEST(resume_session(services, b.id, client)->login_id == b.login_id);
}

BOOST_AUTO_TEST_CASE(memcached_holds_no_session_id_and_no_password_hash) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    const std::string hash = accounts::session_key_hash(started.id);
    BOOST_TEST(!cache.get("sess:" + started.id).has_value());
    const auto record = cache.get(accounts::session_cache_key(hash));
    BOOST_REQUIRE(record.has_value());
    BOOST_TEST(record->find(user.password_hash) == std::string::npos);
    BOOST_TEST(record->find(started.id) == std::string::npos);
    BOOST_TEST(store::LoginStore(db).find_by_key(hash)->id == started.login_id);
}

// A record written by an earlier Gatehouse (JSON) still resumes after an upgrade and is rewritten in
// the current form at its next touch; a record that is neither is no session.
BOOST_AUTO_TEST_CASE(an_earlier_json_record_still_resumes_and_garbage_does_not) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    const std::string key = accounts::session_cache_key(accounts::session_key_hash(started.id));
    const std::string current = cache.get(key).value();
    BOOST_TEST(current.starts_with("s1:"));
    const std::string fingerprint = current.substr(current.rfind(':') + 1);
    const nlohmann::json old = {{"u", user.id}, {"p", fingerprint}, {"e", test::kAccountsStart + 3600},
                                {"t", test::kAccountsStart}, {"r", true}, {"l", started.login_id}};
    cache.set(key, old.dump(), 3600);
    const auto resumed = resume_session(services, started.id, client);
    BOOST_REQUIRE(resumed.has_value());
    BOOST_TEST(resumed->user.id == user.id);
    BOOST_TEST(resumed->login_id == started.login_id);
    BOOST_TEST(resumed->remember);
    clock.advance(61s);
    BOOST_REQUIRE(resume_session(services, started.id, client).has_value());
    BOOST_TEST(cache.get(key).value().starts_with("s1:"));  // rewritten at the touch

    for (const char* garbage : {"s1:", "s1:1:2:3", "s1:x:2:3:4:1:ab", "s2:1:2:3:4:1:ab", "{\"u\":\"one\"}", "[]"}) {
        cache.set(key, garbage, 3600);
        BOOST_TEST(!resume_session(services, started.id, client, accounts::Lookup::Peek).has_value(), garbage);
    }
}

BOOST_AUTO_TEST_CASE(remember_sets_cookie_max_age_to_session_ttl) {
    config.session_ttl = 7 * 86400;
    const auto user = make_user("alice@example.org");
    const auto remembered = start_session(services, user, true, client);
    BOOST_REQUIRE(remembered.cookie_max_age.has_value());
    BOOST_TEST(*remembered.cookie_max_age == config.session_ttl);
    const auto row = store::LoginStore(db).find(remembered.login_id);
    BOOST_REQUIRE(row.has_value());
    BOOST_TEST(row->expires_at == clock.unix_seconds() + config.session_ttl);
}

BOOST_AUTO_TEST_CASE(not_remembered_ends_with_the_browser_and_lasts_a_day_on_the_server) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, false, client);
    BOOST_TEST(!started.cookie_max_age.has_value());
    BOOST_TEST(!resume_session(services, started.id, client)->remember);
    const auto row = store::LoginStore(db).find(started.login_id);
    BOOST_TEST(row->expires_at == clock.unix_seconds() + accounts::kBrowserSessionSeconds);

    clock.advance(std::chrono::seconds(accounts::kBrowserSessionSeconds - 1));
    BOOST_TEST(resume_session(services, started.id, client).has_value());
    clock.advance(1s);
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
}

BOOST_AUTO_TEST_CASE(remembered_session_expires_after_session_ttl) {
    config.session_ttl = 3 * 86400;
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    clock.advance(std::chrono::seconds(2 * 86400));
    BOOST_TEST(resume_session(services, started.id, client).has_value());  // past the one-day browser limit
    clock.advance(std::chrono::seconds(86400));
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
    // and it stays gone when the clock comes back (the expired record was dropped)
    clock.set(test::kAccountsStart);
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
}

BOOST_AUTO_TEST_CASE(unknown_empty_and_oversized_ids_do_not_resume) {
    make_user("alice@example.org");
    BOOST_TEST(!resume_session(services, "", client).has_value());
    BOOST_TEST(!resume_session(services, "no-such-session", client).has_value());
    BOOST_TEST(!resume_session(services, std::string(129, 'a'), client).has_value());
    BOOST_TEST(!resume_session(services, std::string(5000, 'a'), client).has_value());
}

BOOST_AUTO_TEST_CASE(end_session_stops_resume_and_revokes_the_login_row) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    const auto other = start_session(services, user, true, client);
    clock.advance(5s);
    end_session(services, started.id);
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
    const auto row = store::LoginStore(db).find(started.login_id);
    BOOST_REQUIRE(row.has_value());
    BOOST_REQUIRE(row->revoked_at.has_value());
    BOOST_TEST(*row->revoked_at == test::kAccountsStart + 5);
    // the other browser is untouched
    BOOST_TEST(resume_session(services, other.id, client).has_value());
    BOOST_TEST(!store::LoginStore(db).find(other.login_id)->revoked_at.has_value());
    // ending an unknown or already ended session is harmless
    BOOST_CHECK_NO_THROW(end_session(services, started.id));
    BOOST_CHECK_NO_THROW(end_session(services, "never-existed"));
}

BOOST_AUTO_TEST_CASE(a_password_change_anywhere_ends_the_session) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    store::UserStore(db).set_password_hash(user.id, services.hasher.hash(test::kOtherPassword));
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
    // it does not come back when the hash is set back either: the record is gone
    store::UserStore(db).set_password_hash(user.id, user.password_hash);
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
}

BOOST_AUTO_TEST_CASE(deactivating_the_user_ends_the_session) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    BOOST_REQUIRE(resume_session(services, started.id, client).has_value());
    store::UserStore(db).set_flags(user.id, false, false, false, true);
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
}

BOOST_AUTO_TEST_CASE(a_deleted_user_has_no_session) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    db.query("DELETE FROM users WHERE id = ?").bind(1, user.id).run();
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
}

// memcached restarted (or evicted the record): the session is rebuilt from its login row.
BOOST_AUTO_TEST_CASE(a_session_memcached_lost_is_rebuilt_from_its_login_row) {
    const auto user = make_user("alice@example.org");
    const auto remembered = start_session(services, user, true, client);
    const auto browser_only = start_session(services, user, false, client);
    for (const auto* started : {&remembered, &browser_only}) {
        const std::string key = accounts::session_cache_key(accounts::session_key_hash(started->id));
        BOOST_REQUIRE(cache.remove(key));
        const auto active = resume_session(services, started->id, client);
        BOOST_REQUIRE(active.has_value());
        BOOST_TEST(active->user.id == user.id);
        BOOST_TEST(active->login_id == started->login_id);
        BOOST_TEST(active->remember == (started == &remembered));
        BOOST_TEST(cache.get(key).has_value(), "back in memcached");
        const auto row = store::LoginStore(db).find(started->login_id);
        BOOST_TEST(row->auth_hash.size() == 32u);
        BOOST_TEST(row->auth_hash.find(user.password_hash) == std::string::npos);
    }
    // It keeps its own expiry: the browser-only one still ends after a day.
    clock.advance(std::chrono::seconds(accounts::kBrowserSessionSeconds));
    cache.remove(accounts::session_cache_key(accounts::session_key_hash(browser_only.id)));
    BOOST_TEST(!resume_session(services, browser_only.id, client).has_value());
    BOOST_TEST(resume_session(services, remembered.id, client).has_value());
}

// Whatever ended a session also stops its rebuild: nothing comes back after memcached loses it.
BOOST_AUTO_TEST_CASE(an_ended_session_is_not_rebuilt) {
    const auto user = make_user("alice@example.org");
    auto lost = [&](const accounts::StartedSession& started) {
        cache.remove(accounts::session_cache_key(accounts::session_key_hash(started.id)));
        return !resume_session(services, started.id, client).has_value();
    };
    const auto logged_out = start_session(services, user, true, client);
    end_session(services, logged_out.id);
    BOOST_TEST(lost(logged_out));

    const auto revoked = start_session(services, user, true, client);
    accounts::revoke_login(services, *store::LoginStore(db).find(revoked.login_id));
    BOOST_TEST(lost(revoked));

    const auto unchanged_row = start_session(services, user, true, client);  // the row is still live
    store::UserStore(db).set_password_hash(user.id, services.hasher.hash(test::kOtherPassword));  // as the CLI does
    BOOST_TEST(lost(unchanged_row));

    const auto old_row = start_session(services, *store::UserStore(db).find_by_id(user.id), true, client);
    db.query("UPDATE logins SET auth_hash = '' WHERE id = ?").bind(1, old_row.login_id).run();  // before 0007
    BOOST_TEST(lost(old_row));

    const auto of_inactive = start_session(services, *store::UserStore(db).find_by_id(user.id), true, client);
    store::UserStore(db).set_flags(user.id, false, false, false, true);
    BOOST_TEST(lost(of_inactive));
    store::UserStore(db).set_flags(user.id, true, false, false, true);
    BOOST_TEST(lost(of_inactive));
}

BOOST_AUTO_TEST_CASE(session_resumes_with_the_current_user_data) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    store::UserStore(db).set_verified(user.id);
    store::User changed = reload(user.id);
    changed.name = "Alice";
    store::UserStore(db).update_profile(changed);
    const auto active = resume_session(services, started.id, client);
    BOOST_REQUIRE(active.has_value());
    BOOST_TEST(active->user.name.value_or("") == "Alice");
}

BOOST_AUTO_TEST_CASE(last_seen_is_updated_at_most_once_a_minute) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    store::LoginStore logins(db);
    auto last_seen = [&] { return logins.find(started.login_id)->last_seen_at; };
    const accounts::ClientInfo moved{"198.51.100.7", client.user_agent};

    BOOST_TEST(last_seen() == test::kAccountsStart);
    clock.advance(30s);
    BOOST_REQUIRE(resume_session(services, started.id, moved).has_value());
    BOOST_TEST(last_seen() == test::kAccountsStart);            // < 1 min: not written
    BOOST_TEST(logins.find(started.login_id)->ip == client.ip);
    clock.advance(30s);
    BOOST_REQUIRE(resume_session(services, started.id, moved).has_value());
    BOOST_TEST(last_seen() == test::kAccountsStart + 60);       // 1 min: written, with the new IP
    BOOST_TEST(logins.find(started.login_id)->ip == moved.ip);
    clock.advance(59s);
    BOOST_REQUIRE(resume_session(services, started.id, moved).has_value());
    BOOST_TEST(last_seen() == test::kAccountsStart + 60);       // 59 s after the last write
    clock.advance(1s);
    BOOST_REQUIRE(resume_session(services, started.id, moved).has_value());
    BOOST_TEST(last_seen() == test::kAccountsStart + 120);
}

// The gate's lookup (Lookup::Peek) finds the same user but writes nothing: no "last seen", and an
// expired session is not ended by it (the next real use ends it).
BOOST_AUTO_TEST_CASE(a_peek_finds_the_user_and_writes_nothing) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, false, client);
    store::LoginStore logins(db);
    clock.advance(120s);
    const auto peeked = resume_session(services, started.id, client, accounts::Lookup::Peek);
    BOOST_REQUIRE(peeked.has_value());
    BOOST_TEST(peeked->user.id == user.id);
    BOOST_TEST(logins.find(started.login_id)->last_seen_at == test::kAccountsStart);
    BOOST_REQUIRE(resume_session(services, started.id, client).has_value());
    BOOST_TEST(logins.find(started.login_id)->last_seen_at == test::kAccountsStart + 120);

    clock.advance(std::chrono::seconds(accounts::kBrowserSessionSeconds));
    BOOST_TEST(!resume_session(services, started.id, client, accounts::Lookup::Peek).has_value());
    BOOST_TEST(!logins.find(started.login_id)->revoked_at.has_value());
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
    BOOST_TEST(logins.find(started.login_id)->revoked_at.has_value());
}

BOOST_AUTO_TEST_CASE(touching_does_not_extend_the_session) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, false, client);
    for (int hour = 1; hour < 24; ++hour) {
        clock.advance(3600s);
        BOOST_REQUIRE(resume_session(services, started.id, client).has_value());
    }
    clock.advance(3600s);  // 24 h after the login
    BOOST_TEST(!resume_session(services, started.id, client).has_value());
}

BOOST_AUTO_TEST_CASE(the_login_row_describes_the_device) {
    const auto user = make_user("alice@example.org");
    const auto started = start_session(services, user, true, client);
    const auto row = store::LoginStore(db).find(started.login_id);
    BOOST_REQUIRE(row.has_value());
    BOOST_TEST(row->user_id == user.id);
    BOOST_TEST(row->kind == "session");
    BOOST_TEST(row->key_hash == accounts::session_key_hash(started.id));
    BOOST_TEST(row->device == "Firefox on Linux");
    BOOST_TEST(row->ip == client.ip);
    BOOST_TEST(row->created_at == test::kAccountsStart);
    BOOST_TEST(row->last_seen_at == test::kAccountsStart);
    BOOST_TEST(!row->revoked_at.has_value());
    const auto live = accounts::live_logins(services, user.id);
    BOOST_REQUIRE(live.size() == 1u);
    BOOST_TEST(live[0].id == started.login_id);
}

BOOST_AUTO_TEST_SUITE_END()
