#pragma once
// Everything the account rules need, real where it matters: a real memcached (Memcached fixture), a
// temp SQLite database with the real migrations, the real templates and common-password list, and a
// ManualClock to move time. The hasher is cheap (argon2id t=1, 8 MiB) so the tests stay fast.
// Tests run from the repository root (db/, templates/).
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/store/cache.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/users.hpp"
#include "memcached_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <expected>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::test {

// A rule's answer in Boost.Test messages and comparisons: "Ok", or the name of the refusal's Outcome
// ("BadCredentials", "CodeExpired"…), e.g. BOOST_TEST(test::outcome_of(r) == "Ok").
template <class T>
std::string outcome_of(const std::expected<T, accounts::Refusal>& result) {
    return result.has_value() ? std::string("Ok") : std::string(accounts::outcome_name(result.error().outcome));
}

// 2023-11-14T22:00:00Z: the start of an hour, so every throttle window (1 min, 15 min, 1 h) starts here.
inline constexpr std::int64_t kAccountsStart = 1'699'999'200;
inline constexpr const char* kGoodPassword = "Correct-Horse-7";
inline constexpr const char* kOtherPassword = "Battery-Staple-9";

inline core::Config accounts_test_config() {
    core::Config c;
    c.secret_key = "unit-test-secret-key-0123456789abcdef";
    c.password_hasher = "argon2id";
    c.argon2_t = 1;
    c.argon2_m_kib = 8192;
    c.argon2_p = 1;
    c.pbkdf2_iterations = 1000;
    c.throttle = true;
    c.require_verified = true;
    c.max_devices = 10;
    c.https_port = 8443;
    c.staff_require_mfa = false;  // the staff rules' own tests; test_mfa.cpp turns it on
    return c;
}

inline const accounts::PasswordPolicy& accounts_test_policy() {
    static const accounts::PasswordPolicy policy(accounts::PolicySettings{}, "db/common-passwords.txt");
    return policy;
}

struct Mail {
    std::string channel, recipient, subject, text_body, html_body;
};

struct AccountsFixture {
    Memcached memcached;
    TempDir dir;
    store::Cache cache{memcached.socket};
    store::Database db{dir.database()};
    core::ManualClock clock{kAccountsStart};
    core::Log log{2, core::LogLevel::Error};
    core::Templates templates;  // English only, unless the fixture is given the built catalogues
    core::Config config = accounts_test_config();
    accounts::Services services{config, db, cache, clock, log, templates, accounts_test_policy()};
    accounts::ClientInfo client{"192.0.2.10", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"};

    explicit AccountsFixture(core::Translations translations = core::Translations{})
        : templates("templates", std::move(translations)) {
        BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory("db/migrations"), "run the tests from the repository root");
        store::apply_migrations(db, store::read_migrations("db/migrations", db.engine()));
    }

    // A user written straight to the table (no signup, no throttle, no mail).
    store::User make_user(const std::string& email, const std::string& password = kGoodPassword, bool verified = true,
                          std::optional<std::string> name = std::nullopt) {
        store::User u;
        u.email = email;
        u.name = std::move(name);
        u.password_hash = services.hasher.hash(password);
        u.is_verified = verified;
        u.date_joined = core::iso8601_utc(services.now());
        u.id = store::UserStore(db).insert(u);
        return u;
    }

    // A password login (accounts::log_in), by default for an API token from `client`.
    std::expected<accounts::LoggedIn, accounts::Refusal> password_login(
        const std::string& email, const std::string& password,
        accounts::LoginKind kind = accounts::LoginKind::Token, std::optional<accounts::ClientInfo> from = std::nullopt) {
        return accounts::log_in(services, {accounts::PasswordCredential{email, password}, kind, false, {},
                                           from.value_or(client), {}});
    }
    std::expected<accounts::LoggedIn, accounts::Refusal> password_login(const std::string& email,
                                                                        const std::string& password,
                                                                        const accounts::ClientInfo& from) {
        return password_login(email, password, accounts::LoginKind::Token, from);
    }

    store::User reload(std::int64_t id) {
        auto u = store::UserStore(db).find_by_id(id);
        BOOST_REQUIRE(u.has_value());
        return *u;
    }

    // Every outbox row, sent or not, oldest first.
    std::vector<Mail> mails() {
        std::vector<Mail> out;
        auto q = db.query("SELECT channel, recipient, subject, text_body, html_body FROM outbox ORDER BY id");
        while (q.step())
            out.push_back({q.row().column_text(0), q.row().column_text(1), q.row().column_text(2),
                           q.row().column_text(3), q.row().column_text(4)});
        return out;
    }
    std::vector<Mail> mails_to(const std::string& recipient) {
        std::vector<Mail> out;
        for (auto& m : mails())
            if (m.recipient == recipient) out.push_back(m);
        return out;
    }
};

// The 6-digit code of a mail: a line holding only six digits (surrounding spaces allowed).
inline std::string code_in(const std::string& body) {
    std::size_t start = 0;
    while (start <= body.size()) {
        auto end = body.find('\n', start);
        if (end == std::string::npos) end = body.size();
        std::string line = body.substr(start, end - start);
        const auto first = line.find_first_not_of(" \t\r");
        const auto last = line.find_last_not_of(" \t\r");
        if (first != std::string::npos) {
            line = line.substr(first, last - first + 1);
            if (line.size() == 6 && std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return line;
        }
        start = end + 1;
    }
    return {};
}

// The token of a link "<prefix><token>/" in a mail, e.g. prefix "/accounts/verify/".
inline std::string token_in(const std::string& body, const std::string& prefix) {
    const auto at = body.find(prefix);
    if (at == std::string::npos) return {};
    const auto begin = at + prefix.size();
    const auto end = body.find('/', begin);
    if (end == std::string::npos) return {};
    return body.substr(begin, end - begin);
}

}  // namespace gatehouse::test
