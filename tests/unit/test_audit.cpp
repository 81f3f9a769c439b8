// The audit trail of staff actions (store/audit.hpp, written by accounts/staff.hpp): one row per
// creation, flag change and deletion of another user, in the same transaction as the change — a
// refused or failed change writes none, and a failed audit write undoes the change — and no password,
// hash or token ever reaches `detail`. Against a real memcached and a migrated SQLite db.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/store/audit.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace gatehouse;

namespace {

struct Audited : test::AccountsFixture {
    store::User admin = make_staff("admin@example.org");
    store::User bob = make_user("bob@example.org", test::kGoodPassword, /*verified=*/false);

    store::User make_staff(const std::string& email) {
        auto u = make_user(email);
        store::UserStore(db).set_flags(u.id, true, true, false, true);
        return reload(u.id);
    }
    std::vector<store::AuditEntry> rows() { return store::AuditStore(db).recent(100); }
    accounts::UserChanges flags(std::optional<std::string> is_staff, std::optional<std::string> is_active,
                                std::optional<std::string> is_verified) {
        return {{}, {std::move(is_staff), std::move(is_active), std::move(is_verified)}};
    }
    // A trigger that makes every write to `table` fail as a constraint would (each engine's spelling).
    void refuse_writes_to(const std::string& table, const std::string& when = "INSERT") {
        if (db.engine() == store::Engine::Sqlite) {
            db.exec("CREATE TEMP TRIGGER refuse_" + table + " BEFORE " + when + " ON " + table +
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
            return;
        }
        db.exec("CREATE OR REPLACE FUNCTION refused_by_the_test() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END $$");
        db.exec("CREATE TRIGGER refuse_" + table + " BEFORE " + when + " ON " + table +
                " FOR EACH ROW EXECUTE FUNCTION refused_by_the_test()");
    }
    void allow_writes_to(const std::string& table) {
        db.exec(db.engine() == store::Engine::Sqlite ? "DROP TRIGGER temp.refuse_" + table
                                                     : "DROP TRIGGER refuse_" + table + " ON " + table);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(audit, Audited)

BOOST_AUTO_TEST_CASE(the_store_records_and_lists_newest_first_with_emails_while_users_exist) {
    store::AuditStore audit(db);
    audit.record(100, admin.id, bob.id, "deactivate", "is_active: true → false", "192.0.2.1");
    audit.record(200, std::nullopt, 999'999, "delete", "", "");
    const auto all = audit.recent(10);
    BOOST_TEST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].action == "delete");
    BOOST_TEST(!all[0].actor_id.has_value());
    BOOST_TEST(!all[0].target_email.has_value(), "no such user: no email");
    BOOST_TEST(all[1].at == 100);
    BOOST_TEST(all[1].actor_email.value_or("") == "admin@example.org");
    BOOST_TEST(all[1].target_email.value_or("") == "bob@example.org");
    BOOST_TEST(all[1].detail == "is_active: true → false");
    BOOST_TEST(all[1].ip == "192.0.2.1");
    BOOST_TEST(audit.recent(1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(each_changed_flag_is_one_row_and_unchanged_flags_none) {
    auto updated = accounts::update_user_as(services, admin, bob.id, flags("true", "true", "true"), "198.51.100.7");
    BOOST_TEST_REQUIRE(updated.has_value());
    auto all = rows();
    BOOST_TEST_REQUIRE(all.size() == 2u, "is_active was already true");
    std::set<std::string> actions;
    for (const auto& row : all) {
        actions.insert(row.action);
        BOOST_TEST(row.actor_id.value_or(0) == admin.id);
        BOOST_TEST(row.target_id.value_or(0) == bob.id);
        BOOST_TEST(row.ip == "198.51.100.7");
        BOOST_TEST(row.at == services.now());
    }
    BOOST_TEST((actions == std::set<std::string>{"make_staff", "mark_verified"}));

    BOOST_TEST_REQUIRE(accounts::update_user_as(services, admin, bob.id, flags(std::nullopt, "false", std::nullopt)).has_value());
    all = rows();
    BOOST_TEST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].action == "deactivate");
    BOOST_TEST(all[0].detail == "is_active: true → false");

    // The same values again, or a profile edit alone: nothing to audit.
    BOOST_TEST(accounts::update_user_as(services, admin, bob.id, flags("true", "false", "true")).has_value());
    accounts::UserChanges rename;
    rename.profile.first_name = "Robert";
    BOOST_TEST(accounts::update_user_as(services, admin, bob.id, rename).has_value());
    BOOST_TEST(rows().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_refused_change_writes_no_row) {
    // Not staff: Forbidden before anything is written.
    auto member = make_user("member@example.org");
    BOOST_TEST(!accounts::update_user_as(services, member, member.id, flags("true", std::nullopt, std::nullopt)).has_value());
    BOOST_TEST(!accounts::update_user_as(services, member, bob.id, flags(std::nullopt, "false", std::nullopt)).has_value());
    BOOST_TEST(!accounts::delete_user_as(services, member, bob.id, std::nullopt).has_value());
    // A bad flag value next to a good one: nothing changes, nothing is recorded.
    BOOST_TEST(!accounts::update_user_as(services, admin, bob.id, flags("maybe", "false", std::nullopt)).has_value());
    BOOST_TEST(reload(bob.id).is_active);
    // A bad profile field next to a flag.
    auto changes = flags(std::nullopt, "false", std::nullopt);
    changes.profile.phone = "not a phone";
    BOOST_TEST(!accounts::update_user_as(services, admin, bob.id, changes).has_value());
    BOOST_TEST(reload(bob.id).is_active);
    // No such user.
    BOOST_TEST(!accounts::update_user_as(services, admin, 999'999, flags(std::nullopt, "false", std::nullopt)).has_value());
    BOOST_TEST(rows().empty());
}

BOOST_AUTO_TEST_CASE(the_row_and_the_change_share_one_transaction) {
    // The write of the user fails after the audit row went in: the row is rolled back with it.
    refuse_writes_to("users", "UPDATE");
    BOOST_TEST(!accounts::update_user_as(services, admin, bob.id, flags(std::nullopt, "false", std::nullopt)).has_value());
    BOOST_TEST(rows().empty());
    BOOST_TEST(reload(bob.id).is_active);
    allow_writes_to("users");

    // The audit write fails: the change does not happen either.
    refuse_writes_to("audit_log");
    BOOST_TEST(!accounts::update_user_as(services, admin, bob.id, flags("true", "false", std::nullopt)).has_value());
    BOOST_TEST(reload(bob.id).is_active);
    BOOST_TEST(!reload(bob.id).is_staff);
    BOOST_CHECK_THROW(accounts::delete_user_as(services, admin, bob.id, std::nullopt), store::ConstraintError);
    BOOST_TEST(store::UserStore(db).find_by_id(bob.id).has_value(), "not deleted without its audit row");
    accounts::StaffCreateInput create;
    create.fields.email = "carol@example.org";
    create.fields.password1 = create.fields.password2 = test::kGoodPassword;
    BOOST_TEST(!accounts::create_user_as_staff(services, admin, create).has_value());
    BOOST_TEST(!store::UserStore(db).find_by_email("carol@example.org").has_value(), "not created without its audit row");
    allow_writes_to("audit_log");
    BOOST_TEST(rows().empty());
}

BOOST_AUTO_TEST_CASE(creation_and_deletion_are_audited_and_no_secret_reaches_the_detail) {
    accounts::StaffCreateInput create;
    create.fields.email = "carol@example.org";
    create.fields.password1 = create.fields.password2 = test::kOtherPassword;
    create.flags.is_verified = "true";
    auto carol = accounts::create_user_as_staff(services, admin, create, "203.0.113.5");
    BOOST_TEST_REQUIRE(carol.has_value());
    BOOST_TEST_REQUIRE(accounts::update_user_as(services, admin, carol->id, flags(std::nullopt, "false", std::nullopt)).has_value());
    BOOST_TEST_REQUIRE(accounts::delete_user_as(services, admin, carol->id, std::nullopt, "203.0.113.5").has_value());

    // Deleting oneself (with one's password) is the user's own act, not a staff action.
    auto self = make_staff("self@example.org");
    BOOST_TEST_REQUIRE(accounts::delete_user_as(services, self, self.id, std::string_view(test::kGoodPassword)).has_value());

    const auto all = rows();
    BOOST_TEST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[2].action == "create");
    BOOST_TEST(all[2].detail == "email: carol@example.org, is_staff: false, is_verified: true");
    BOOST_TEST(all[1].action == "deactivate");
    BOOST_TEST(all[0].action == "delete");
    BOOST_TEST(all[0].detail == "email: carol@example.org");
    BOOST_TEST(all[0].target_id.value_or(0) == carol->id);
    BOOST_TEST(!all[0].target_email.has_value(), "the user is gone; the row stays");
    BOOST_TEST(all[0].actor_email.value_or("") == "admin@example.org");
    for (const auto& row : all) {
        BOOST_TEST(row.detail.find(test::kOtherPassword) == std::string::npos, row.detail);
        BOOST_TEST(row.detail.find(test::kGoodPassword) == std::string::npos, row.detail);
        BOOST_TEST(row.detail.find("argon2") == std::string::npos, row.detail);
        BOOST_TEST(row.detail.find("password") == std::string::npos, row.detail);
        BOOST_TEST(row.detail.find(carol->password_hash) == std::string::npos, row.detail);
    }
}

BOOST_AUTO_TEST_CASE(the_trail_is_for_staff_only) {
    auto member = make_user("member@example.org");
    BOOST_TEST(!accounts::recent_audit(services, member, 20).has_value());
    BOOST_TEST(accounts::recent_audit(services, admin, 20).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
