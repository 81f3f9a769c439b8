#pragma once
// Rows that only take room: sent mail, expired blacklist entries, logins long revoked or expired.
// The mailer process sweeps them now and then; the retention comes from the caller.
#include "gatehouse/store/database.hpp"

#include <cstdint>

namespace gatehouse::store {

struct Swept {
    int outbox = 0;
    int blacklist = 0;
    int logins = 0;
};

// Deletes sent outbox rows older than keep_sent_seconds, blacklist rows whose token has expired by
// `now`, and logins revoked or expired at least keep_logins_seconds ago (0: every dead one).
Swept sweep_expired(Database& db, std::int64_t now, std::int64_t keep_sent_seconds, std::int64_t keep_logins_seconds);

}  // namespace gatehouse::store
