-- Live logins (the devices page): browser sessions, JWT refresh families and API tokens.
-- key_hash is the SHA-256 (hex) of the session id, family id or token; the values are never stored.
CREATE TABLE logins (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('session', 'jwt', 'token')),
    key_hash     TEXT NOT NULL UNIQUE,
    device       TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX logins_live_by_user ON logins (user_id, revoked_at, expires_at);
