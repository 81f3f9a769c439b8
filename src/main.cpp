// The `gatehouse` command: reads the settings and dispatches to src/cli/ (one file per group).
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/version.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace gatehouse;

constexpr const char* kUsage = R"(usage: gatehouse <command> [options]   (gatehouse <command> --help for its options)

commands:
  serve                               run the FastCGI master and its workers (migrates first)
  migrate                             apply the database migrations in db/migrations/
  migrate-data --from LOCATION --to LOCATION
                                      copy every table into an empty database (SQLite to
                                      PostgreSQL) and compare the counts
  check                               settings, database integrity and migrations, memcached, secret
                                      key files, nginx -t, certificate expiry: a line each, exit 1
                                      when anything failed
  createsuperuser --email E [--name N]
                                      make an active, verified staff superuser; the password is
                                      read from a prompt, or from the first line of stdin
  changepassword --email E            set a user's password (prompt or stdin)
  users list [--search TEXT] [--json] the users
  users show E [--json]               one user
  users create --email E [--name N] [--staff]
                                      a new user by the signup rules (password: prompt or stdin)
  users activate|deactivate|verify E  set a flag (deactivating ends the user's logins)
  users set-staff E [--remove]        make an existing user staff (or no longer)
  users delete E [--yes]              delete a user (asks first unless --yes)
  users reset-mfa E                   remove a user's two-factor authentication (a lost phone)
  import-django PATH_OR_URL [--table T] [--map FIELD=COLUMN]... [--update] [--dry-run]
                                      bring a Django site's users over (SQLite file or
                                      postgresql://…), their password hashes kept; a report of
                                      what was imported, skipped and why
  sessions list --user E [--json]     the user's live logins
  sessions revoke --user E [--id N]   end them all, or login N
  clearsessions                       delete expired and revoked logins and expired blacklist entries
  outbox list [--json]                mail and texts not delivered yet
  outbox retry ID                     make message ID due now
  audit [--user E] [--since ISO-8601] [--limit N] [--json]
                                      the audit trail, newest first
  config                              print the effective settings (no secrets) as shell exports
  version                             print the version

Exit status: 0 ok, 1 failure (e.g. no such user), 2 usage or refused input, 78 configuration error.
Settings come from GATEHOUSE_* variables and gatehouse.conf; see the README.
)";

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    if (command == "version" || command == "--version") {
        std::cout << "gatehouse " << core::kVersion << "\n";
        return 0;
    }
    try {
        core::Config config = core::load_config();
        if (command == "config") {
            std::cout << core::config_as_shell(config);
            return 0;
        }
        if (command == "check") return cli::check(config, args);
        core::ensure_secrets(config);
        if (command == "serve") return cli::serve(config);
        if (command == "migrate") return cli::migrate(config);
        if (command == "migrate-data") return cli::migrate_data(config, args);
        if (command == "createsuperuser") return cli::createsuperuser(config, args);
        if (command == "changepassword") return cli::changepassword(config, args);
        if (command == "users") return cli::users(config, args);
        if (command == "import-django") return cli::import_django(config, args);
        if (command == "sessions") return cli::sessions(config, args);
        if (command == "clearsessions") return cli::clearsessions(config, args);
        if (command == "outbox") return cli::outbox(config, args);
        if (command == "audit") return cli::audit(config, args);
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
