// The database on PostgreSQL (README: PostgreSQL): a restart of the database server costs requests a
// 503 with Retry-After while it is down and nothing after (each worker reconnects by itself), and
// `gatehouse migrate-data` moves a running SQLite install into PostgreSQL so that its users notice
// nothing: tokens, sessions and passwords made before the move work after it.
#include "api_client.hpp"
#include "checks.hpp"

#include "../test_postgres.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;
using namespace std::chrono_literals;
namespace tt = boost::test_tools;

namespace {

// Only under tests/with-postgres.sh (make test runs the suite there too).
tt::assertion_result on_postgres(boost::unit_test::test_unit_id) {
    tt::assertion_result on(!gatehouse::testing::test_postgres().empty());
    on.message() << "runs under tests/with-postgres.sh only";
    return on;
}

int shell(const char* variable) {
    const char* command = std::getenv(variable);
    BOOST_REQUIRE_MESSAGE(command && *command, variable << " is not set (tests/with-postgres.sh sets it)");
    return std::system((std::string(command) + " >/dev/null 2>&1").c_str());
}

std::string read_key(const Stack& stack, const std::string& name) {
    std::string key = slurp(stack.var_dir() + "/" + name);
    while (!key.empty() && (key.back() == '\n' || key.back() == ' ')) key.pop_back();
    return key;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgresql)

BOOST_AUTO_TEST_CASE(a_database_restart_is_503_with_retry_after_then_nothing, *boost::unit_test::precondition(on_postgres)) {
    Stack stack;
    BOOST_REQUIRE(stack.on_postgresql());
    ApiClient api(stack);
    const std::string email = unique_email("pg-restart");
    verified_user(api, email);
    const std::string token = api_token(api, email);  // an API token is looked up in the database
    BOOST_REQUIRE(me_status(api, token_auth(token)) == 200);

    BOOST_REQUIRE(shell("GATEHOUSE_TEST_POSTGRES_STOP") == 0);
    const auto down = api.get("/api/me/", token_auth(token));
    BOOST_TEST(is_error(down, 503, "service_unavailable"));
    BOOST_TEST(down.header("Retry-After").value_or("") == "5");
    const auto health = api.get("/healthz");
    BOOST_TEST(health.status == 503, show(health));

    BOOST_REQUIRE(shell("GATEHOUSE_TEST_POSTGRES_START") == 0);
    // The first request after the restart already succeeds: each worker finds its closed connection
    // before using it and opens a new one. Every worker is asked (more requests than workers).
    for (int i = 0; i < 8; ++i) BOOST_TEST(me_status(api, token_auth(token)) == 200, "request " << i << " after the restart");
    BOOST_TEST(api.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(migrate_data_moves_a_running_install_and_its_users_notice_nothing) {
    // The install to move: SQLite, whatever engine the rest of the suite runs on.
    StackOptions on_sqlite;
    on_sqlite.env = {{"GATEHOUSE_DATABASE", ""}};
    Stack before(on_sqlite);
    BOOST_REQUIRE(!before.on_postgresql());
    ApiClient api(before);
    const std::string email = unique_email("moved");
    verified_user(api, email);
    const std::string token = api_token(api, email);
    const Pair pair = obtain(api, email);
    BOOST_REQUIRE(refresh(api, pair.refresh).status == 200);  // pair.refresh is now blacklisted
    const Pair current = obtain(api, email);
    for (int i = 0; i < 3; ++i) verified_user(api, unique_email("moved-more"));

    // Into PostgreSQL under tests/with-postgres.sh, else into a second SQLite file.
    const std::string target = gatehouse::testing::test_postgres().empty()
                                   ? "sqlite:///" + before.dir() + "/moved.db"
                                   : gatehouse::testing::fresh_postgres_database("moved");
    const std::string source = "sqlite:///" + before.var_dir() + "/gatehouse.db";
    const auto moved = run_gatehouse_output(before, "migrate-data --from '" + source + "' --to '" + target + "'");
    BOOST_TEST_REQUIRE(moved.status == 0, moved.out);
    BOOST_TEST(moved.out.find("users: 4 rows in the source, 4 in the target") != std::string::npos, moved.out);
    BOOST_TEST(moved.out.find("every count matches") != std::string::npos, moved.out);
    // The engine's own shell counts the same (sqlite3 on the source).
    BOOST_TEST(shell_output("sqlite3 '" + before.var_dir() + "/gatehouse.db' 'SELECT count(*) FROM logins'") ==
               std::to_string([&] {
                   const auto at = moved.out.find("logins: ");
                   return std::stoll(moved.out.substr(at + 8));
               }()));

    // Again into the same target: refused, nothing copied twice.
    const auto again = run_gatehouse_output(before, "migrate-data --from '" + source + "' --to '" + target + "'");
    BOOST_TEST(again.status == 1);

    // The site again on the target, with the install's keys: the users notice nothing.
    StackOptions on_target;
    on_target.env = {{"GATEHOUSE_DATABASE", target},
                     {"GATEHOUSE_SECRET_KEY", read_key(before, "secret.key")},
                     {"GATEHOUSE_JWE_KEY", read_key(before, "jwe.key")}};
    before.stop();
    Stack after(on_target);
    ApiClient moved_api(after);
    BOOST_TEST(me_status(moved_api, token_auth(token)) == 200, "the API token made before the move");
    BOOST_TEST(me_status(moved_api, bearer(current.access)) == 200, "the access token made before the move");
    BOOST_TEST(refresh(moved_api, current.refresh).status == 200, "the refresh token made before the move");
    BOOST_TEST(is_error(refresh(moved_api, pair.refresh), 401, "token_not_valid"), "a rotated one stays refused");
    obtain(moved_api, email);  // the password
    // New rows get new ids: the identity sequences went on past the copied ones.
    const json newcomer = verified_user(moved_api, unique_email("after-move"));
    BOOST_TEST(newcomer.at("id").get<std::int64_t>() == 5, newcomer.dump());
}

BOOST_AUTO_TEST_SUITE_END()
