// gatehouse serve, gatehouse migrate.
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/cli/commands.hpp"
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

int serve(core::Config& config) {
    core::Log log(STDERR_FILENO);
    for (const auto& name : accounts::migrate_database(config)) std::cerr << "applied " << name << "\n";
    core::Templates templates(config.home + "/templates");
    accounts::PasswordPolicy policy({config.password_min_length, config.password_composition},
                                    config.home + "/db/common-passwords.txt");
    return server::master_run(config, templates, policy, log);
}

}  // namespace gatehouse::cli
