#pragma once
// Is the service able to answer? Asked by /healthz.
#include "gatehouse/store/cache.hpp"
#include "gatehouse/store/database.hpp"

namespace gatehouse::accounts {

struct Health {
    bool db = false;
    bool memcached = false;
    bool ok() const { return db && memcached; }
};

Health check_health(store::Database& db, store::Cache& cache);

}  // namespace gatehouse::accounts
