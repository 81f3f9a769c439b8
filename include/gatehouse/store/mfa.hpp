#pragma once
// The second factor's tables (migration 0010): mfa_totp (one authenticator per user, its secret as
// sealed by accounts) and mfa_recovery_codes (keyed hashes). SQL lives here; no policy.
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

struct TotpRow {
    std::int64_t user_id = 0;
    std::string sealed_secret;  // as accounts sealed it; never the secret itself
    std::int64_t pending_until = 0;
    std::optional<std::string> confirmed_at;
    std::int64_t last_step = -1;
};

struct RecoveryCodeRow {
    std::int64_t id = 0;
    std::string code_hash;
};

class MfaStore {
public:
    explicit MfaStore(Database& db) : db_(db) {}

    std::optional<TotpRow> find_totp(std::int64_t user_id);
    // A new pending set-up, replacing an earlier unconfirmed one; false (nothing written) when the
    // user has a confirmed authenticator.
    bool save_pending(std::int64_t user_id, std::string_view sealed_secret, std::int64_t pending_until);
    void confirm(std::int64_t user_id, std::string_view when, std::int64_t step);
    // Records `step` as the last accepted one only when it is newer than the last: false when it is
    // not (a replay, or a parallel request that took it first).
    bool advance_step(std::int64_t user_id, std::int64_t step);
    // The authenticator and every recovery code of the user; false when there was no authenticator.
    bool remove_all(std::int64_t user_id);

    void replace_codes(std::int64_t user_id, const std::vector<std::string>& code_hashes);
    std::vector<RecoveryCodeRow> unused_codes(std::int64_t user_id);
    // Marks the code used; false when it already was (a parallel use).
    bool use_code(std::int64_t code_id, std::string_view when);
    std::int64_t count_unused(std::int64_t user_id);

private:
    Database& db_;
};

}  // namespace gatehouse::store
