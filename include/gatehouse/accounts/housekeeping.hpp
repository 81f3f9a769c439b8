#pragma once
// Rows that only take room (store/housekeeping.hpp): the mailer sweeps them now and then with the
// retention below (sent mail a week, dead logins a month); `gatehouse clearsessions` (Django's name) drops the dead logins at once.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/store/housekeeping.hpp"

#include <cstdint>

namespace gatehouse::accounts {

using Swept = store::Swept;

inline constexpr std::int64_t kKeepSentMailSeconds = 7 * 86400;  // sent rows keep no body; kept a week for operators
inline constexpr std::int64_t kKeepLoginsSeconds = 30 * 86400;   // revoked/expired devices stay visible a month in SQL

// gatehouse clearsessions: every login expired or revoked by now, and every expired blacklist entry,
// at once (sent mail keeps its week).
Swept clear_expired_logins(Services& services);

}  // namespace gatehouse::accounts
