#include "gatehouse/accounts/outbox.hpp"

namespace gatehouse::accounts {

std::vector<QueuedMessage> outbox_queue(Services& s) { return store::OutboxStore(s.db).unsent(kOutboxListLimit); }

bool retry_message_now(Services& s, std::int64_t id) { return store::OutboxStore(s.db).make_due(id, s.now()); }

}  // namespace gatehouse::accounts
