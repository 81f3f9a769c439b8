#pragma once
// The outbox as the operator sees it (gatehouse outbox list|retry): mail and texts not delivered yet,
// without their bodies (they may hold codes and links). The mailer retries a failed one by itself
// (backing off up to an hour); the operator can make one due at once.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/store/outbox.hpp"

#include <cstdint>
#include <vector>

namespace gatehouse::accounts {

using QueuedMessage = store::QueuedMessage;

inline constexpr int kOutboxListLimit = 1000;

// Unsent messages (pending: no try yet; failed: tried, with the last error), the oldest first.
std::vector<QueuedMessage> outbox_queue(Services& services);
// Makes an unsent message due now, for the mailer's next poll; false when no unsent message has this id.
bool retry_message_now(Services& services, std::int64_t id);

}  // namespace gatehouse::accounts
