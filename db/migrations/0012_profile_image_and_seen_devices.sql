-- The profile picture (README: *Profile picture*): the file name of its re-encoded copy in
-- $GATEHOUSE_VAR/media/ (random hex and .jpg or .png), NULL without one.
ALTER TABLE users ADD COLUMN image TEXT;

-- The devices a user logged in from (README: *New-device notice*): device_key is the SHA-256 (hex) of
-- the user agent and the network (IPv4 /24, IPv6 /64), so neither is kept here; a login from a key not
-- seen in 90 days mails the user. Kept apart from logins, whose rows go when a login ends.
CREATE TABLE seen_devices (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_key   TEXT NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_key)
) WITHOUT ROWID;
