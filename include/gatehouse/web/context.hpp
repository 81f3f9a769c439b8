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
    std::string language = "en";                    // this request's (web/language.hpp), set by handle_request
    bool language_stated = false;                   // by the request's cookie or Accept-Language, not the setting

    // msgid in this request's language (the text itself in English or without a translation).
    std::string_view tr(std::string_view msgid) const { return catalog().translate(msgid); }
    const core::Catalog& catalog() const { return templates.translations().catalog(language); }
};

}  // namespace gatehouse::web
