#pragma once
// The `gatehouse` command's commands, one file per group under src/cli/. Each returns the process's
// exit code: 0 ok, 1 failure, 2 usage or refused input (78, a configuration error, is main's).
// Commands that change an account go through the same account rules as the site: the same checks,
// the same audit rows (the actor is "command line (<operating-system user>)") and the same notices.
#include "gatehouse/core/config.hpp"

#include <string>
#include <vector>

namespace gatehouse::cli {

using Args = std::vector<std::string>;  // the words after `gatehouse`, the command first

// serve.cpp
int serve(core::Config& config);
int migrate(const core::Config& config);
int migrate_data(const core::Config& config, const Args& args);  // --from LOCATION --to LOCATION

// users.cpp
int createsuperuser(const core::Config& config, const Args& args);
int changepassword(const core::Config& config, const Args& args);
int users(const core::Config& config, const Args& args);  // list|show|create|activate|deactivate|verify|set-staff|delete|reset-mfa

// import_django.cpp
int import_django(const core::Config& config, const Args& args);  // PATH_OR_URL [--table T] [--map F=C]… [--update] [--dry-run]

// sessions.cpp
int sessions(const core::Config& config, const Args& args);  // list|revoke --user EMAIL
int clearsessions(const core::Config& config, const Args& args);

// outbox.cpp
int outbox(const core::Config& config, const Args& args);  // list|retry ID

// audit.cpp
int audit(const core::Config& config, const Args& args);

// check.cpp: run before the secrets are read (a check creates nothing); may read them itself.
int check(core::Config& config, const Args& args);

}  // namespace gatehouse::cli
