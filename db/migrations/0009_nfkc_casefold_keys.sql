-- The case-folded keys behind "unique ignoring case" become Unicode's NFKC_Casefold (core::casefold,
-- utf8proc): "José" in NFC and in NFD, "straße" and "STRASSE" are one name. casefold() is the
-- connection's SQL function (store/database.cpp), so the keys are computed as the code computes them.
UPDATE users SET email_key = casefold(email), name_key = casefold(name);
