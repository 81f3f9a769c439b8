#pragma once
// Is the service able to answer? Asked by /healthz. And how far behind is the mailer? Asked by /metrics.
#include "gatehouse/accounts/services.hpp"

namespace gatehouse::accounts {

struct Health {
    bool db = false;
    bool memcached = false;
    bool ok() const { return db && memcached; }
};

// A real round trip to SQLite and to every memcached server.
Health check_health(Services& services);

struct OutboxBacklog {
    std::int64_t pending = 0;             // mail and SMS not yet delivered (retries included)
    std::int64_t oldest_age_seconds = 0;  // how long the oldest of them has waited; 0 when none
};

// One query; core::Unavailable when the database does not answer.
OutboxBacklog outbox_backlog(Services& services);

}  // namespace gatehouse::accounts
