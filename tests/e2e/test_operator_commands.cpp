// The operator's commands of the README's "The gatehouse command" table, run as the operator runs them
// (run_gatehouse_output: the stack's GATEHOUSE_VAR and memcached, a clean environment) against the real
// stack: `check`, `users …`, `sessions …`, `clearsessions`, `outbox …` and `audit`, each once for what it
// must do and once for what it must refuse, with the exit codes of the convention (0 ok, 1 failure,
// 2 usage or refused input). What a command changes is checked through the site itself (the API, a
// login) or with tools of their own (sqlite3 or psql, Python's cryptography, nginx), not with our own code.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

namespace {

std::string operator_label() {
    const passwd* entry = getpwuid(getuid());
    return "command line (" + std::string(entry && entry->pw_name ? entry->pw_name : "uid " + std::to_string(getuid())) + ")";
}

// A SQL answer from the engine's own shell (sqlite3 or psql: both print columns joined by '|').
std::string sql(const Stack& stack, const std::string& query) {
    if (stack.on_postgresql()) return shell_output("psql -X -q -At '" + stack.database_location() + "' -c \"" + query + "\"");
    return shell_output("sqlite3 '" + stack.database_location() + "' \"" + query + "\"");
}

json parsed(const CommandResult& r) {
    try {
        return json::parse(r.out);
    } catch (const std::exception&) {
        return json("not JSON: " + r.out);
    }
}

// A staff member's API token (a superuser made by the command line, as in production).
std::string staff_token(ApiClient& api) {
    const std::string email = unique_email("ops-staff");
    BOOST_TEST_REQUIRE(run_gatehouse(api.stack(), "createsuperuser --email '" + email + "'", std::string(kPassword) + "\n") == 0);
    return token_auth(api_token(api, email));
}

// `gatehouse users create` for a new user; the user's id.
std::int64_t create_user(const Stack& stack, const std::string& email, const std::string& extra = {}) {
    const auto r = run_gatehouse_output(stack, "users create --email '" + email + "'" + extra, std::string(kPassword) + "\n");
    BOOST_TEST_REQUIRE(r.status == 0, "users create " << email << " failed; see " << stack.dir() << "/gatehouse-cli.log");
    const auto shown = run_gatehouse_output(stack, "users show '" + email + "' --json");
    BOOST_TEST_REQUIRE(shown.status == 0);
    return parsed(shown).at("id").get<std::int64_t>();
}

// The lines of `gatehouse check` that start with this word ("ok", "warn", "skip", "FAIL") and name this part.
bool has_line(const std::string& out, const std::string& word, const std::string& part, const std::string& text = {}) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(word + " ") && line.find(" " + part + ": ") != std::string::npos &&
            line.find(text) != std::string::npos)
            return true;
    return false;
}

// Restores a file's mode when the test ends, however it ends.
struct ModeGuard {
    std::string path;
    mode_t mode;
    ~ModeGuard() { ::chmod(path.c_str(), mode); }
};

// A self-signed certificate made by Python's cryptography (not OpenSSL's command line, not our code),
// valid from `from_days` to `to_days` days from now.
std::string make_certificate(const Stack& stack, const std::string& name, int from_days, int to_days) {
    const std::string path = stack.dir() + "/" + name + ".pem";
    const std::string script =
        "import datetime, sys\n"
        "from cryptography import x509\n"
        "from cryptography.x509.oid import NameOID\n"
        "from cryptography.hazmat.primitives import hashes, serialization\n"
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        "key = ec.generate_private_key(ec.SECP256R1())\n"
        "now = datetime.datetime.now(datetime.timezone.utc)\n"
        "subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')])\n"
        "cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())\n"
        "        .serial_number(x509.random_serial_number())\n"
        "        .not_valid_before(now + datetime.timedelta(days=int(sys.argv[2])))\n"
        "        .not_valid_after(now + datetime.timedelta(days=int(sys.argv[3]), hours=1))\n"
        "        .sign(key, hashes.SHA256()))\n"
        "open(sys.argv[1], 'wb').write(cert.public_bytes(serialization.Encoding.PEM))\n";
    const std::string script_path = stack.dir() + "/make-cert.py";
    std::ofstream(script_path) << script;
    BOOST_TEST_REQUIRE(std::system(("python3 '" + script_path + "' '" + path + "' " + std::to_string(from_days) + " " +
                                    std::to_string(to_days)).c_str()) == 0);
    return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(operator_commands)

// --- gatehouse check ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(check_passes_on_a_healthy_stack) {
    auto& stack = shared_stack();
    const auto r = run_gatehouse_output(stack, "check");
    BOOST_TEST(r.status == 0, r.out);
    BOOST_TEST(has_line(r.out, "ok", "config"), r.out);
    BOOST_TEST(has_line(r.out, "ok", "secret key", "mode 0600"), r.out);
    BOOST_TEST(has_line(r.out, "ok", "database", "integrity ok, every migration applied"), r.out);
    BOOST_TEST(has_line(r.out, "ok", "memcached"), r.out);
    BOOST_TEST(has_line(r.out, "ok", "nginx", "nginx -t accepts"), r.out);
    BOOST_TEST(lacks(r.out, "FAIL"));
    // The days left are what Python's cryptography reads in the certificate nginx serves.
    const std::string days = shell_output(
        "python3 -c \"import sys, datetime; from cryptography import x509; "
        "c = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read()); "
        "print((c.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc)).days)\" '" +
        stack.var_dir() + "/tls/cert.pem'");
    BOOST_TEST_REQUIRE(!days.empty());
    // (Python reads the clock a moment later: a whole day may just have passed.)
    const std::string one_more = std::to_string(std::stoi(days) + 1);
    BOOST_TEST((has_line(r.out, "ok", "certificate", ": " + days + " days left") ||
                has_line(r.out, "ok", "certificate", ": " + one_more + " days left")),
               r.out << " (Python: " << days << " days)");
    BOOST_TEST(run_gatehouse_output(stack, "check --help").status == 0);
    BOOST_TEST(run_gatehouse_output(stack, "check --frob").status == 2);
}

BOOST_AUTO_TEST_CASE(check_fails_on_a_world_readable_secret_key_and_a_dead_memcached) {
    auto& stack = shared_stack();
    const std::string key = stack.var_dir() + "/secret.key";
    {
        ModeGuard restore{key, 0600};
        BOOST_TEST_REQUIRE(::chmod(key.c_str(), 0644) == 0);
        const auto r = run_gatehouse_output(stack, "check", {}, {{"GATEHOUSE_MEMCACHED", stack.dir() + "/no-memcached.sock"}});
        BOOST_TEST(r.status == 1, r.out);
        BOOST_TEST(has_line(r.out, "FAIL", "secret key", "mode 0644, not 0600"), r.out);
        BOOST_TEST(has_line(r.out, "FAIL", "memcached", "no-memcached.sock does not answer"), r.out);
        BOOST_TEST(has_line(r.out, "ok", "jwe key"), "one problem hid the other checks: " << r.out);
        BOOST_TEST(has_line(r.out, "ok", "database"), r.out);
    }
    BOOST_TEST(run_gatehouse_output(stack, "check").status == 0, "the restored key still fails");
}

BOOST_AUTO_TEST_CASE(check_fails_on_an_expired_certificate_and_warns_on_one_near_expiry) {
    auto& stack = shared_stack();
    const auto expired = make_certificate(stack, "expired", -30, -2);
    auto r = run_gatehouse_output(stack, "check", {}, {{"GATEHOUSE_TLS_CERT", expired}});
    BOOST_TEST(r.status == 1, r.out);
    BOOST_TEST(has_line(r.out, "FAIL", "certificate", "expired on"), r.out);

    const auto near = make_certificate(stack, "near", -1, 5);
    r = run_gatehouse_output(stack, "check", {}, {{"GATEHOUSE_TLS_CERT", near}});
    BOOST_TEST(r.status == 0, "a warning is not a failure: " << r.out);
    BOOST_TEST(has_line(r.out, "warn", "certificate", "expires in 5 day(s)"), r.out);

    r = run_gatehouse_output(stack, "check", {}, {{"GATEHOUSE_TLS_CERT", stack.dir() + "/no-such-cert.pem"}});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(has_line(r.out, "FAIL", "certificate", "does not exist"), r.out);
}

// --- gatehouse users ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(users_create_list_and_show_give_the_api_s_user_object) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string staff = staff_token(api);
    const std::string email = unique_email("ops-create");
    const auto id = create_user(stack, email, " --name '" + email.substr(0, 20) + "' --staff");

    const auto from_api = api.get("/api/users/" + std::to_string(id) + "/", staff);
    BOOST_TEST_REQUIRE(from_api.status == 200, show(from_api));
    const auto shown = run_gatehouse_output(stack, "users show '" + email + "' --json");
    BOOST_TEST(shown.status == 0);
    BOOST_TEST(parsed(shown) == from_api.json(), "users show --json: " << shown.out << "\nthe API: " << from_api.body);
    BOOST_TEST(parsed(shown).at("is_staff") == true);
    BOOST_TEST(parsed(shown).at("is_verified") == false, "a new user is unverified until it verifies");
    BOOST_TEST(Outbox(stack).wait_mail(email).find("/accounts/verify/") != std::string::npos, "no verification mail");

    const auto listed = run_gatehouse_output(stack, "users list --search '" + email + "' --json");
    BOOST_TEST(listed.status == 0);
    BOOST_TEST(parsed(listed) == json::array({from_api.json()}), listed.out);
    const auto table = run_gatehouse_output(stack, "users list");
    BOOST_TEST(table.status == 0);
    BOOST_TEST(contains(table.out, email));
    const auto text = run_gatehouse_output(stack, "users show '" + email + "'");
    BOOST_TEST(contains(text.out, "staff:          yes"));

    const auto rows = run_gatehouse_output(stack, "audit --user '" + email + "' --json");
    BOOST_TEST_REQUIRE(rows.status == 0);
    BOOST_TEST_REQUIRE(parsed(rows).size() == 1u, rows.out);
    BOOST_TEST(parsed(rows)[0].at("action") == "create");
    BOOST_TEST(parsed(rows)[0].at("actor") == operator_label());
}

BOOST_AUTO_TEST_CASE(users_refuse_what_the_site_refuses_and_unknown_users) {
    auto& stack = shared_stack();
    const std::string email = unique_email("ops-refused");
    BOOST_TEST(run_gatehouse_output(stack, "users create --email '" + email + "'", "password123\n").status == 2,
               "a common password was taken");
    BOOST_TEST(run_gatehouse_output(stack, "users create --email not-an-email", std::string(kPassword) + "\n").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "users show '" + email + "'").status == 1, "the refused user exists");
    create_user(stack, email);
    std::string shouted = email;
    std::transform(shouted.begin(), shouted.end(), shouted.begin(), [](unsigned char c) { return std::toupper(c); });
    BOOST_TEST(run_gatehouse_output(stack, "users create --email '" + shouted + "'", std::string(kPassword) + "\n").status == 2,
               "the same email (in capitals) was taken twice");
    BOOST_TEST(run_gatehouse_output(stack, "users create", std::string(kPassword) + "\n").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "users list --frob").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "users frob").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "users show").status == 2);
    for (const char* action : {"show", "activate", "deactivate", "verify", "set-staff", "delete --yes"})
        BOOST_TEST(run_gatehouse_output(stack, std::string("users ") + action + " 'nobody-" + email + "'").status == 1, action);
    BOOST_TEST(run_gatehouse_output(stack, "users --help").status == 0);
    BOOST_TEST(contains(run_gatehouse_output(stack, "users delete --help").out, "usage: gatehouse users"));
}

BOOST_AUTO_TEST_CASE(deactivate_ends_the_logins_and_activate_verify_and_set_staff_change_the_flags) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string staff = staff_token(api);
    const std::string email = unique_email("ops-flags");
    register_user(api, email);  // unverified: may not log in yet
    BOOST_TEST(api.post("/api/auth/login/", {{"email", email}, {"password", kPassword}}).status != 200);
    BOOST_TEST(run_gatehouse_output(stack, "users verify '" + email + "'").status == 0);
    const std::string token = token_auth(api_token(api, email));
    BOOST_TEST_REQUIRE(me_status(api, token) == 200);

    BOOST_TEST(run_gatehouse_output(stack, "users deactivate '" + email + "'").status == 0);
    BOOST_TEST(me_status(api, token) == 401, "the login outlived the deactivation");
    BOOST_TEST(api.post("/api/auth/login/", {{"email", email}, {"password", kPassword}}).status != 200);
    BOOST_TEST(run_gatehouse_output(stack, "users activate '" + email + "'").status == 0);
    BOOST_TEST(me_status(api, token_auth(api_token(api, email))) == 200);

    BOOST_TEST(run_gatehouse_output(stack, "users set-staff '" + email + "'").status == 0);
    BOOST_TEST(parsed(run_gatehouse_output(stack, "users show '" + email + "' --json")).at("is_staff") == true);
    BOOST_TEST(run_gatehouse_output(stack, "users set-staff '" + email + "' --remove").status == 0);
    BOOST_TEST(parsed(run_gatehouse_output(stack, "users show '" + email + "' --json")).at("is_staff") == false);

    // The audit trail has the site's rows for each change, the operator as the actor.
    const auto rows = parsed(run_gatehouse_output(stack, "audit --user '" + email + "' --json"));
    std::vector<std::string> actions;
    for (const auto& row : rows)
        if (row.at("actor") == operator_label()) actions.push_back(row.at("action"));  // the user's own logins aside
    const std::vector<std::string> expected = {"remove_staff", "make_staff", "activate", "deactivate", "mark_verified"};
    BOOST_TEST(actions == expected, rows.dump());
}

BOOST_AUTO_TEST_CASE(delete_asks_first_unless_yes) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("ops-delete");
    const auto id = create_user(stack, email);
    BOOST_TEST(run_gatehouse_output(stack, "users delete '" + email + "'", "no\n").status == 1);
    BOOST_TEST(run_gatehouse_output(stack, "users delete '" + email + "'").status == 1, "no answer is no");
    BOOST_TEST(run_gatehouse_output(stack, "users show '" + email + "'").status == 0, "a refused deletion deleted");
    BOOST_TEST(run_gatehouse_output(stack, "users delete '" + email + "'", "yes\n").status == 0);
    BOOST_TEST(run_gatehouse_output(stack, "users show '" + email + "'").status == 1);
    BOOST_TEST(sql(stack, "SELECT count(*) FROM users WHERE id = " + std::to_string(id)) == "0");

    const std::string other = unique_email("ops-delete-yes");
    create_user(stack, other);
    BOOST_TEST(run_gatehouse_output(stack, "users delete --yes '" + other + "'").status == 0);
    BOOST_TEST(run_gatehouse_output(stack, "users show '" + other + "'").status == 1);
    const auto rows = parsed(run_gatehouse_output(stack, "audit --json --limit 5"));
    bool audited = false;
    for (const auto& row : rows) audited |= row.at("action") == "delete" && row.at("detail") == "email: " + other;
    BOOST_TEST(audited, rows.dump());
}

// --- gatehouse sessions, clearsessions ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sessions_list_and_revoke_one_or_all_then_clearsessions_drops_them) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("ops-sessions");
    verified_user(api, email);
    const std::string token = token_auth(api_token(api, email));
    const Pair pair = obtain(api, email);

    const auto listed = run_gatehouse_output(stack, "sessions list --user '" + email + "' --json");
    BOOST_TEST_REQUIRE(listed.status == 0);
    // The same logins as the user's own devices list.
    const auto devices = api.get("/api/me/devices/", token);
    BOOST_TEST_REQUIRE(devices.status == 200);
    std::set<std::int64_t> ids, device_ids;
    std::int64_t token_login = 0;
    for (const auto& login : parsed(listed)) {
        ids.insert(login.at("id").get<std::int64_t>());
        if (login.at("kind") == "token") token_login = login.at("id");
    }
    for (const auto& device : devices.json()) device_ids.insert(device.at("id").get<std::int64_t>());
    BOOST_TEST(ids == device_ids, listed.out << " vs " << devices.body);
    BOOST_TEST_REQUIRE(ids.size() == 2u);
    BOOST_TEST(contains(run_gatehouse_output(stack, "sessions list --user '" + email + "'").out, "2 live login(s)"));

    BOOST_TEST(run_gatehouse_output(stack, "sessions revoke --user '" + email + "' --id " + std::to_string(token_login)).status == 0);
    BOOST_TEST(me_status(api, token) == 401, "the revoked login still works");
    BOOST_TEST(me_status(api, bearer(pair.access)) == 200, "another login ended too");
    BOOST_TEST(run_gatehouse_output(stack, "sessions revoke --user '" + email + "'").status == 0);
    BOOST_TEST(me_status(api, bearer(pair.access)) == 401, "log out everywhere left a login");
    BOOST_TEST(refresh(api, pair.refresh).status == 401);
    BOOST_TEST(parsed(run_gatehouse_output(stack, "sessions list --user '" + email + "' --json")).empty());

    // The revoked rows stay in SQL (a month, for the mailer's sweep) until clearsessions drops them now.
    const std::string user_logins = "SELECT count(*) FROM logins WHERE user_id = (SELECT id FROM users WHERE email = '" +
                                    email + "')";
    BOOST_TEST(sql(stack, user_logins) == "2");
    const auto cleared = run_gatehouse_output(stack, "clearsessions");
    BOOST_TEST(cleared.status == 0);
    BOOST_TEST(std::regex_search(cleared.out, std::regex("deleted [0-9]+ expired or revoked login")), cleared.out);
    BOOST_TEST(sql(stack, user_logins) == "0");
    const std::string now = std::to_string(unix_now());
    BOOST_TEST(sql(stack, "SELECT count(*) FROM logins WHERE revoked_at IS NOT NULL OR expires_at < " + now) == "0");
    BOOST_TEST(sql(stack, "SELECT count(*) FROM refresh_blacklist WHERE expires_at < " + now) == "0");
}

BOOST_AUTO_TEST_CASE(sessions_refuse_bad_input_and_unknown_logins) {
    auto& stack = shared_stack();
    ApiClient api(stack);
    const std::string email = unique_email("ops-sessions-refused");
    verified_user(api, email);
    const std::string token = token_auth(api_token(api, email));
    BOOST_TEST(run_gatehouse_output(stack, "sessions revoke --user '" + email + "' --id 999999999").status == 1);
    BOOST_TEST(run_gatehouse_output(stack, "sessions revoke --user '" + email + "' --id abc").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "sessions list").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "sessions list --user 'nobody-" + email + "'").status == 1);
    BOOST_TEST(run_gatehouse_output(stack, "sessions frob --user '" + email + "'").status == 2);
    BOOST_TEST(me_status(api, token) == 200, "a refused revocation ended a login");
    BOOST_TEST(run_gatehouse_output(stack, "clearsessions now").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "clearsessions --help").status == 0);
    BOOST_TEST(run_gatehouse_output(stack, "sessions --help").status == 0);
}

// --- gatehouse outbox -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(outbox_lists_failed_mail_and_retry_makes_it_due_now) {
    // Mail to an SMTP port nobody listens on: every delivery fails and backs off (5 s, 10 s, …).
    Stack stack({.env = {{"GATEHOUSE_EMAIL_BACKEND", "smtp"}, {"GATEHOUSE_SMTP_HOST", "127.0.0.1"}, {"GATEHOUSE_SMTP_PORT", "9"}}});
    ApiClient api(stack);
    const std::string email = unique_email("ops-outbox");
    register_user(api, email);
    json message;
    const bool failed = wait_until(std::chrono::seconds(10), [&] {
        for (const auto& m : parsed(run_gatehouse_output(stack, "outbox list --json")))
            if (m.at("recipient") == email && m.at("tries").get<int>() >= 1) {
                message = m;
                return true;
            }
        return false;
    });
    BOOST_TEST_REQUIRE(failed, "the verification mail never failed: " << stack.log_tail());
    BOOST_TEST(message.at("kind") == "email");
    BOOST_TEST(message.at("state") == "failed");
    BOOST_TEST(!message.at("last_error").is_null());
    BOOST_TEST(contains(run_gatehouse_output(stack, "outbox list").out, email));

    // Retried now, it is tried again long before its back-off (5 s or more) would have it.
    const int tries = message.at("tries");
    const auto id = message.at("id").get<std::int64_t>();
    const auto started = std::chrono::steady_clock::now();
    BOOST_TEST(run_gatehouse_output(stack, "outbox retry " + std::to_string(id)).status == 0);
    const auto due = std::stoll(sql(stack, "SELECT next_attempt_at FROM outbox WHERE id = " + std::to_string(id))) - unix_now();
    const int tries_now = std::stoi(sql(stack, "SELECT attempts FROM outbox WHERE id = " + std::to_string(id)));
    BOOST_TEST((due <= 0 || tries_now > tries), "not due now: in " << due << " s");
    BOOST_TEST(wait_until(std::chrono::seconds(3), [&] {
        return std::stoi(sql(stack, "SELECT attempts FROM outbox WHERE id = " + std::to_string(id))) > tries;
    }), "no new try within 3 s of the retry");
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));

    BOOST_TEST(run_gatehouse_output(stack, "outbox retry 999999999").status == 1);
    BOOST_TEST(run_gatehouse_output(stack, "outbox retry abc").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "outbox retry").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "outbox list --frob").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "outbox --help").status == 0);
}

// --- gatehouse audit ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(audit_filters_by_user_time_and_count_and_refuses_bad_values) {
    auto& stack = shared_stack();
    const std::string email = unique_email("ops-audit");
    create_user(stack, email);
    BOOST_TEST(run_gatehouse_output(stack, "users verify '" + email + "'").status == 0);

    const auto mine = parsed(run_gatehouse_output(stack, "audit --user '" + email + "' --json"));
    BOOST_TEST_REQUIRE(mine.size() == 2u, mine.dump());
    BOOST_TEST(mine[0].at("action") == "mark_verified", "not newest first");
    for (const auto& row : mine) BOOST_TEST(row.at("target") == email);
    BOOST_TEST(parsed(run_gatehouse_output(stack, "audit --json --limit 1")).size() == 1u);
    const std::string at = mine[1].at("at");
    BOOST_TEST(parsed(run_gatehouse_output(stack, "audit --user '" + email + "' --since " + at + " --json")).size() == 2u);
    BOOST_TEST(parsed(run_gatehouse_output(stack, "audit --user '" + email + "' --since 2999-01-01 --json")).empty());
    BOOST_TEST(contains(run_gatehouse_output(stack, "audit --user '" + email + "'").out, "mark_verified"));

    BOOST_TEST(run_gatehouse_output(stack, "audit --since yesterday").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "audit --since 2026-02-30").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "audit --limit 0").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "audit --limit").status == 2);
    BOOST_TEST(run_gatehouse_output(stack, "audit --user 'nobody-" + email + "'").status == 1);
    BOOST_TEST(run_gatehouse_output(stack, "audit --help").status == 0);
}

BOOST_AUTO_TEST_SUITE_END()
