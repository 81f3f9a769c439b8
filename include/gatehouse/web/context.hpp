#pragma once
// What a handler gets besides the request: the per-worker context, passed down explicitly.
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/store/cache.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/web/templates.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace gatehouse::web {

struct Context {
    const core::Config& config;
    store::Database& db;
    store::Cache& cache;
    const core::Clock& clock;
    const core::Log& log;
    const Templates& templates;
    std::function<nlohmann::json()> worker_status;  // the master's scoreboard, for /status
};

}  // namespace gatehouse::web
