-- The second factor (README: *Two-factor authentication*). One authenticator (TOTP) per user: its
-- secret sealed with libsodium's crypto_secretbox under a key derived from the secret key (never in
-- clear), pending until the user confirms one code (pending_until: unix seconds the set-up may still
-- be confirmed; confirmed_at NULL while pending), and the last time step accepted, so no code is
-- accepted twice. Recovery codes are kept as keyed hashes (HMAC-SHA-256), each usable once.
CREATE TABLE mfa_totp (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret        TEXT NOT NULL,                  -- base64 of nonce ‖ crypto_secretbox(secret)
    pending_until INTEGER NOT NULL DEFAULT 0,
    confirmed_at  TEXT,                           -- ISO 8601 UTC; NULL: set-up not confirmed yet
    last_step     INTEGER NOT NULL DEFAULT -1     -- the newest 30-second step accepted
);
CREATE TABLE mfa_recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,                      -- hex HMAC-SHA-256 of the normalised code
    used_at   TEXT
);
CREATE INDEX mfa_recovery_codes_by_user ON mfa_recovery_codes (user_id, used_at);
