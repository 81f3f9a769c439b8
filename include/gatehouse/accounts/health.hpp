#pragma once
// Is the service able to answer? Asked by /healthz.
#include "gatehouse/accounts/services.hpp"

namespace gatehouse::accounts {

struct Health {
    bool db = false;
    bool memcached = false;
    bool ok() const { return db && memcached; }
};

// A real round trip to SQLite and to every memcached server.
Health check_health(Services& services);

}  // namespace gatehouse::accounts
