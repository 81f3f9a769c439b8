// gatehouse import-django beneath the command (accounts/django_columns.hpp, django_import.hpp): which
// table and columns are read, what one row becomes, and a whole import against this test's Gatehouse
// database (SQLite, or PostgreSQL under tests/with-postgres.sh) from a Django SQLite file. The source
// table is Django 3.2.25's own auth_user (its CREATE TABLE as `manage.py migrate` wrote it) and the
// hashes are Django's own make_password output (test_hasher_django*.cpp); the end-to-end test
// (tests/e2e/test_import_django.cpp) has Django itself make the whole database.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/django_import.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/audit.hpp"

#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <fstream>
#include <sstream>

using namespace gatehouse;
using accounts::ImportOutcome;

namespace {

// Django 3.2.25's auth_user (sqlite3 .schema after manage.py migrate).
constexpr const char* kAuthUser =
    R"(CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "first_name" varchar(150) NOT NULL);)";

// Django's make_password output (Django 3.2.25): PBKDF2 at 1000 iterations to keep the test fast.
constexpr const char* kPbkdf2 = "pbkdf2_sha256$1000$Gx7pQ2rT9bLmN4vWk8sYzA$LGJLCFq3oD3EWwWy4m8yaS4TLqaAA2j/uAn8t9Lp1pU=";
constexpr const char* kPbkdf2Password = "correct horse battery staple ✓";
constexpr const char* kBcrypt = "bcrypt_sha256$$2b$04$jO.0lZPkpcPKJJLz4322petF63NSjm1ZbdlDWnQNzaYYPF0QIAMPW";
constexpr const char* kBcryptPassword = "pässwörd 🔑";
constexpr const char* kArgon2 = "argon2$argon2id$v=19$m=256,t=1,p=8$R3g3cFEyclQ5YkxtTjR2V2s4c1l6QQ$HXksjD2EVH3JqVKxEUrICw";
constexpr const char* kSha1 = "sha1$bDxSZwFWuR29W8lMwC79VG$d333355b82872b772cc258b48587a653c31e693f";

void sql(const std::string& path, const std::string& text) {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

struct DjangoSource : test::AccountsFixture {
    std::string source = dir.file("django.sqlite3");
    accounts::Actor op = accounts::operator_actor("root");

    DjangoSource() {
        sql(source, kAuthUser);
        add(1, "alice@Example.COM", kPbkdf2, "alice", "Alice", "2024-01-02 03:04:05.123456", "2024-06-01 10:00:00.5");
        add(2, "bob@example.com", kBcrypt, "bob", "", "2024-01-03 00:00:00", "", true);
        add(3, "carol@example.com", kArgon2, "carol");
        add(4, "ALICE@example.com", kPbkdf2, "alice2");  // alice's again, ignoring case
        add(5, "not-an-email", kPbkdf2, "dave");
        add(6, "", kPbkdf2, "erin");  // auth_user allows an empty email
        add(7, "frank@example.com", "!rbF7YWhyK5j0wr2PYsEKrIb1hhyxtPlv2uqt0ZXj", "frank");
        add(8, "grace@example.com", kSha1, "grace");
    }

    void add(int id, const std::string& email, const std::string& hash, const std::string& username,
             const std::string& first_name = "", const std::string& joined = "2024-01-01 00:00:00",
             const std::string& last_login = "", bool staff = false) {
        sql(source, "INSERT INTO auth_user (id, password, last_login, is_superuser, username, last_name, email, is_staff,"
                    " is_active, date_joined, first_name) VALUES (" + std::to_string(id) + ", '" + hash + "', " +
                        (last_login.empty() ? "NULL" : "'" + last_login + "'") + ", " + (staff ? "1" : "0") + ", '" +
                        username + "', '', '" + email + "', " + (staff ? "1" : "0") + ", 1, '" + joined + "', '" +
                        first_name + "')");
    }

    accounts::ImportReport run(bool update = false, bool dry_run = false) {
        return accounts::import_django(services, op, {source, "", {}, update, dry_run});
    }
    std::int64_t count(const std::string& query) {
        auto q = db.query(query);
        q.step();
        return q.row().column_int(0);
    }
    const accounts::ImportedRow& row(const accounts::ImportReport& report, const std::string& id) {
        for (const auto& r : report.rows)
            if (r.row_id == id) return r;
        BOOST_FAIL("no row " + id);
        return report.rows.front();
    }
};

std::vector<std::string> no_columns(const std::string&) { return {}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(django_import_columns)

BOOST_AUTO_TEST_CASE(the_user_table_is_auth_user_else_the_one_custom_user_table) {
    const auto columns = [](const std::string& table) -> std::vector<std::string> {
        if (table == "accounts_user" || table == "shop_user") return {"id", "email", "password"};
        if (table == "chat_user") return {"id", "nickname"};
        return {};
    };
    BOOST_TEST(accounts::choose_user_table({"auth_group", "auth_user", "accounts_user"}, columns, "") == "auth_user");
    BOOST_TEST(accounts::choose_user_table({"auth_group", "accounts_user", "chat_user"}, columns, "") == "accounts_user");
    BOOST_TEST(accounts::choose_user_table({"auth_user", "shop_user"}, columns, "shop_user") == "shop_user");
    try {
        accounts::choose_user_table({"accounts_user", "shop_user"}, columns, "");
        BOOST_FAIL("two candidates accepted");
    } catch (const accounts::ImportUsageError& e) {
        BOOST_TEST(std::string(e.what()).find("accounts_user, shop_user") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("--table") != std::string::npos);
    }
    BOOST_CHECK_THROW(accounts::choose_user_table({"chat_user", "django_session"}, columns, ""), accounts::ImportUsageError);
    BOOST_CHECK_THROW(accounts::choose_user_table({"auth_user"}, no_columns, "members"), accounts::ImportUsageError);
}

BOOST_AUTO_TEST_CASE(columns_by_djangos_names_and_overrides) {
    const std::vector<std::string> auth_user = {"id", "password", "last_login", "is_superuser", "username", "last_name",
                                                "email", "is_staff", "is_active", "date_joined", "first_name"};
    const auto map = accounts::map_columns(auth_user, {});
    BOOST_TEST(map.at("name") == "username");
    BOOST_TEST(map.at("email") == "email");
    BOOST_TEST(!map.contains("phone"));
    BOOST_TEST(!map.contains("is_verified"));

    const std::vector<std::string> custom = {"id", "password", "email", "name", "username", "phone_number", "is_activated", "login"};
    const auto seeds = accounts::map_columns(custom, {});
    BOOST_TEST(seeds.at("name") == "name");  // name before username
    BOOST_TEST(seeds.at("phone") == "phone_number");
    BOOST_TEST(seeds.at("is_verified") == "is_activated");
    const auto mapped = accounts::map_columns(custom, {{"email", "login"}, {"name", "username"}});
    BOOST_TEST(mapped.at("email") == "login");
    BOOST_TEST(mapped.at("name") == "username");

    BOOST_CHECK_THROW(accounts::map_columns(custom, {{"nickname", "name"}}), accounts::ImportUsageError);
    BOOST_CHECK_THROW(accounts::map_columns(custom, {{"name", "nickname"}}), accounts::ImportUsageError);
    BOOST_CHECK_THROW(accounts::map_columns({"id", "username", "password"}, {}), accounts::ImportUsageError);
}

BOOST_AUTO_TEST_CASE(a_row_as_django_wrote_it) {
    const auto user = accounts::read_source_user({{"id", "7"},
                                                  {"email", " Ann@Example.COM "},
                                                  {"password", kPbkdf2},
                                                  {"name", "ann"},
                                                  {"first_name", "Ann"},
                                                  {"phone", "+1 (415) 555-2671"},
                                                  {"is_active", "t"},
                                                  {"is_staff", "f"},
                                                  {"is_superuser", "0"},
                                                  {"date_joined", "2024-01-02 03:04:05.123456+00"},
                                                  {"last_login", std::nullopt}},
                                                 1, 0);
    BOOST_TEST(!user.skip.has_value());
    BOOST_TEST(user.row_id == "7");
    BOOST_TEST(user.user.email.value_or("") == "Ann@example.com");
    BOOST_TEST(user.user.password_hash == kPbkdf2);
    BOOST_TEST(user.user.name.value_or("") == "ann");
    BOOST_TEST(user.user.phone.value_or("") == "+14155552671");
    BOOST_TEST(user.user.is_active);
    BOOST_TEST(!user.user.is_staff);
    BOOST_TEST(user.user.is_verified);  // auth_user has no such column: verified
    BOOST_TEST(user.user.date_joined == "2024-01-02T03:04:05Z");
    BOOST_TEST(!user.user.last_login.has_value());
    BOOST_TEST(user.warnings.empty());

    const auto sqlite_time = accounts::read_source_user(
        {{"email", "b@example.com"}, {"password", kPbkdf2}, {"date_joined", "2024-01-02 05:04:05"},
         {"last_login", "2024-01-02T05:04:05+02"}, {"is_verified", "0"}, {"phone", "12"}},
        3, 0);
    BOOST_TEST(sqlite_time.row_id == "3");  // no id column: the row's number
    BOOST_TEST(sqlite_time.user.date_joined == "2024-01-02T05:04:05Z");
    BOOST_TEST(sqlite_time.user.last_login.value_or("") == "2024-01-02T03:04:05Z");
    BOOST_TEST(!sqlite_time.user.is_verified);
    BOOST_TEST(!sqlite_time.user.phone.has_value());
    BOOST_TEST_REQUIRE(sqlite_time.warnings.size() == 1u);
    BOOST_TEST(sqlite_time.warnings[0].find("phone \"12\" left out") == 0u, sqlite_time.warnings[0]);

    BOOST_TEST(accounts::read_source_user({{"email", ""}, {"password", kPbkdf2}}, 1, 0).skip.value_or("").starts_with("no email"));
    BOOST_TEST(accounts::read_source_user({{"email", std::nullopt}, {"password", kPbkdf2}}, 1, 0).skip.has_value());
    BOOST_TEST(accounts::read_source_user({{"email", "a@b@c"}, {"password", kPbkdf2}}, 1, 0).skip.value_or("").starts_with("invalid email"));

    const auto old_hash = accounts::read_source_user({{"email", "c@example.com"}, {"password", kSha1}}, 1, 0);
    BOOST_TEST(old_hash.user.password_hash == kSha1);  // kept as it is
    BOOST_TEST_REQUIRE(old_hash.warnings.size() == 1u);
    BOOST_TEST(old_hash.warnings[0].find("(sha1)") != std::string::npos, old_hash.warnings[0]);
    BOOST_TEST(old_hash.warnings[0].find("must reset") != std::string::npos);
}

// The source is opened so that nothing can write to it: a SQLite file stays in its journal mode (a
// read-write open would switch it to WAL) and refuses writes; a PostgreSQL session refuses them too.
BOOST_AUTO_TEST_CASE(a_read_only_database_refuses_writes) {
    test::TempDir dir;
    const std::string path = dir.file("django.sqlite3");
    sql(path, kAuthUser);
    {
        store::Database source(path, store::Access::ReadOnly);
        BOOST_TEST(source.column_names("auth_user").at(4) == "username");
        BOOST_TEST(source.column_names("no_such_table").empty());
        BOOST_CHECK_THROW(source.exec("DELETE FROM auth_user"), std::exception);
        auto q = source.query("PRAGMA journal_mode");
        BOOST_TEST_REQUIRE(q.step());
        BOOST_TEST(q.row().column_text(0) == "delete");
    }
    BOOST_CHECK_THROW(store::Database(dir.file("missing.sqlite3"), store::Access::ReadOnly), std::exception);
    BOOST_TEST(!std::filesystem::exists(dir.file("missing.sqlite3")));
    if (!testing::test_postgres().empty()) {
        const std::string uri = testing::fresh_postgres_database("source");
        store::Database(uri).exec("CREATE TABLE auth_user (id bigint, email text, password text)");
        store::Database source(uri, store::Access::ReadOnly);
        BOOST_TEST(source.column_names("auth_user") == (std::vector<std::string>{"id", "email", "password"}));
        BOOST_CHECK_THROW(source.exec("INSERT INTO auth_user VALUES (1, 'a@example.com', '')"), std::exception);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(django_import, DjangoSource)

BOOST_AUTO_TEST_CASE(imports_keeps_hashes_and_reports_skips) {
    const std::string before = file_bytes(source);
    const auto report = run();
    BOOST_TEST(report.table == "auth_user");
    BOOST_TEST(report.count(ImportOutcome::Imported) == 5u);  // alice, bob, carol, frank, grace
    BOOST_TEST(report.count(ImportOutcome::Skipped) == 3u);
    BOOST_TEST(row(report, "4").detail.find("duplicate of row 1 alice@example.com") == 0u, row(report, "4").detail);
    BOOST_TEST(row(report, "5").detail.starts_with("invalid email"));
    BOOST_TEST(row(report, "6").detail.starts_with("no email"));
    BOOST_TEST(row(report, "7").warnings.at(0).find("kept unusable") != std::string::npos);
    BOOST_TEST(row(report, "8").warnings.at(0).find("must reset") != std::string::npos);
    BOOST_TEST(file_bytes(source) == before);  // only read

    const auto alice = accounts::find_user_by_email(services, "alice@example.com");
    BOOST_TEST_REQUIRE(alice.has_value());
    BOOST_TEST(alice->email.value_or("") == "alice@example.com");  // the domain lower-cased, as signup does
    BOOST_TEST(alice->password_hash == kPbkdf2);
    BOOST_TEST(alice->name.value_or("") == "alice");
    BOOST_TEST(alice->first_name == "Alice");
    BOOST_TEST(alice->is_verified);
    BOOST_TEST(alice->date_joined == "2024-01-02T03:04:05Z");
    BOOST_TEST(alice->last_login.value_or("") == "2024-06-01T10:00:00Z");
    const auto bob = accounts::find_user_by_email(services, "bob@example.com");
    BOOST_TEST_REQUIRE(bob.has_value());
    BOOST_TEST(bob->is_staff);
    BOOST_TEST(bob->is_superuser);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'import' AND actor_label = 'command line (root)'") == 5);
    BOOST_TEST(mails().empty());  // no verification mail: the users are verified
}

BOOST_AUTO_TEST_CASE(imported_users_log_in_with_their_django_passwords_and_are_rehashed) {
    run();
    for (const auto& [email, password] : {std::pair{"alice@example.com", kPbkdf2Password}, std::pair{"bob@example.com", kBcryptPassword},
                                          std::pair{"carol@example.com", "pässwörd 🔑"}}) {
        BOOST_TEST_CONTEXT(email) {
            BOOST_TEST(test::outcome_of(password_login(email, std::string(password) + "!")) == "BadCredentials");
            const auto in = password_login(email, password);
            BOOST_TEST_REQUIRE(test::outcome_of(in) == "Ok");
            const auto after = accounts::find_user_by_email(services, email);
            BOOST_TEST(after->password_hash.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"), after->password_hash);
            BOOST_TEST(test::outcome_of(password_login(email, password)) == "Ok");
        }
    }
    BOOST_TEST(test::outcome_of(password_login("frank@example.com", "")) == "BadCredentials");
    BOOST_TEST(test::outcome_of(password_login("grace@example.com", "Django-Sha1-pass 4")) == "BadCredentials");
}

BOOST_AUTO_TEST_CASE(a_second_run_writes_nothing_and_update_refreshes_changed_rows) {
    run();
    const auto users = count("SELECT count(*) FROM users");
    const auto audits = count("SELECT count(*) FROM audit_log");
    const auto again = run();
    BOOST_TEST(again.count(ImportOutcome::Exists) == 5u);
    BOOST_TEST(again.count(ImportOutcome::Imported) == 0u);
    BOOST_TEST(row(again, "8").warnings.empty());  // grace's old hash was reported when she was imported
    BOOST_TEST(row(again, "1").detail.find("already a Gatehouse user") == 0u);
    BOOST_TEST(count("SELECT count(*) FROM users") == users);
    BOOST_TEST(count("SELECT count(*) FROM audit_log") == audits);

    const auto unchanged = run(true);
    BOOST_TEST(unchanged.count(ImportOutcome::Unchanged) == 5u);
    BOOST_TEST(count("SELECT count(*) FROM audit_log") == audits);

    sql(source, "UPDATE auth_user SET first_name = 'Alicia', is_staff = 1 WHERE id = 1");
    const auto dry = run(true, true);
    BOOST_TEST(accounts::outcome_word(row(dry, "1").outcome) == std::string("updated"));
    BOOST_TEST(accounts::find_user_by_email(services, "alice@example.com")->first_name == "Alice");  // dry run

    const auto updated = run(true);
    BOOST_TEST(updated.count(ImportOutcome::Updated) == 1u);
    BOOST_TEST(updated.count(ImportOutcome::Unchanged) == 4u);
    BOOST_TEST(row(updated, "1").detail == "changed: first_name, is_staff");
    const auto alice = accounts::find_user_by_email(services, "alice@example.com");
    BOOST_TEST(alice->first_name == "Alicia");
    BOOST_TEST(alice->is_staff);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'import_update'") == 1);
}

BOOST_AUTO_TEST_CASE(a_dry_run_writes_nothing) {
    const auto report = run(false, true);
    BOOST_TEST(report.count(ImportOutcome::Imported) == 5u);
    BOOST_TEST(count("SELECT count(*) FROM users") == 0);
    BOOST_TEST(count("SELECT count(*) FROM audit_log") == 0);
}

BOOST_AUTO_TEST_CASE(taken_names_are_left_out_and_existing_users_kept) {
    make_user("zed@example.com", test::kGoodPassword, true, "Carol");  // carol's username, ignoring case
    make_user("bob@EXAMPLE.com");
    const auto report = run();
    BOOST_TEST(accounts::outcome_word(row(report, "2").outcome) == std::string("exists"));
    BOOST_TEST(accounts::outcome_word(row(report, "3").outcome) == std::string("imported"));
    BOOST_TEST(row(report, "3").warnings.at(0) == "name \"carol\" left out: another user has it");
    BOOST_TEST(!accounts::find_user_by_email(services, "carol@example.com")->name.has_value());
    // bob keeps his own password.
    BOOST_TEST(test::outcome_of(password_login("bob@example.com", test::kGoodPassword)) == "Ok");
}

BOOST_AUTO_TEST_CASE(unreadable_sources_and_bad_mappings_are_errors) {
    BOOST_CHECK_THROW(accounts::import_django(services, op, {dir.file("missing.sqlite3"), "", {}, false, false}),
                      std::runtime_error);
    BOOST_TEST(!std::filesystem::exists(dir.file("missing.sqlite3")));  // not created
    dir.write("text.sqlite3", "not a database\n");
    BOOST_CHECK_THROW(accounts::import_django(services, op, {dir.file("text.sqlite3"), "", {}, false, false}),
                      std::runtime_error);
    BOOST_CHECK_THROW(accounts::import_django(services, op, {source, "", {{"email", "mail"}}, false, false}),
                      accounts::ImportUsageError);
    BOOST_CHECK_THROW(accounts::import_django(services, op, {"mysql://x/y", "", {}, false, false}), std::invalid_argument);
    BOOST_TEST(count("SELECT count(*) FROM users") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
