-- The language the user last used the site in (README: *Languages*): its mails are written in it.
-- Empty until known: mails then follow GATEHOUSE_LANGUAGE.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
