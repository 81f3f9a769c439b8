#include "gatehouse/accounts/services.hpp"

#include "gatehouse/core/crypto.hpp"

namespace gatehouse::accounts {

HasherSettings hasher_settings(const core::Config& c) {
    return {c.password_hasher, c.argon2_t, c.argon2_m_kib, c.argon2_p, c.pbkdf2_iterations, c.argon2_arena};
}

Services::Services(const core::Config& config_, store::Database& db_, store::Cache& cache_, const core::Clock& clock_,
                   const core::Log& log_, const core::Templates& templates_, const PasswordPolicy& policy_,
                   std::string dummy_hash, core::Metrics* metrics_, core::HashingSlots* hashing_slots)
    : config(config_),
      db(db_),
      cache(cache_),
      clock(clock_),
      log(log_),
      templates(templates_),
      policy(policy_),
      metrics(metrics_),
      hasher(hasher_settings(config_), std::move(dummy_hash), hashing_slots),
      throttle(cache_, clock_, config_.throttle, metrics_),
      codes(cache_, clock_, config_.secret_key),
      signer(config_.secret_key, clock_),
      jwt(config_.secret_key, config_.jwt_encrypt ? core::base64url_decode(config_.jwe_key).value_or("") : std::string()) {}

std::string Services::site_url() const {
    if (!config.site_url.empty()) return config.site_url;
    return "https://localhost" + (config.https_port == 443 ? std::string() : ":" + std::to_string(config.https_port));
}

}  // namespace gatehouse::accounts
