#include "gatehouse/accounts/housekeeping.hpp"

namespace gatehouse::accounts {

Swept clear_expired_logins(Services& s) { return store::sweep_expired(s.db, s.now(), kKeepSentMailSeconds, 0); }

}  // namespace gatehouse::accounts
