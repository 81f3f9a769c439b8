-- PostgreSQL's version of ../0009_nfkc_casefold_keys.sql. The keys themselves are computed by the
-- code (core::casefold, utf8proc's NFKC_Casefold) when a row is written, on both engines. casefold()
-- here is the SQL function the staff search calls (SQLite's is the connection's own, store/sqlite.cpp):
-- NFKC, then lower() — the same as NFKC_Casefold but for a few letters such as ß (lower keeps it),
-- which only makes a search for "strasse" miss "Straße". Rows copied in by gatehouse migrate-data keep
-- the keys SQLite computed.
CREATE FUNCTION casefold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(normalize($1, NFKC)) $$;
