#pragma once
// UTF-8 text helpers: code points, and case folding for "unique ignoring case" across all of Unicode
// (SQLite's NOCASE folds ASCII only).
#include <string>
#include <string_view>

namespace gatehouse::core {

// UTF-8 → code points; a byte that does not start a well-formed sequence becomes one U+FFFD.
std::u32string decode_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t code_point);
// Every code point lower-cased (glibc's C.UTF-8 tables): "Émile" and "éMILE" fold alike.
std::string casefold(std::string_view text);

}  // namespace gatehouse::core
