#include "gatehouse/accounts/health.hpp"

#include "gatehouse/core/errors.hpp"

namespace gatehouse::accounts {

Health check_health(Services& s) {
    Health health;
    try {
        auto q = s.db.query("SELECT count(*) FROM schema_migrations");
        health.db = q.step();
    } catch (const std::exception&) {
        health.db = false;
    }
    health.memcached = s.cache.ping();
    return health;
}

}  // namespace gatehouse::accounts
