#pragma once
// UTF-8 text, the one place that reads it (utf8proc underneath): validity, code points, length, and
// the folding behind "unique ignoring case" (SQLite's NOCASE folds ASCII only).
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::core {

// Well-formed UTF-8: no stray or missing continuation bytes, no overlong forms, no surrogates,
// nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);
// UTF-8 → code points; a byte that does not start a well-formed sequence becomes one U+FFFD.
std::u32string decode_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t code_point);
// Characters as a person counts them for length limits: code points (a bad byte counts as one).
std::size_t utf8_length(std::string_view text);
// Unicode's NFKC_Casefold (as Django's normalize_username, plus full case folding): "José" typed
// in NFC or NFD, "STRASSE" and "straße", "ΣΊΣΥΦΟΣ" and "σίσυφος", "ﬁle" and "FILE" fold alike.
// Accents stay ("Émile" is not "Emile"). Bad bytes are folded as U+FFFD.
std::string casefold(std::string_view text);
// Persian (U+06F0–U+06F9) and Arabic-Indic (U+0660–U+0669) digits as ASCII ones, the rest as it was:
// a code typed on a Persian or Arabic keyboard is the code ("۱۲۳۴۵۶" is "123456").
std::string ascii_digits(std::string_view text);

}  // namespace gatehouse::core
