#pragma once
// The master: binds the FastCGI socket, forks and respawns workers, drains on SIGTERM/SIGINT,
// rolls the workers on SIGHUP. It owns no request.
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/web/templates.hpp"

namespace gatehouse::server {

// Returns the process exit code once every worker is gone.
int master_run(const core::Config& config, web::Templates& templates, const core::Log& log);

}  // namespace gatehouse::server
