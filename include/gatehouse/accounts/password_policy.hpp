#pragma once
// The password rules (README: *Sign up*; signup, change, reset, the command line), with Django's messages:
//   length      at least min_length and at most 128 characters, counted in Unicode code points
//               (UTF-8; an invalid byte counts as one), never truncated; spaces and any Unicode allowed
//   similarity  not the email, the email's local part, or the name (ignoring case and surrounding spaces)
//   common      not in the common-passwords list (ignoring case and surrounding spaces, as Django does)
//   composition one uppercase letter, one lowercase letter, one digit 0-9 (unless turned off)
// Letters are classified and case-folded by glibc's C.UTF-8 locale (all of Unicode, not just ASCII).
#include <locale.h>  // locale_t (POSIX)
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace gatehouse::accounts {

struct PolicySettings {
    int min_length = 8;
    bool composition = true;
};

class PasswordPolicy {
public:
    static constexpr std::size_t kMaxLength = 128;

    // Reads the list once: one password per line, stored lower-cased. Throws std::runtime_error when
    // the file cannot be read or holds no entries (a missing list must not silently allow "password1").
    PasswordPolicy(PolicySettings settings, const std::string& common_passwords_path);

    // Every broken rule's message, in Django's validator order (similarity, length, common), then
    // composition; empty when the password is acceptable. Empty email or name skips that comparison.
    std::vector<std::string> check(std::string_view password, std::string_view email, std::string_view name) const;

    bool is_common(std::string_view password) const;
    std::size_t common_password_count() const { return common_.size(); }
    const PolicySettings& settings() const { return settings_; }

private:
    struct LocaleFree {
        void operator()(locale_t locale) const;
    };
    using Locale = std::unique_ptr<std::remove_pointer_t<locale_t>, LocaleFree>;

    std::string folded(std::string_view text) const;  // lower-cased, surrounding whitespace trimmed

    PolicySettings settings_;
    Locale utf8_;  // C.UTF-8 ctype, for iswupper_l / iswlower_l / towlower_l
    std::unordered_set<std::string> common_;
};

}  // namespace gatehouse::accounts
