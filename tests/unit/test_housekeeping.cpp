#include "gatehouse/store/email_changes.hpp"
#include "gatehouse/store/housekeeping.hpp"
#include "gatehouse/store/logins.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/outbox.hpp"
#include "gatehouse/store/users.hpp"

#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kDay = 86400;

std::int64_t count(store::Database& db, const char* table) {
    auto q = db.query(std::string("SELECT count(*) FROM ") + table);
    q.step();
    return q.row().column_int(0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(housekeeping)

BOOST_AUTO_TEST_CASE(sweeps_only_what_is_past_keeping) {
    test::TempDir dir;
    store::Database db(dir.database());
    store::apply_migrations(db, store::read_migrations("db/migrations", db.engine()));
    store::User user;
    user.email = "keep@example.org";
    user.date_joined = "2026-01-01T00:00:00Z";
    const auto uid = store::UserStore(db).insert(user);

    store::OutboxStore outbox(db);
    const auto old_sent = outbox.enqueue("email", "a@example.org", "s", "t", "h", kNow - 9 * kDay);
    const auto new_sent = outbox.enqueue("email", "a@example.org", "s", "t", "h", kNow - kDay);
    outbox.enqueue("email", "a@example.org", "s", "t", "h", kNow - 9 * kDay);  // never sent: kept
    outbox.mark_sent(old_sent, kNow - 8 * kDay);
    outbox.mark_sent(new_sent, kNow - kDay);

    store::LoginStore logins(db);
    auto login = [&](const char* key, std::int64_t expires) {
        store::Login l;
        l.user_id = uid;
        l.kind = "jwt";
        l.key_hash = key;
        l.created_at = l.last_seen_at = kNow - 60 * kDay;
        l.expires_at = expires;
        return logins.insert(l);
    };
    const auto live = login("live", kNow + kDay);
    const auto long_revoked = login("old-revoked", kNow + kDay);
    const auto just_revoked = login("new-revoked", kNow + kDay);
    login("long-expired", kNow - 40 * kDay);
    logins.revoke(long_revoked, kNow - 31 * kDay);
    logins.revoke(just_revoked, kNow - kDay);
    logins.blacklist("expired-jti", live, kNow - 2 * kDay, kNow - kDay);
    logins.blacklist("live-jti", live, kNow - kDay, kNow + kDay);

    const auto swept = store::sweep_expired(db, kNow, 7 * kDay, 30 * kDay);
    BOOST_TEST(swept.outbox == 1);
    BOOST_TEST(swept.blacklist == 1);
    BOOST_TEST(swept.logins == 2);
    BOOST_TEST(count(db, "outbox") == 2);
    BOOST_TEST(logins.find(live).has_value());
    BOOST_TEST(logins.find(just_revoked).has_value());
    BOOST_TEST(!logins.find(long_revoked).has_value());
    BOOST_TEST(logins.blacklisted("live-jti").has_value());
    BOOST_TEST(!logins.blacklisted("expired-jti").has_value());
}

BOOST_AUTO_TEST_CASE(email_changes_go_once_no_link_or_code_can_use_them) {
    test::TempDir dir;
    store::Database db(dir.database());
    store::apply_migrations(db, store::read_migrations("db/migrations", db.engine()));
    store::UserStore users(db);
    auto user_id = [&](const char* email) {
        store::User user;
        user.email = email;
        user.date_joined = "2026-01-01T00:00:00Z";
        return users.insert(user);
    };
    store::EmailChangeStore changes(db);
    const std::int64_t undo = 7 * kDay;
    const auto pending_live = changes.request(user_id("a@example.org"), "a@example.org", "a2@example.org", kNow - 60, kNow + 3 * kDay);
    changes.request(user_id("b@example.org"), "b@example.org", "b2@example.org", kNow - 4 * kDay, kNow - kDay);  // past its deadline
    const auto confirmed_recently = changes.request(user_id("c@example.org"), "c@example.org", "c2@example.org", kNow - 3 * kDay, kNow);
    changes.confirm(confirmed_recently, kNow - 2 * kDay);  // still undoable
    const auto confirmed_long_ago = changes.request(user_id("d@example.org"), "d@example.org", "d2@example.org", kNow - 9 * kDay, kNow);
    changes.confirm(confirmed_long_ago, kNow - 8 * kDay);
    const auto undone = changes.request(user_id("e@example.org"), "e@example.org", "e2@example.org", kNow - 2 * kDay, kNow);
    changes.confirm(undone, kNow - 2 * kDay);
    changes.undo(undone, kNow - kDay);

    BOOST_TEST(changes.sweep(kNow, undo) == 3);
    BOOST_TEST(count(db, "email_changes") == 2);
    BOOST_TEST(changes.find(pending_live).has_value());
    BOOST_TEST(changes.find(confirmed_recently).has_value());
    BOOST_TEST(changes.sweep(kNow, undo) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
