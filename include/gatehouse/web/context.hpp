#pragma once
// What a handler gets besides the request: the per-worker context, passed down explicitly.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/core/templates.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace gatehouse::web {

struct Context {
    const core::Config& config;
    accounts::Services& accounts;  // the rules; web reaches storage only through them
    const core::Clock& clock;
    const core::Log& log;
    const core::Templates& templates;
    std::function<nlohmann::json()> worker_status;  // the master's scoreboard, for /status
    core::Metrics* metrics = nullptr;               // the master's shared counters, for /metrics
};

}  // namespace gatehouse::web
