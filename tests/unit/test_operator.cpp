// What the operator's commands (gatehouse check, users, sessions, clearsessions, outbox, audit) add
// beneath them: the store's queries (unsent outbox rows and making one due, the audit trail by user and
// time, pending migrations, integrity), the account rules the commands call (ending a user's logins
// with an audit row, deleting as the operator, clearing dead logins now) and ISO 8601 times as typed.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/housekeeping.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/outbox.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/store/audit.hpp"
#include "gatehouse/store/logins.hpp"
#include "gatehouse/store/outbox.hpp"

#include <boost/test/unit_test.hpp>

using namespace gatehouse;

namespace {

struct Operator : test::AccountsFixture {
    accounts::Actor op = accounts::operator_actor("root");

    std::int64_t open(const store::User& user, const std::string& key, const std::string& kind = "token") {
        return accounts::open_login(services, {user.id, kind, key, client, 3600});
    }
    std::int64_t count(const std::string& query) {
        auto q = db.query(query);
        q.step();
        return q.row().column_int(0);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(operator_rules, Operator)

BOOST_AUTO_TEST_CASE(iso8601_as_an_operator_types_it) {
    BOOST_TEST(core::parse_iso8601("1970-01-01").value_or(-1) == 0);
    BOOST_TEST(core::parse_iso8601("2023-11-14T22:13:20Z").value_or(-1) == 1'700'000'000);
    BOOST_TEST(core::parse_iso8601("2023-11-14 22:13:20").value_or(-1) == 1'700'000'000);
    BOOST_TEST(core::parse_iso8601("2023-11-14T22:13:20.999Z").value_or(-1) == 1'700'000'000);
    BOOST_TEST(core::parse_iso8601("2023-11-15T00:13:20+02:00").value_or(-1) == 1'700'000'000);
    BOOST_TEST(core::parse_iso8601("2023-11-14T17:13:20-0500").value_or(-1) == 1'700'000'000);
    BOOST_TEST(core::parse_iso8601("2023-11-14T22:13").value_or(-1) == 1'700'000'000 - 20);
    BOOST_TEST(core::parse_iso8601("2024-02-29").has_value());
    for (const char* bad : {"", "yesterday", "2023-02-29", "2023-13-01", "2023-11-14T24:00", "2023-11-14T22:13:20X",
                            "2023-11-14T22", "2023/11/14", "2023-11-14T22:13:20+2", "20231114"})
        BOOST_TEST(!core::parse_iso8601(bad).has_value(), bad);
    // Round trip with the writer.
    BOOST_TEST(core::parse_iso8601(core::iso8601_utc(1'234'567'890)).value_or(-1) == 1'234'567'890);
}

BOOST_AUTO_TEST_CASE(the_outbox_lists_unsent_mail_and_makes_one_due_now) {
    store::OutboxStore outbox(db);
    const auto failed = outbox.enqueue("email", "a@example.org", "s", "secret code 123456", "", 100);
    const auto pending = outbox.enqueue("sms", "+447700900001", "", "t", "", 200);
    const auto sent = outbox.enqueue("email", "b@example.org", "s", "t", "", 50);
    outbox.mark_failed(failed, 2, 9'999, "connection refused");
    outbox.mark_sent(sent, 60);

    const auto queue = accounts::outbox_queue(services);
    BOOST_TEST_REQUIRE(queue.size() == 2u);
    BOOST_TEST(queue[0].id == failed, "oldest first");
    BOOST_TEST(queue[0].attempts == 2);
    BOOST_TEST(queue[0].last_error.value_or("") == "connection refused");
    BOOST_TEST(queue[0].next_attempt_at == 9'999);
    BOOST_TEST(queue[1].id == pending);
    BOOST_TEST(!queue[1].last_error.has_value());

    BOOST_TEST(accounts::retry_message_now(services, failed));
    BOOST_TEST(outbox.due(services.now(), 10).size() == 2u, "the failed one is not due now");
    BOOST_TEST(accounts::outbox_queue(services)[0].attempts == 2, "a retry forgot the tries");
    BOOST_TEST(!accounts::retry_message_now(services, sent), "a sent message was made due again");
    BOOST_TEST(!accounts::retry_message_now(services, 999'999));
}

BOOST_AUTO_TEST_CASE(the_audit_trail_by_user_and_since) {
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    store::AuditStore audit(db);
    audit.record(100, alice.id, bob.id, "make_staff", "", "");
    audit.record(200, std::nullopt, alice.id, "deactivate", "", "", "command line (root)");
    audit.record(300, bob.id, bob.id, "login", "", "");

    BOOST_TEST(accounts::audit_trail(services, {}).size() == 3u);
    const auto of_alice = accounts::audit_trail(services, {alice.id, std::nullopt, 50});
    BOOST_TEST_REQUIRE(of_alice.size() == 2u, "as actor or as target");
    BOOST_TEST(of_alice[0].action == "deactivate");
    BOOST_TEST(of_alice[1].action == "make_staff");
    BOOST_TEST(accounts::audit_trail(services, {bob.id, 200, 50}).size() == 1u);
    BOOST_TEST(accounts::audit_trail(services, {std::nullopt, 200, 50}).size() == 2u, "since is inclusive");
    BOOST_TEST(accounts::audit_trail(services, {std::nullopt, std::nullopt, 1}).at(0).action == "login");
}

BOOST_AUTO_TEST_CASE(end_logins_ends_one_or_all_and_audits_it) {
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    const auto one = open(alice, "k1"), two = open(alice, "k2", "jwt");
    const auto bobs = open(bob, "k3");

    BOOST_TEST(test::outcome_of(accounts::end_logins(services, op, alice, bobs)) == "NotFound", "another user's login");
    BOOST_TEST(test::outcome_of(accounts::end_logins(services, op, alice, 999'999)) == "NotFound");
    BOOST_TEST(accounts::live_logins(services, bob.id).size() == 1u);

    BOOST_TEST(accounts::end_logins(services, op, alice, one).value_or(-1) == 1);
    auto live = accounts::live_logins(services, alice.id);
    BOOST_TEST_REQUIRE(live.size() == 1u);
    BOOST_TEST(live[0].id == two);
    BOOST_TEST(accounts::end_logins(services, op, alice).value_or(-1) == 1);
    BOOST_TEST(accounts::live_logins(services, alice.id).empty());
    BOOST_TEST(accounts::end_logins(services, op, alice).value_or(-1) == 0, "nothing left to end");

    const auto rows = store::AuditStore(db).matching(alice.id, std::nullopt, 10);
    BOOST_TEST_REQUIRE(rows.size() == 2u, "one row per ending, none when nothing ended");
    BOOST_TEST(rows[0].action == "end_logins");
    BOOST_TEST(rows[0].actor_label == "command line (root)");
    BOOST_TEST(rows[1].detail.find("login " + std::to_string(one)) != std::string::npos, rows[1].detail);
}

BOOST_AUTO_TEST_CASE(delete_user_ends_logins_and_audits_with_the_email) {
    const auto alice = make_user("alice@example.org");
    open(alice, "k1");
    accounts::delete_user(services, op, alice);
    BOOST_TEST(!store::UserStore(db).find_by_id(alice.id).has_value());
    BOOST_TEST(count("SELECT count(*) FROM logins") == 0);
    const auto rows = store::AuditStore(db).recent(10);
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].action == "delete");
    BOOST_TEST(rows[0].detail == "email: alice@example.org");
    BOOST_TEST(rows[0].actor_label == "command line (root)");
}

BOOST_AUTO_TEST_CASE(find_users_matches_as_the_list_search_does) {
    make_user("alice@example.org", test::kGoodPassword, true, "Alice");
    make_user("bob@example.org");
    BOOST_TEST(accounts::find_users(services, "").size() == 2u);
    const auto found = accounts::find_users(services, "ALICE example");
    BOOST_TEST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].email.value_or("") == "alice@example.org");
    BOOST_TEST(accounts::find_users(services, "carol").empty());
}

BOOST_AUTO_TEST_CASE(clear_expired_logins_drops_every_dead_login_now_and_keeps_live_ones) {
    const auto alice = make_user("alice@example.org");
    const auto live = open(alice, "live");
    const auto revoked = open(alice, "revoked");
    const auto expiring = accounts::open_login(services, {alice.id, "jwt", "expiring", client, 60});
    store::LoginStore logins(db);
    logins.revoke(revoked, services.now());  // this very second
    logins.blacklist("old-jti", live, services.now(), services.now());
    logins.blacklist("live-jti", live, services.now(), services.now() + 120);
    clock.advance(std::chrono::seconds(60));  // "expiring" expires now

    const auto swept = accounts::clear_expired_logins(services);
    BOOST_TEST(swept.logins == 2);
    BOOST_TEST(swept.blacklist == 1);
    BOOST_TEST(logins.find(live).has_value());
    BOOST_TEST(!logins.find(revoked).has_value());
    BOOST_TEST(!logins.find(expiring).has_value());
    BOOST_TEST(logins.blacklisted("live-jti").has_value());
}

BOOST_AUTO_TEST_CASE(pending_migrations_and_integrity_change_nothing) {
    test::TempDir fresh;
    store::Database empty(fresh.file("empty.db"));
    const auto migrations = store::read_migrations("db/migrations", db.engine());
    BOOST_TEST(store::pending_migrations(empty, migrations).size() == migrations.size(), "a new database has them all");
    BOOST_TEST(db.has_table("schema_migrations"));
    BOOST_TEST(store::pending_migrations(db, migrations).empty());
    auto more = migrations;
    more.push_back({"9999_later", "SELECT 1;"});
    const auto pending = store::pending_migrations(db, more);
    BOOST_TEST_REQUIRE(pending.size() == 1u);
    BOOST_TEST(pending[0] == "9999_later");
    BOOST_TEST(db.integrity_problems().empty());
    BOOST_TEST(empty.integrity_problems().empty());
}

BOOST_AUTO_TEST_SUITE_END()
