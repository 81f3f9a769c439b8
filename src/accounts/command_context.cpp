#include "gatehouse/accounts/command_context.hpp"

#include "gatehouse/store/cache.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"

#include <unistd.h>

namespace gatehouse::accounts {

std::vector<std::string> migrate_database(const core::Config& config) {
    store::Database db(config.database_url());
    return store::apply_migrations(db, store::read_migrations(config.home + "/db/migrations", db.engine()));
}

struct CommandContext::Parts {
    explicit Parts(const core::Config& config)
        : db(config.database_url()),
          cache(config.memcached_servers(), config.effective_memcached_replicas()),
          templates(config.home + "/templates", core::Translations(config.home + "/locale")),
          policy({config.password_min_length, config.password_composition}, config.home + "/db/common-passwords.txt") {}
    store::Database db;
    store::Cache cache;
    core::SystemClock clock;
    core::Log log{STDERR_FILENO};
    core::Templates templates;
    PasswordPolicy policy;
};

CommandContext::CommandContext(const core::Config& config) {
    migrate_database(config);
    parts_ = std::make_unique<Parts>(config);
    services_ = std::make_unique<Services>(config, parts_->db, parts_->cache, parts_->clock, parts_->log,
                                           parts_->templates, parts_->policy);
}

CommandContext::~CommandContext() = default;

}  // namespace gatehouse::accounts
