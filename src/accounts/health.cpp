#include "gatehouse/accounts/health.hpp"

#include "gatehouse/core/errors.hpp"

namespace gatehouse::accounts {

Health check_health(store::Database& db, store::Cache& cache) {
    Health health;
    try {
        auto q = db.query("SELECT count(*) FROM schema_migrations");
        health.db = q.step();
    } catch (const std::exception&) {
        health.db = false;
    }
    health.memcached = cache.ping();
    return health;
}

}  // namespace gatehouse::accounts
