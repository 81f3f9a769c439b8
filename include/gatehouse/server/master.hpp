#pragma once
// The master: binds the FastCGI socket, forks and respawns workers, drains on SIGTERM/SIGINT,
// rolls the workers on SIGHUP. It owns no request.
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/templates.hpp"

namespace gatehouse::server {

// Returns the process exit code once every worker is gone.
int master_run(const core::Config& config, core::Templates& templates, const accounts::PasswordPolicy& policy,
               const core::Log& log);

}  // namespace gatehouse::server
