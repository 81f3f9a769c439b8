#pragma once
// Helpers shared by the libFuzzer targets: splitting an input into fields, and a CHECK that
// turns a broken invariant into a crash libFuzzer reports (with the input saved as an artifact).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (0)

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// At most max_parts fields split on `sep`; the last field keeps any further separators.
inline std::vector<std::string_view> split(std::string_view text, char sep, std::size_t max_parts) {
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < max_parts) {
        const auto at = text.find(sep);
        if (at == std::string_view::npos) break;
        parts.push_back(text.substr(0, at));
        text.remove_prefix(at + 1);
    }
    parts.push_back(text);
    return parts;
}

// A little-endian integer from up to 8 bytes of `text` starting at `offset` (missing bytes are 0).
inline std::uint64_t read_u64(std::string_view text, std::size_t offset) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8 && offset + i < text.size(); ++i)
        value |= std::uint64_t{static_cast<unsigned char>(text[offset + i])} << (8 * i);
    return value;
}

}  // namespace fuzz
