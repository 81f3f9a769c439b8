-- "Unique ignoring case" for every script, not only ASCII (COLLATE NOCASE folds A-Z alone):
-- the store keeps a case-folded copy of email and name (core::casefold) under a unique index.
ALTER TABLE users ADD COLUMN email_key TEXT;
ALTER TABLE users ADD COLUMN name_key TEXT;
UPDATE users SET email_key = lower(email), name_key = lower(name);
CREATE UNIQUE INDEX users_email_key ON users (email_key);
CREATE UNIQUE INDEX users_name_key ON users (name_key);
