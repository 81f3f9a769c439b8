-- JWT refresh families and API tokens live in logins (kind 'jwt' / 'token'); a family's refresh
-- token now valid is current_jti. Rotated refresh tokens are blacklisted here: presenting one again
-- ends its family. SQLite is the truth, so a memcached restart never revives a blacklisted token.
ALTER TABLE logins ADD COLUMN current_jti TEXT;

CREATE TABLE refresh_blacklist (
    jti        TEXT PRIMARY KEY,
    login_id   INTEGER NOT NULL REFERENCES logins(id) ON DELETE CASCADE,
    rotated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX refresh_blacklist_expiry ON refresh_blacklist (expires_at);

-- A phone number is verified separately from the email (a new phone starts unverified).
ALTER TABLE users ADD COLUMN phone_verified INTEGER NOT NULL DEFAULT 0;
