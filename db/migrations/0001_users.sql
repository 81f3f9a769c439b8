-- The user (README: *Sign up*, *Me*). Emails and names are unique ignoring case.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT COLLATE NOCASE UNIQUE,            -- NULL only for phone-login users
    name          TEXT COLLATE NOCASE UNIQUE,            -- optional display name
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    phone         TEXT UNIQUE,                           -- E.164
    date_of_birth TEXT,                                  -- YYYY-MM-DD
    gender        TEXT CHECK (gender IN ('female', 'male', 'other', 'unspecified')),
    password      TEXT NOT NULL DEFAULT '!',             -- Django-format hash; '!…' is unusable
    is_active     INTEGER NOT NULL DEFAULT 1,
    is_staff      INTEGER NOT NULL DEFAULT 0,
    is_superuser  INTEGER NOT NULL DEFAULT 0,
    is_verified   INTEGER NOT NULL DEFAULT 0,
    date_joined   TEXT NOT NULL,                         -- ISO 8601 UTC
    last_login    TEXT
);
