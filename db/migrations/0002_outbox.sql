-- Mail and SMS waiting for the mailer (README: *Mail*; mail is never lost). A row is written in the same
-- transaction as the change that caused it; the mailer delivers it, then sets sent_at (at least once).
-- Times are unix seconds.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,                       -- an email address or an E.164 number
    subject         TEXT NOT NULL DEFAULT '',            -- email only
    text_body       TEXT NOT NULL,                       -- emptied once sent: it may hold codes and links
    html_body       TEXT NOT NULL DEFAULT '',            -- email only; emptied once sent
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,          -- failed deliveries so far
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,                             -- NULL until delivered
    last_error      TEXT                                 -- of the latest failed delivery
);

-- The mailer's poll: unsent messages in the order they fall due.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;
