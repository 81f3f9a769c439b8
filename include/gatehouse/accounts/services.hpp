#pragma once
// Everything the account rules need, built once per worker after the fork and passed down.
#include "gatehouse/accounts/jwt.hpp"
#include "gatehouse/accounts/one_time_codes.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/password_hasher.hpp"
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/accounts/signed_token.hpp"
#include "gatehouse/accounts/throttle.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/hashing_slots.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/store/cache.hpp"
#include "gatehouse/store/database.hpp"

#include <map>
#include <string>
#include <vector>

namespace gatehouse::accounts {

// Who is asking: for devices, throttles and audit.
struct ClientInfo {
    std::string ip;
    std::string user_agent;
};

// How a session or API token is looked up. Use: a request of the login itself — it counts as the
// login's activity ("last seen") and a session found dead is ended. Peek: the gate (/auth/check)
// asking on behalf of another application — nothing is written.
enum class Lookup { Use, Peek };

struct Services {
    Services(const core::Config& config, store::Database& db, store::Cache& cache, const core::Clock& clock,
             const core::Log& log, const core::Templates& templates, const PasswordPolicy& policy,
             std::string dummy_hash = {},  // see PasswordHasher
             core::Metrics* metrics = nullptr,  // the workers' shared counters; none in commands and tests
             core::HashingSlots* hashing_slots = nullptr);  // the workers' (see PasswordHasher); likewise

    const core::Config& config;
    store::Database& db;
    store::Cache& cache;
    const core::Clock& clock;
    const core::Log& log;
    const core::Templates& templates;
    const PasswordPolicy& policy;
    core::Metrics* metrics;
    PasswordHasher hasher;
    Throttle throttle;
    OneTimeCodes codes;
    TokenSigner signer;
    JwtCodec jwt;

    std::int64_t now() const { return clock.unix_seconds(); }
    std::string site_url() const;  // "https://localhost:8443"
};

HasherSettings hasher_settings(const core::Config& config);

}  // namespace gatehouse::accounts
