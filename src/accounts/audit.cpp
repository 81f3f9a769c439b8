#include "gatehouse/accounts/audit.hpp"

#include "gatehouse/store/audit.hpp"

namespace gatehouse::accounts {

void audit(Services& s, const Actor& actor, std::optional<std::int64_t> target_id, std::string_view action,
           std::string_view detail) {
    store::AuditStore(s.db).record(s.now(), actor.user_id, target_id, action, detail, actor.ip, actor.label);
}

}  // namespace gatehouse::accounts
