-- Who did it, when it was not a user of the site: the operator at the command line, as
-- "command line (<operating-system user>)". Empty for rows whose actor_id names a user.
ALTER TABLE audit_log ADD COLUMN actor_label TEXT NOT NULL DEFAULT '';
