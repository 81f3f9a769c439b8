#pragma once
// What the operator's commands (gatehouse createsuperuser, changepassword, users …) work with: the
// account rules over the database (migrated first), memcached, the templates and the password rules,
// as a worker has them, so a command goes through the same rules, audit rows and notices as the site.
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/templates.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gatehouse::accounts {

// Applies db/migrations/NNNN_name.sql (under GATEHOUSE_HOME) that are not yet applied, in order;
// returns the names applied.
std::vector<std::string> migrate_database(const core::Config& config);

class CommandContext {
public:
    explicit CommandContext(const core::Config& config);  // migrates first
    ~CommandContext();
    CommandContext(const CommandContext&) = delete;
    CommandContext& operator=(const CommandContext&) = delete;

    Services& services() { return *services_; }

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
    std::unique_ptr<Services> services_;
};

}  // namespace gatehouse::accounts
