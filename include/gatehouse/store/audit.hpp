#pragma once
// The audit_log table: what staff did to users. SQL lives here; no policy (accounts decides what is
// recorded and makes sure no secret reaches `detail`).
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t at = 0;  // unix seconds
    std::optional<std::int64_t> actor_id, target_id;
    std::string action, detail, ip;
    // The emails of the actor and the target while they still exist (nullopt once deleted).
    std::optional<std::string> actor_email, target_email;
    std::string actor_label;  // the operator at the command line ("command line (root)"); "" for a user
};

class AuditStore {
public:
    explicit AuditStore(Database& db) : db_(db) {}

    // Called inside the caller's Transaction, so the row commits (or rolls back) with the change.
    std::int64_t record(std::int64_t at, std::optional<std::int64_t> actor_id, std::optional<std::int64_t> target_id,
                        std::string_view action, std::string_view detail, std::string_view ip,
                        std::string_view actor_label = {});

    // The newest rows first, at most `limit`.
    std::vector<AuditEntry> recent(int limit);
    // The same, only rows naming user_id as actor or target (when given) and at or after `since`.
    std::vector<AuditEntry> matching(std::optional<std::int64_t> user_id, std::optional<std::int64_t> since, int limit);

private:
    Database& db_;
};

}  // namespace gatehouse::store
