#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/users.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>

using namespace gatehouse::store;
using gatehouse::test::TempDir;
using Names = std::vector<std::string>;

namespace {

struct TempDatabase {
    TempDir tmp;
    Database db{tmp.file("test.db")};

    bool table_exists(const std::string& name) {
        auto q = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
        q.bind(1, name);
        return q.step();
    }
    Names recorded() {
        Names out;
        auto q = db.query("SELECT name FROM schema_migrations ORDER BY name");
        while (q.step()) out.push_back(q.row().column_text(0));
        return out;
    }
    std::int64_t count(const std::string& table) {
        auto q = db.query("SELECT count(*) FROM " + table);
        q.step();
        return q.row().column_int(0);
    }
};

Names names_of(const std::vector<Migration>& migrations) {
    Names out;
    for (const auto& m : migrations) out.push_back(m.name);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(read_migrations_sorts_by_name) {
    TempDir dir;
    dir.write("0010_later.sql", "SELECT 10;");
    dir.write("0002_second.sql", "SELECT 2;");
    dir.write("0001_first.sql", "SELECT 1;");
    dir.write("README.md", "not a migration");
    const auto migrations = read_migrations(dir.path());
    BOOST_TEST(names_of(migrations) == (Names{"0001_first", "0002_second", "0010_later"}), boost::test_tools::per_element());
    BOOST_TEST(migrations[1].sql == "SELECT 2;");
}

BOOST_AUTO_TEST_CASE(read_migrations_rejects_bad_names_and_duplicates) {
    for (const char* bad : {"1_users.sql", "0001users.sql", "00a1_users.sql", "0001_.sql"}) {
        TempDir dir;
        dir.write("0001_ok.sql", "SELECT 1;");
        dir.write(bad, "SELECT 1;");
        BOOST_TEST_CONTEXT(bad) { BOOST_CHECK_THROW(read_migrations(dir.path()), std::runtime_error); }
    }
    TempDir dir;
    dir.write("0001_users.sql", "SELECT 1;");
    dir.write("0001_sessions.sql", "SELECT 1;");
    BOOST_CHECK_THROW(read_migrations(dir.path()), std::runtime_error);
}

BOOST_FIXTURE_TEST_CASE(apply_in_order_once, TempDatabase) {
    // 0002 needs the table of 0001, so the order shows.
    const std::vector<Migration> migrations = {
        {"0001_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"},
        {"0002_seed", "INSERT INTO notes (body) VALUES ('one'); INSERT INTO notes (body) VALUES ('two');"},
    };
    BOOST_TEST(apply_migrations(db, migrations) == (Names{"0001_notes", "0002_seed"}), boost::test_tools::per_element());
    BOOST_TEST(recorded() == (Names{"0001_notes", "0002_seed"}), boost::test_tools::per_element());
    BOOST_TEST(count("notes") == 2);

    BOOST_TEST(apply_migrations(db, migrations).empty());
    Database other(tmp.file("test.db"));  // another worker's connection sees them applied too
    BOOST_TEST(apply_migrations(other, migrations).empty());
    BOOST_TEST(count("notes") == 2);

    auto more = migrations;
    more.push_back({"0003_third", "INSERT INTO notes (body) VALUES ('three');"});
    BOOST_TEST(apply_migrations(db, more) == (Names{"0003_third"}), boost::test_tools::per_element());
    BOOST_TEST(count("notes") == 3);
}

BOOST_FIXTURE_TEST_CASE(failing_migration_rolls_back, TempDatabase) {
    const std::vector<Migration> migrations = {
        {"0001_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY);"},
        {"0002_broken", "CREATE TABLE tags (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);"},
        {"0003_never", "CREATE TABLE never (id INTEGER PRIMARY KEY);"},
    };
    BOOST_CHECK_THROW(apply_migrations(db, migrations), std::exception);
    BOOST_TEST(table_exists("notes"));
    BOOST_TEST(!table_exists("tags"));
    BOOST_TEST(!table_exists("never"));
    BOOST_TEST(recorded() == (Names{"0001_notes"}), boost::test_tools::per_element());

    // The connection is usable afterwards and a fixed migration goes in.
    auto fixed = migrations;
    fixed[1].sql = "CREATE TABLE tags (id INTEGER PRIMARY KEY);";
    BOOST_TEST(apply_migrations(db, fixed) == (Names{"0002_broken", "0003_never"}), boost::test_tools::per_element());
    BOOST_TEST(table_exists("tags"));
}

BOOST_FIXTURE_TEST_CASE(real_migrations_and_case_insensitive_email, TempDatabase) {
    BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory("db/migrations"), "run the tests from the repository root");
    const auto migrations = read_migrations("db/migrations");
    BOOST_REQUIRE(!migrations.empty());
    BOOST_TEST(apply_migrations(db, migrations).size() == migrations.size());
    BOOST_TEST(table_exists("users"));
    BOOST_TEST(apply_migrations(db, migrations).empty());

    UserStore users(db);
    User alice;
    alice.email = "A@x.org";
    alice.date_joined = "2026-01-01T00:00:00Z";
    const auto id = users.insert(alice);
    BOOST_TEST(id > 0);

    User twin = alice;
    twin.email = "a@x.org";
    BOOST_CHECK_THROW(users.insert(twin), ConstraintError);
    BOOST_TEST(users.count() == 1);

    const auto found = users.find_by_email("a@X.ORG");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == id);
    BOOST_TEST(found->email.value_or("") == "A@x.org");
}

// Every connection: WAL (readers never wait for the writer), a commit is on disk before it returns
// (synchronous=FULL: WAL's NORMAL may lose the last commits on a power cut), foreign keys enforced.
BOOST_FIXTURE_TEST_CASE(connections_are_wal_durable_and_enforce_foreign_keys, TempDatabase) {
    auto pragma = [&](const std::string& name) {
        auto q = db.query("PRAGMA " + name);
        BOOST_REQUIRE(q.step());
        return q.row().column_text(0);
    };
    BOOST_TEST(pragma("journal_mode") == "wal");
    BOOST_TEST(pragma("synchronous") == "2");  // FULL
    BOOST_TEST(pragma("foreign_keys") == "1");
}

BOOST_AUTO_TEST_SUITE_END()
