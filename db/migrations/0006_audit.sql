-- What staff did to users (README: *Staff admin*, /admin/users/; *Staff*, /api/users/): one row per action, written in
-- the same transaction as the change it records. actor_id and target_id carry no foreign key: the
-- rows outlive the users they name. detail is for people ("is_active: true → false") and never holds
-- a password, token or code. at is unix seconds.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER,
    target_id INTEGER,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_at ON audit_log (at, id);
