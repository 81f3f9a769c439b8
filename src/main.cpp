// The `gatehouse` command: serve, migrate, createsuperuser, changepassword, users, config, version.
#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/server/master.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/logins.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/users.hpp"
#include "gatehouse/core/templates.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace gatehouse;

constexpr const char* kVersion = "0.1.0";

constexpr const char* kUsage = R"(usage: gatehouse <command> [options]

commands:
  serve                               run the FastCGI master and its workers (migrates first)
  migrate                             apply the database migrations in db/migrations/
  createsuperuser --email E [--name N]
                                      make an active, verified staff superuser; the password is
                                      read from a prompt, or from the first line of stdin
  changepassword --email E            set a user's password (prompt or stdin)
  users set-staff E                   make an existing user staff
  config                              print the effective settings (no secrets) as shell exports
  version                             print the version

Settings come from GATEHOUSE_* variables and gatehouse.conf; see the README.
)";

std::string option(const std::vector<std::string>& args, const std::string& name) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == name) return args[i + 1];
    for (const auto& a : args)
        if (a.starts_with(name + "=")) return a.substr(name.size() + 1);
    return {};
}

std::string read_password_line(const char* prompt) {
    std::string line;
    if (isatty(STDIN_FILENO)) {
        std::cerr << prompt << std::flush;
        termios old{};
        tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::getline(std::cin, line);
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
    } else {
        std::getline(std::cin, line);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// From a prompt (typed twice) or from stdin; empty on mismatch.
std::string read_new_password() {
    std::string first = read_password_line("Password: ");
    if (isatty(STDIN_FILENO)) {
        std::string again = read_password_line("Password (again): ");
        if (again != first) {
            std::cerr << "error: the two passwords differ\n";
            return {};
        }
    }
    return first;
}

// The same rules as signup (API.md §2); every broken one, one per line.
std::string password_problem(const core::Config& config, const std::string& password, const std::string& email,
                             const std::string& name) {
    accounts::PasswordPolicy policy({config.password_min_length, config.password_composition},
                                    config.home + "/db/common-passwords.txt");
    std::string out;
    for (const auto& message : policy.check(password, email, name)) out += (out.empty() ? "" : "\n") + message;
    return out;
}

accounts::PasswordHasher make_hasher(const core::Config& c) {
    return accounts::PasswordHasher({c.password_hasher, c.argon2_t, c.argon2_m_kib, c.argon2_p, c.pbkdf2_iterations});
}

int migrate(const core::Config& config, bool quiet) {
    store::Database db(config.db_path());
    auto applied = store::apply_migrations(db, store::read_migrations(config.home + "/db/migrations"));
    if (!quiet || !applied.empty()) {
        for (const auto& name : applied) std::cerr << "applied " << name << "\n";
        if (applied.empty()) std::cerr << "no migrations to apply\n";
    }
    return 0;
}

int create_superuser(const core::Config& config, const std::vector<std::string>& args) {
    std::string email = option(args, "--email");
    const std::string name = option(args, "--name");
    const auto at = email.find('@');
    if (email.empty() || at == std::string::npos || at == 0 || at + 1 == email.size()) {
        std::cerr << "error: --email needs a valid address\n";
        return 2;
    }
    for (std::size_t i = at; i < email.size(); ++i) email[i] = static_cast<char>(std::tolower(email[i]));
    const std::string password = read_new_password();
    if (password.empty()) return 2;
    if (auto problem = password_problem(config, password, email, name); !problem.empty()) {
        std::cerr << "error: " << problem << "\n";
        return 2;
    }
    migrate(config, true);
    store::Database db(config.db_path());
    store::UserStore users(db);
    store::User user;
    user.email = email;
    if (!name.empty()) user.name = name;
    user.password_hash = make_hasher(config).hash(password);
    user.is_staff = user.is_superuser = user.is_verified = true;
    user.date_joined = core::iso8601_utc(core::SystemClock().unix_seconds());
    try {
        users.insert(user);
    } catch (const store::ConstraintError&) {
        std::cerr << "error: a user with that email or name already exists\n";
        return 1;
    }
    std::cerr << "superuser " << email << " created\n";
    return 0;
}

int change_password(const core::Config& config, const std::vector<std::string>& args) {
    std::string email = option(args, "--email");
    if (email.empty() && args.size() > 1) email = args[1];
    store::Database db(config.db_path());
    store::UserStore users(db);
    auto user = users.find_by_email(email);
    if (!user) {
        std::cerr << "error: no user with that email\n";
        return 1;
    }
    const std::string password = read_new_password();
    if (password.empty()) return 2;
    if (auto problem = password_problem(config, password, email, user->name.value_or("")); !problem.empty()) {
        std::cerr << "error: " << problem << "\n";
        return 2;
    }
    // As a password change anywhere: every login of the user ends (browser sessions, JWT families,
    // API tokens), in the same transaction as the new hash.
    const std::string hash = make_hasher(config).hash(password);
    const std::int64_t now = core::SystemClock().unix_seconds();
    store::LoginStore logins(db);
    store::Transaction tx(db);
    users.set_password_hash(user->id, hash);
    const auto live = logins.live_for_user(user->id, now);
    for (const auto& login : live) logins.revoke(login.id, now);
    tx.commit();
    std::cerr << "password changed for " << email << "; " << live.size() << " login(s) ended\n";
    return 0;
}

int users_command(const core::Config& config, const std::vector<std::string>& args) {
    if (args.size() != 3 || args[1] != "set-staff") {
        std::cerr << "usage: gatehouse users set-staff EMAIL\n";
        return 2;
    }
    store::Database db(config.db_path());
    store::UserStore users(db);
    auto user = users.find_by_email(args[2]);
    if (!user) {
        std::cerr << "error: no user with that email\n";
        return 1;
    }
    users.set_flags(user->id, user->is_active, true, user->is_superuser, user->is_verified);
    std::cerr << args[2] << " is now staff\n";
    return 0;
}

int serve(core::Config& config) {
    core::Log log(STDERR_FILENO);
    migrate(config, true);
    core::Templates templates(config.home + "/templates");
    accounts::PasswordPolicy policy({config.password_min_length, config.password_composition},
                                    config.home + "/db/common-passwords.txt");
    return server::master_run(config, templates, policy, log);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    if (command == "version" || command == "--version") {
        std::cout << "gatehouse " << kVersion << "\n";
        return 0;
    }
    try {
        core::Config config = core::load_config();
        if (command == "config") {
            std::cout << core::config_as_shell(config);
            return 0;
        }
        core::ensure_secrets(config);
        if (command == "serve") return serve(config);
        if (command == "migrate") return migrate(config, false);
        if (command == "createsuperuser") return create_superuser(config, args);
        if (command == "changepassword") return change_password(config, args);
        if (command == "users") return users_command(config, args);
        std::cerr << "unknown command '" << command << "'\n" << kUsage;
        return 2;
    } catch (const core::ConfigError& e) {
        std::cerr << "configuration error: " << e.what() << "\n";
        return 78;  // EX_CONFIG
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
