#include "gatehouse/accounts/health.hpp"

#include "gatehouse/core/errors.hpp"
#include "gatehouse/store/outbox.hpp"

#include <algorithm>

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

OutboxBacklog outbox_backlog(Services& s) {
    const auto backlog = store::OutboxStore(s.db).backlog();
    OutboxBacklog out;
    out.pending = backlog.pending;
    if (backlog.oldest_created) out.oldest_age_seconds = std::max<std::int64_t>(0, s.now() - *backlog.oldest_created);
    return out;
}

}  // namespace gatehouse::accounts
