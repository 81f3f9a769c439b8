-- Re-authentication: when a login (device) last proved the password (or, for a phone login, an SMS
-- code) — at the login itself and at each re-entry. Sensitive actions read it; rows from before
-- this migration have 0 and so ask again.
ALTER TABLE logins ADD COLUMN authenticated_at INTEGER NOT NULL DEFAULT 0;
-- Email changes: requested (new_email waits for its confirmation), then confirmed (the old address
-- may undo it for 7 days), then perhaps undone. One pending request per user: a new one replaces it.
CREATE TABLE email_changes (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    old_email    TEXT,                -- NULL: a phone-only user adding an address
    new_email    TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,    -- the confirmation's deadline
    confirmed_at INTEGER,
    undone_at    INTEGER
);
CREATE INDEX email_changes_by_user ON email_changes (user_id, confirmed_at);
