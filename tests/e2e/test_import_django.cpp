// gatehouse import-django against the real stack, from databases Django itself made: tests/django/
// make_db.py runs `django-admin startproject` and `migrate` with Debian's python3-django (3.2) and
// creates users through Django's own create_user / make_password (PBKDF2 by default, Argon2 and
// BCryptSHA256 for some, SHA1 for one, an unusable password, an email duplicated ignoring case, an
// invalid one). Two projects: the default user model (auth_user) and a custom one with the email as
// USERNAME_FIELD as the seeds' projects have (accounts_user: phone_number, is_verified). Each imported
// user logs in through the API and the login page with the password it had in Django, and that login
// rehashes the password with Gatehouse's own hasher; a second run, a dry run and --update are checked
// in the stack's database (SQLite, or PostgreSQL under tests/with-postgres.sh) with sqlite3 or psql.
#include "../test_postgres.hpp"
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

std::string sql(const Stack& stack, const std::string& query) {
    if (stack.on_postgresql()) return shell_output("psql -X -q -At '" + stack.database_location() + "' -c \"" + query + "\"");
    return shell_output("sqlite3 '" + stack.database_location() + "' \"" + query + "\"");
}

std::string stored_hash(const Stack& stack, const std::string& email) {
    return sql(stack, "SELECT password FROM users WHERE email = '" + email + "'");
}

struct Project {
    std::string dir, prefix;
    json made;  // make_db.py's answer: database, table, users
};

Project make_project(const Stack& stack, const std::string& kind, const std::string& database_url = {}) {
    Project p;
    p.prefix = "dj" + kind.substr(0, 3) + std::to_string(::getpid()) + "x" + std::to_string(next_serial());
    p.dir = stack.dir() + "/django-" + p.prefix;
    const std::string out = shell_output("timeout 120 /usr/bin/python3 '" + stack.home() + "/tests/django/make_db.py' " +
                                         kind + " '" + p.dir + "' " + p.prefix + " '" + unique_phone() + "' '" + database_url + "' 2>'" + p.dir +
                                         ".log'");
    try {
        p.made = json::parse(out);
    } catch (const std::exception&) {
        BOOST_FAIL("make_db.py " << kind << " failed: " << out << slurp(p.dir + ".log"));
    }
    return p;
}

// Django changes a user itself (manage.py shell in the project).
void django_shell(const Project& p, const std::string& code) {
    const std::string out = shell_output("cd '" + p.dir + "' && timeout 60 /usr/bin/python3 manage.py shell -c \"" + code + "\" 2>&1");
    BOOST_TEST_REQUIRE(out.empty(), "manage.py shell: " << out);
}

std::size_t users_with_prefix(const Stack& stack, const std::string& prefix) {
    const auto r = run_gatehouse_output(stack, "users list --search " + prefix + " --json");
    BOOST_TEST_REQUIRE(r.status == 0);
    return json::parse(r.out).size();
}

json shown(const Stack& stack, const std::string& email) {
    const auto r = run_gatehouse_output(stack, "users show '" + email + "' --json");
    BOOST_TEST_REQUIRE(r.status == 0, "users show " << email);
    return json::parse(r.out);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Which users make_db.py made for what; the import's first run, checked line by line.
void import_and_check_report(const Stack& stack, const Project& p) {
    const std::string db = p.made.at("database");
    std::size_t imported = 0, skipped = 0;
    for (const auto& u : p.made.at("users")) (u.at("expect") == "imported" ? imported : skipped) += 1;

    const auto dry = run_gatehouse_output(stack, "import-django '" + db + "' --dry-run");
    BOOST_TEST_REQUIRE(dry.status == 0, dry.out);
    BOOST_TEST(contains(dry.out, "dry run, nothing written: imported " + std::to_string(imported)), dry.out);
    BOOST_TEST(users_with_prefix(stack, p.prefix) == 0u);

    const auto r = run_gatehouse_output(stack, "import-django '" + db + "'");
    BOOST_TEST_REQUIRE(r.status == 0, r.out);
    BOOST_TEST(contains(r.out, "table " + p.made.at("table").get<std::string>()), r.out);
    BOOST_TEST(contains(r.out, "imported " + std::to_string(imported) + ", updated 0, unchanged 0, exists 0, skipped " +
                                   std::to_string(skipped)),
               r.out);
    BOOST_TEST(users_with_prefix(stack, p.prefix) == imported);
    std::map<std::string, std::string> id_of;  // lower-cased email → Django id
    for (const auto& u : p.made.at("users")) {
        const std::string email = u.at("email"), reason = u.at("reason"), id = std::to_string(u.at("id").get<int>());
        BOOST_TEST_CONTEXT(email << " (" << reason << ")") {
            if (reason == "duplicate") {
                const std::string first = id_of.at(lower(email));
                BOOST_TEST(contains(r.out, "skipped row " + id + " " + email + ": duplicate of row " + first), r.out);
            } else if (reason == "invalid email") {
                BOOST_TEST(contains(r.out, "skipped row " + id + " " + email + ": invalid email"), r.out);
            } else if (reason == "no email") {
                BOOST_TEST(contains(r.out, "skipped row " + id + " : no email"), r.out);
            } else if (reason == "must reset") {
                BOOST_TEST(contains(r.out, "warning row " + id + " " + email + ": password hash of a kind Gatehouse does not "
                                           "check (sha1): kept; the user must reset the password"), r.out);
            } else if (reason == "no usable password") {
                BOOST_TEST(contains(r.out, "warning row " + id + " " + email + ": no usable password in Django"), r.out);
            } else if (reason == "phone left out") {
                BOOST_TEST(contains(r.out, "warning row " + id + " " + email + ": phone \"12\" left out"), r.out);
            }
            if (u.at("expect") == "imported") {
                id_of.emplace(lower(email), id);
                // Kept exactly as Django wrote it, until the user's first login.
                BOOST_TEST(stored_hash(stack, email) == u.at("hash").get<std::string>());
                const json user = shown(stack, email);
                BOOST_TEST(user.at("date_joined") == u.at("date_joined"));
                BOOST_TEST(user.at("is_staff") == u.at("is_staff"));
            }
        }
    }
}

// Every user with a password Django can check logs in with it through the API and the login page;
// the first login stores a Gatehouse hash. The others are refused.
void log_in_as_each_user(const Stack& stack, const Project& p) {
    ApiClient api(stack);
    for (const auto& u : p.made.at("users")) {
        if (u.at("expect") != "imported") continue;
        const std::string email = u.at("email"), reason = u.at("reason");
        const std::string password = u.at("password").is_null() ? std::string("Any-Password-1") : u.at("password").get<std::string>();
        const bool usable = reason != "no usable password" && reason != "must reset" &&
                            email.find("inactive") == std::string::npos && u.value("is_verified", true);
        BOOST_TEST_CONTEXT(email) {
            const auto token = api.post("/api/auth/token/", {{"email", email}, {"password", password}});
            if (!usable) {
                BOOST_TEST(token.status != 200, show(token));
                BOOST_TEST(stored_hash(stack, email) == u.at("hash").get<std::string>());
                continue;
            }
            BOOST_TEST(token.status == 200, show(token));
            BOOST_TEST(api.post("/api/auth/token/", {{"email", email}, {"password", password + "x"}}).status == 401);
            const std::string rehashed = stored_hash(stack, email);
            BOOST_TEST(rehashed != u.at("hash").get<std::string>());
            BOOST_TEST(rehashed.starts_with("argon2$argon2id$v=19$m=19456,t=2,p=1$"), rehashed);
            HttpClient browser;
            session_login(browser, stack, email, password);  // the login page, with the same password
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(import_django)

BOOST_AUTO_TEST_CASE(default_user_model_project) {
    auto& stack = shared_stack();
    const Project p = make_project(stack, "default");
    BOOST_TEST(p.made.at("table") == "auth_user");
    import_and_check_report(stack, p);
    log_in_as_each_user(stack, p);

    // auth_user's username is the Gatehouse name; the pbkdf2 user's names came along.
    const json paula = shown(stack, p.prefix + "-pbkdf2@example.com");
    BOOST_TEST(paula.at("first_name") == "Paula");
    BOOST_TEST(paula.at("name") == p.made.at("users").at(0).at("username"));
    BOOST_TEST(paula.at("is_verified") == true);

    // Again: nothing changes (the users exist), the rehashed passwords included.
    const std::string db = p.made.at("database");
    const std::string before = sql(stack, "SELECT count(*) FROM users") + "/" + sql(stack, "SELECT count(*) FROM audit_log") +
                               "/" + stored_hash(stack, p.prefix + "-pbkdf2@example.com");
    const auto again = run_gatehouse_output(stack, "import-django '" + db + "'");
    BOOST_TEST(again.status == 0);
    BOOST_TEST(contains(again.out, "imported 0, updated 0, unchanged 0, exists 7, skipped 3 of 10 rows"), again.out);
    const std::string after = sql(stack, "SELECT count(*) FROM users") + "/" + sql(stack, "SELECT count(*) FROM audit_log") +
                              "/" + stored_hash(stack, p.prefix + "-pbkdf2@example.com");
    BOOST_TEST(after == before);

    // Django changes a first name; --update brings that over and nothing else.
    django_shell(p, "from django.contrib.auth.models import User; u = User.objects.get(email='" + p.prefix +
                        "-pbkdf2@example.com'); u.first_name = 'Paulette'; u.save()");
    const auto updated = run_gatehouse_output(stack, "import-django '" + db + "' --update");
    BOOST_TEST(updated.status == 0, updated.out);
    BOOST_TEST(contains(updated.out, "updated row 1 " + p.prefix + "-pbkdf2@example.com: changed: first_name"), updated.out);
    BOOST_TEST(contains(updated.out, "imported 0, updated 1, unchanged 6, exists 0, skipped 3"), updated.out);
    BOOST_TEST(shown(stack, p.prefix + "-pbkdf2@example.com").at("first_name") == "Paulette");
    ApiClient api(stack);
    BOOST_TEST(api.post("/api/auth/token/", {{"email", p.prefix + "-pbkdf2@example.com"}, {"password", "Django-Pbkdf2-pass 1"}}).status == 200);
    const auto audit = run_gatehouse_output(stack, "audit --user " + p.prefix + "-pbkdf2@example.com --json");
    BOOST_TEST(contains(audit.out, "import_update"), audit.out);
}

BOOST_AUTO_TEST_CASE(custom_email_user_model_project) {
    auto& stack = shared_stack();
    const Project p = make_project(stack, "custom");
    BOOST_TEST(p.made.at("table") == "accounts_user");
    import_and_check_report(stack, p);
    log_in_as_each_user(stack, p);

    std::string phone;
    for (const auto& u : p.made.at("users"))
        if (u.at("email") == p.prefix + "-phone@example.com") phone = shell_output("sqlite3 '" + p.made.at("database").get<std::string>() +
                                                                                  "' \"SELECT phone_number FROM accounts_user WHERE id = " +
                                                                                  std::to_string(u.at("id").get<int>()) + "\"");
    BOOST_TEST(shown(stack, p.prefix + "-phone@example.com").at("phone") == phone);
    BOOST_TEST(shown(stack, p.prefix + "-badphone@example.com").at("phone").is_null());
    BOOST_TEST(shown(stack, p.prefix + "-unverified@example.com").at("is_verified") == false);
    BOOST_TEST(shown(stack, p.prefix + "-bcrypt@example.com").at("is_staff") == true);

    const std::string db = p.made.at("database");
    const auto again = run_gatehouse_output(stack, "import-django 'sqlite:///" + db + "' --update");
    BOOST_TEST(again.status == 0);
    BOOST_TEST(contains(again.out, "imported 0, updated 0, unchanged 9, exists 0, skipped 2 of 11 rows"), again.out);
}

// A Django project on PostgreSQL (the PostgreSQL pass only: tests/with-postgres.sh's server), read
// through a read-only session: booleans as t/f, timestamptz in UTC.
BOOST_AUTO_TEST_CASE(custom_project_on_postgresql) {
    if (gatehouse::testing::test_postgres().empty()) {
        BOOST_TEST_MESSAGE("no GATEHOUSE_TEST_POSTGRES: the PostgreSQL pass runs this one");
        return;
    }
    auto& stack = shared_stack();
    const Project p = make_project(stack, "custom", gatehouse::testing::fresh_postgres_database("django"));
    const std::string db = p.made.at("database");
    BOOST_TEST_REQUIRE(db.starts_with("postgresql://"));
    import_and_check_report(stack, p);
    log_in_as_each_user(stack, p);
    BOOST_TEST(shown(stack, p.prefix + "-unverified@example.com").at("is_verified") == false);
    const auto again = run_gatehouse_output(stack, "import-django '" + db + "'");
    BOOST_TEST(contains(again.out, "imported 0, updated 0, unchanged 0, exists 9, skipped 2 of 11 rows"), again.out);
}

BOOST_AUTO_TEST_CASE(refusals) {
    auto& stack = shared_stack();
    const auto help = run_gatehouse_output(stack, "import-django --help");
    BOOST_TEST(help.status == 0);
    BOOST_TEST(contains(help.out, "usage: gatehouse import-django PATH_OR_URL"));
    BOOST_TEST(run_gatehouse_output(stack, "import-django").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "import-django a.db b.db").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "import-django x.db --map nickname").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "import-django mysql://host/db").status == 2);
    const std::string missing = stack.dir() + "/no-such-django.sqlite3";
    BOOST_TEST(run_gatehouse_output(stack, "import-django '" + missing + "'").status == 1);
    BOOST_TEST(!std::filesystem::exists(missing));
    const std::string empty = stack.dir() + "/empty-django.sqlite3";
    shell_output("sqlite3 '" + empty + "' 'CREATE TABLE a_user (id integer, email text, password text);"
                 " CREATE TABLE b_user (id integer, email text, password text);'");
    const auto ambiguous = run_gatehouse_output(stack, "import-django '" + empty + "'");
    BOOST_TEST(ambiguous.status == 2);
    BOOST_TEST(contains(slurp(stack.dir() + "/gatehouse-cli.log"), "several user tables in the source: a_user, b_user"));
    BOOST_TEST(run_gatehouse_output(stack, "import-django '" + empty + "' --table b_user").status == 0);
}

BOOST_AUTO_TEST_SUITE_END()
