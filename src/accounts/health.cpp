#include "gatehouse/accounts/health.hpp"

#include "gatehouse/core/errors.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/outbox.hpp"

#include <algorithm>
#include <filesystem>

namespace gatehouse::accounts {

Health check_health(Services& s) {
    Health health;
    try {
        auto q = s.db.query("SELECT count(*) FROM schema_migrations");
        health.db = q.step();
    } catch (const std::exception&) {
        health.db = false;
    }
    health.memcached = s.cache.every_key_has_a_copy();  // one server down is no outage with replicas
    return health;
}

DatabaseReport inspect_database(const core::Config& config) {
    DatabaseReport report;
    const auto where = store::parse_location(config.database_url());
    const auto migrations = store::read_migrations(config.home + "/db/migrations", where.engine);
    report.where = store::redacted(config.database_url());
    report.exists = where.engine == store::Engine::Postgresql || std::filesystem::exists(where.target);
    if (!report.exists) {
        for (const auto& migration : migrations) report.pending.push_back(migration.name);
        return report;
    }
    store::Database db(config.database_url());
    report.problems = db.integrity_problems();
    report.pending = store::pending_migrations(db, migrations);
    return report;
}

bool memcached_reachable(const core::Config& config) {
    try {
        store::Cache cache(config.memcached_servers(), config.effective_memcached_replicas());
        return cache.ping();
    } catch (const std::exception&) {
        return false;
    }
}

OutboxBacklog outbox_backlog(Services& s) {
    const auto backlog = store::OutboxStore(s.db).backlog();
    OutboxBacklog out;
    out.pending = backlog.pending;
    if (backlog.oldest_created) out.oldest_age_seconds = std::max<std::int64_t>(0, s.now() - *backlog.oldest_created);
    return out;
}

}  // namespace gatehouse::accounts
