#pragma once
// The outbox table: mail and SMS waiting for the mailer process. SQL lives here; no policy
// (the mailer decides when to retry, the accounts layer what to send).
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

struct OutboxMessage {
    std::int64_t id;
    std::string channel;    // "email" or "sms"
    std::string recipient;  // an email address or an E.164 number
    std::string subject;    // "" for sms
    std::string text_body;
    std::string html_body;  // "" for sms
    int attempts;           // failed deliveries so far
    std::int64_t created_at = 0;  // when it was queued (unix seconds)
};

// An unsent message as the operator sees it (gatehouse outbox list): no bodies.
struct QueuedMessage {
    std::int64_t id = 0;
    std::string channel;
    std::string recipient;
    int attempts = 0;
    std::optional<std::string> last_error;
    std::int64_t created_at = 0;
    std::int64_t next_attempt_at = 0;
};

// What the mailer still has to deliver.
struct OutboxBacklog {
    std::int64_t pending = 0;                   // unsent messages, failed ones waiting for a retry included
    std::optional<std::int64_t> oldest_created;  // created_at of the oldest of them; none when none
};

class OutboxStore {
public:
    explicit OutboxStore(Database& db) : db_(db) {}

    // Called inside the caller's Transaction, so the message commits with the change that caused it.
    // Due at once; returns the new id. A channel other than "email"/"sms" throws ConstraintError.
    std::int64_t enqueue(std::string_view channel, std::string_view recipient, std::string_view subject,
                         std::string_view text_body, std::string_view html_body, std::int64_t now);

    // Unsent messages with next_attempt_at <= now, the earliest due first, at most `limit`.
    std::vector<OutboxMessage> due(std::int64_t now, int limit);

    // Taken for delivery by this mailer: true only for the one mailer (of every host's) whose claim
    // moved the message's next attempt from "due by now" to lease_until; the others skip it. A mailer
    // that dies while delivering leaves it due again at lease_until (mail is delivered at least once).
    bool claim(std::int64_t id, std::int64_t now, std::int64_t lease_until);

    // Delivered: never due again. The bodies are emptied (they may hold codes and links).
    void mark_sent(std::int64_t id, std::int64_t now);

    // A failed delivery: `attempts` failures so far, due again at retry_at.
    void mark_failed(std::int64_t id, int attempts, std::int64_t retry_at, std::string_view error);

    // Every unsent message, the oldest first, at most `limit`.
    std::vector<QueuedMessage> unsent(int limit);
    // An unsent message due at `now` (attempts and last error kept); false when no unsent one has that id.
    bool make_due(std::int64_t id, std::int64_t now);

    // For monitoring: cheap while the backlog is small (the partial index outbox_due lists exactly the
    // unsent rows).
    OutboxBacklog backlog();

private:
    Database& db_;
};

}  // namespace gatehouse::store
