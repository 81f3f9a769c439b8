#include "gatehouse/core/text.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace gatehouse::core {
namespace {

constexpr char32_t kReplacement = U'\uFFFD';

// The code point at text[i] and its length in bytes; a negative length for a malformed sequence.
std::pair<char32_t, utf8proc_ssize_t> next_code_point(std::string_view text, std::size_t i) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                    static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    return {static_cast<char32_t>(cp), n};
}

// Malformed bytes replaced by U+FFFD: what casefold folds.
std::string well_formed(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : decode_utf8(text)) append_utf8(out, cp);
    return out;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto [cp, n] = next_code_point(text, i);
        if (n <= 0) return false;
        i += static_cast<std::size_t>(n);
    }
    return true;
}

std::u32string decode_utf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto [cp, n] = next_code_point(text, i);
        if (n <= 0) {
            out += kReplacement;
            ++i;
        } else {
            out += cp;
            i += static_cast<std::size_t>(n);
        }
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    utf8proc_uint8_t buffer[4];
    const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buffer);
    if (n <= 0) return append_utf8(out, kReplacement);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

std::size_t utf8_length(std::string_view text) { return decode_utf8(text).size(); }

std::string casefold(std::string_view text) {
    const std::string input = well_formed(text);
    utf8proc_uint8_t* folded = nullptr;  // NFKC_Casefold's options, with the length given (NULs kept)
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(input.data()),
                                static_cast<utf8proc_ssize_t>(input.size()), &folded,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                               UTF8PROC_CASEFOLD | UTF8PROC_IGNORE));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(folded, &std::free);
    if (n < 0) throw std::runtime_error(std::string("utf8proc: ") + utf8proc_errmsg(n));
    return std::string(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n));
}

std::string ascii_digits(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        // U+0660–U+0669 are D9 A0–D9 A9 in UTF-8, U+06F0–U+06F9 are DB B0–DB B9.
        const unsigned char lead = static_cast<unsigned char>(text[i]);
        if (i + 1 < text.size() && (lead == 0xD9 || lead == 0xDB)) {
            const unsigned char next = static_cast<unsigned char>(text[i + 1]);
            const unsigned char zero = lead == 0xD9 ? 0xA0 : 0xB0;
            if (next >= zero && next <= zero + 9) {
                out += static_cast<char>('0' + (next - zero));
                ++i;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace gatehouse::core
