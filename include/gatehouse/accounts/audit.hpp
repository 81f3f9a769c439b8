#pragma once
// The audit trail: who did what to which user, written in the transaction of the change itself, so
// the row commits (or rolls back) with it. A detail says what changed ("is_active: true → false") and
// never holds a password, token or code.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

// Who acts: a user of the site (user_id, with the address it came from), or the operator at the
// command line (no user; the label says "command line (<operating-system user>)").
struct Actor {
    std::optional<std::int64_t> user_id;
    std::string label;
    std::string ip;
};

inline Actor user_actor(const User& user, std::string_view ip = {}) { return {user.id, {}, std::string(ip)}; }
inline Actor operator_actor(std::string_view os_user) { return {std::nullopt, "command line (" + std::string(os_user) + ")", {}}; }

// One row, in the caller's transaction.
void audit(Services& services, const Actor& actor, std::optional<std::int64_t> target_id, std::string_view action,
           std::string_view detail);

}  // namespace gatehouse::accounts
