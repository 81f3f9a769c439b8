-- Browser sessions outlive a memcached restart (Django's cached_db sessions): a session's login row
-- keeps what its memcached record holds, so a session id memcached no longer knows is rebuilt from
-- here. auth_hash is the HMAC fingerprint of the password hash at login (never the hash itself);
-- rows from before this migration have '' and so are never rebuilt.
ALTER TABLE logins ADD COLUMN auth_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE logins ADD COLUMN remember INTEGER NOT NULL DEFAULT 0;
