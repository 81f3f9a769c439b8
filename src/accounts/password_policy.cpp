#include "gatehouse/accounts/password_policy.hpp"

#include <wctype.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace gatehouse::accounts {
namespace {

constexpr char32_t kReplacement = U'\uFFFD';

// UTF-8 → code points. A byte that does not start a well-formed sequence (stray continuation, overlong
// form, surrogate, beyond U+10FFFF, cut short) becomes one U+FFFD, so it counts as one character.
std::u32string decode_utf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out += c;
            ++i;
            continue;
        }
        std::size_t len = 0;
        char32_t cp = 0, min = 0;
        if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
        else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
        bool ok = len != 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            ok = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            out += kReplacement;
            ++i;
            continue;
        }
        out += cp;
        i += len;
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string plural_characters(std::size_t n) { return std::to_string(n) + (n == 1 ? " character." : " characters."); }

}  // namespace

void PasswordPolicy::LocaleFree::operator()(locale_t locale) const { freelocale(locale); }

PasswordPolicy::PasswordPolicy(PolicySettings settings, const std::string& common_passwords_path)
    : settings_(settings), utf8_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr))) {
    if (!utf8_) throw std::runtime_error("password policy: the C.UTF-8 locale is not available (libc-bin)");
    std::ifstream in(common_passwords_path);
    if (!in) throw std::runtime_error("password policy: cannot read common passwords list " + common_passwords_path);
    common_.reserve(20000);
    for (std::string line; std::getline(in, line);) {
        auto entry = folded(line);
        if (!entry.empty()) common_.insert(std::move(entry));
    }
    if (common_.empty())
        throw std::runtime_error("password policy: common passwords list " + common_passwords_path + " is empty");
}

std::string PasswordPolicy::folded(std::string_view text) const {
    const auto cps = decode_utf8(text);
    const auto space = [&](char32_t cp) { return iswspace_l(static_cast<wint_t>(cp), utf8_.get()) != 0; };
    auto first = std::find_if_not(cps.begin(), cps.end(), space);
    auto last = std::find_if_not(cps.rbegin(), std::make_reverse_iterator(first), space).base();
    std::string out;
    out.reserve(text.size());
    for (auto it = first; it != last; ++it) append_utf8(out, towlower_l(static_cast<wint_t>(*it), utf8_.get()));
    return out;
}

bool PasswordPolicy::is_common(std::string_view password) const { return common_.contains(folded(password)); }

std::vector<std::string> PasswordPolicy::check(std::string_view password, std::string_view email,
                                               std::string_view name) const {
    std::vector<std::string> errors;
    const auto cps = decode_utf8(password);
    const auto pw = folded(password);

    // Django's UserAttributeSimilarityValidator, reduced to what API.md asks: the same text.
    if (const auto e = folded(email); !e.empty()) {
        const auto at = e.rfind('@');
        const auto local = at == std::string::npos ? std::string() : e.substr(0, at);
        if (pw == e || (!local.empty() && pw == local)) errors.emplace_back("The password is too similar to the email.");
    }
    if (const auto n = folded(name); !n.empty() && pw == n)
        errors.emplace_back("The password is too similar to the name.");

    const auto min_length = static_cast<std::size_t>(std::max(settings_.min_length, 0));
    if (cps.size() < min_length)
        errors.push_back("This password is too short. It must contain at least " + plural_characters(min_length));
    if (cps.size() > kMaxLength)
        errors.push_back("This password is too long. It must contain at most " + plural_characters(kMaxLength));

    if (!pw.empty() && common_.contains(pw)) errors.emplace_back("This password is too common.");

    if (settings_.composition) {
        const auto has = [&](auto pred) { return std::any_of(cps.begin(), cps.end(), pred); };
        if (!has([&](char32_t c) { return iswupper_l(static_cast<wint_t>(c), utf8_.get()) != 0; }))
            errors.emplace_back("This password must contain at least one uppercase letter.");
        if (!has([&](char32_t c) { return iswlower_l(static_cast<wint_t>(c), utf8_.get()) != 0; }))
            errors.emplace_back("This password must contain at least one lowercase letter.");
        if (!has([](char32_t c) { return c >= U'0' && c <= U'9'; }))
            errors.emplace_back("This password must contain at least one digit.");
    }
    return errors;
}

}  // namespace gatehouse::accounts
