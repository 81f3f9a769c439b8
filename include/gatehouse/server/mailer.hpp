#pragma once
// The mailer: a process of its own, forked by the master next to the workers. It delivers what the
// outbox holds (store::OutboxStore) through the configured backends and retries what fails, so a
// mail committed with its change is never lost (README: *Mail*). Delivery happens before mark_sent: at least once.
//
//   email "file": $VAR/mail/<unix seconds, 10 digits>-<outbox id, 12 digits>.eml, one RFC 5322 message
//                 (multipart/alternative, text and HTML, UTF-8), written to a hidden temp file and renamed,
//                 so the newest mail is the last name in sorted order and a reader never sees half a file.
//   email "smtp": the same bytes over SMTP with libcurl (STARTTLS when GATEHOUSE_SMTP_STARTTLS=1).
//   sms "file":   $VAR/sms/<unix seconds>-<outbox id>.json holding {"to": "...", "text": "..."}.
//   sms "http":   that JSON POSTed to GATEHOUSE_SMS_URL; any 2xx answer is success.
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <functional>

namespace gatehouse::server {

struct DeliveryCount {
    int sent = 0;
    int failed = 0;
};

// Seconds to wait after the attempts-th failure: 5, 10, 20, 40 … at most one hour.
std::int64_t mailer_retry_delay(int attempts);

// One pass over the outbox: delivers up to `limit` due messages, then marks each sent, or failed with
// the next try after mailer_retry_delay. Checks stop_requested between two messages. Logs failures
// without bodies, codes or links. Throws core::Unavailable when the database is unavailable.
DeliveryCount deliver_due(const core::Config& config, store::Database& db, const core::Log& log, std::int64_t now,
                          int limit = 50, const std::function<bool()>& stop_requested = {});

// Runs in the child after fork: opens its own database, polls the outbox about twice a second and
// exits 0 on SIGTERM/SIGINT/SIGQUIT once the message in hand is delivered.
[[noreturn]] void mailer_main(const core::Config& config, const core::Log& log);

}  // namespace gatehouse::server
