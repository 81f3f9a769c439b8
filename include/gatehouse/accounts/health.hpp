#pragma once
// Is the service able to answer? Asked by /healthz, and in more depth by `gatehouse check`. And how far
// behind is the mailer? Asked by /metrics.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/core/config.hpp"

#include <string>
#include <vector>

namespace gatehouse::accounts {

struct Health {
    bool db = false;
    bool memcached = false;
    bool ok() const { return db && memcached; }
};

// A real round trip to SQLite and to every memcached server; memcached counts as up while every key
// still has a server that answers (with replicas, one server down is no outage).
Health check_health(Services& services);

// What `gatehouse check` finds in the database, without changing it (no migration, no file created).
struct DatabaseReport {
    std::string where;                  // the database, password left out (a path or a postgresql:// URI)
    bool exists = false;
    std::vector<std::string> problems;  // PRAGMA integrity_check's findings
    std::vector<std::string> pending;   // migrations under GATEHOUSE_HOME/db/migrations not yet applied
};
// Throws core::Unavailable when the file exists but cannot be opened or read.
DatabaseReport inspect_database(const core::Config& config);
// Every memcached server of the settings answers.
bool memcached_reachable(const core::Config& config);

struct OutboxBacklog {
    std::int64_t pending = 0;             // mail and SMS not yet delivered (retries included)
    std::int64_t oldest_age_seconds = 0;  // how long the oldest of them has waited; 0 when none
};

// One query; core::Unavailable when the database does not answer.
OutboxBacklog outbox_backlog(Services& services);

}  // namespace gatehouse::accounts
