// gatehouse serve, gatehouse migrate, gatehouse migrate-data.
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/data_migration.hpp"
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/server/master.hpp"

#include <unistd.h>

#include <iostream>

namespace gatehouse::cli {

int migrate(const core::Config& config) {
    const auto applied = accounts::migrate_database(config);
    for (const auto& name : applied) std::cerr << "applied " << name << "\n";
    if (applied.empty()) std::cerr << "no migrations to apply\n";
    return 0;
}

namespace {

constexpr const char* kMigrateDataUsage = R"(usage: gatehouse migrate-data --from LOCATION --to LOCATION

Copies every table of one Gatehouse database into another, empty one (SQLite to PostgreSQL, say),
from one consistent snapshot of the source while the site keeps running, in one transaction on the
target, and compares the rows of each table on both sides. LOCATION as GATEHOUSE_DATABASE takes it:
sqlite:////absolute/path.db, sqlite:///relative.db or postgresql://user@host/dbname. The target is
migrated first; it must hold no rows. Then point GATEHOUSE_DATABASE at the target and restart.
)";

}  // namespace

int migrate_data(const core::Config& config, const Args& args) {
    const auto line = parse_command_line(args, 1, {"--from", "--to"}, {});
    if (!line || line->wants_help() || line->value("--from").empty() || line->value("--to").empty() ||
        !line->positional.empty()) {
        if (!line) std::cerr << "error: " << line.error() << "\n";
        std::cerr << kMigrateDataUsage;
        return line && line->wants_help() ? 0 : 2;
    }
    try {
        const auto counts = accounts::migrate_data(config.home + "/db/migrations", line->value("--from"), line->value("--to"));
        std::int64_t rows = 0;
        for (const auto& count : counts) {
            std::cout << count.table << ": " << count.source << " rows in the source, " << count.target << " in the target\n";
            rows += count.target;
        }
        std::cout << "copied " << rows << " rows in " << counts.size() << " tables; every count matches\n";
        return 0;
    } catch (const accounts::DataMigrationRefused& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    } catch (const std::invalid_argument& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
}

int serve(core::Config& config) {
    core::Log log(STDERR_FILENO);
    for (const auto& name : accounts::migrate_database(config)) std::cerr << "applied " << name << "\n";
    core::Templates templates(config.home + "/templates", core::Translations(config.home + "/locale"));
    if (!templates.translations().has(config.language))
        throw core::ConfigError("GATEHOUSE_LANGUAGE: no catalogue for '" + config.language + "' in " + config.home +
                                "/locale (po/" + config.language + ".po, built by make)");
    accounts::PasswordPolicy policy({config.password_min_length, config.password_composition},
                                    config.home + "/db/common-passwords.txt");
    return server::master_run(config, templates, policy, log);
}

}  // namespace gatehouse::cli
