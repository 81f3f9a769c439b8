#include "gatehouse/accounts/password_policy.hpp"

#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/text.hpp"

#include <wctype.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace gatehouse::accounts {
namespace {

// Filled in English here and translated where shown (core::Catalog::translate_filled).
std::string too_short(std::size_t n) {
    return core::fill_blank(n == 1 ? core::N_("This password is too short. It must contain at least {min_length} character.")
                                   : core::N_("This password is too short. It must contain at least {min_length} characters."),
                            "{min_length}", std::to_string(n));
}

std::string too_long(std::size_t n) {
    return core::fill_blank(core::N_("This password is too long. It must contain at most {max_length} characters."),
                            "{max_length}", std::to_string(n));
}

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
    const auto cps = core::decode_utf8(text);
    const auto space = [&](char32_t cp) { return iswspace_l(static_cast<wint_t>(cp), utf8_.get()) != 0; };
    auto first = std::find_if_not(cps.begin(), cps.end(), space);
    auto last = std::find_if_not(cps.rbegin(), std::make_reverse_iterator(first), space).base();
    std::string out;
    out.reserve(text.size());
    for (auto it = first; it != last; ++it) core::append_utf8(out, towlower_l(static_cast<wint_t>(*it), utf8_.get()));
    return out;
}

bool PasswordPolicy::is_common(std::string_view password) const { return common_.contains(folded(password)); }

std::vector<std::string> PasswordPolicy::check(std::string_view password, std::string_view email,
                                               std::string_view name) const {
    std::vector<std::string> errors;
    const auto cps = core::decode_utf8(password);
    const auto pw = folded(password);

    // Django's UserAttributeSimilarityValidator, reduced to the README's password rule: not the same text.
    if (const auto e = folded(email); !e.empty()) {
        const auto at = e.rfind('@');
        const auto local = at == std::string::npos ? std::string() : e.substr(0, at);
        if (pw == e || (!local.empty() && pw == local)) errors.emplace_back(core::N_("The password is too similar to the email."));
    }
    if (const auto n = folded(name); !n.empty() && pw == n)
        errors.emplace_back(core::N_("The password is too similar to the name."));

    const auto min_length = static_cast<std::size_t>(std::max(settings_.min_length, 0));
    if (cps.size() < min_length)
        errors.push_back(too_short(min_length));
    if (cps.size() > kMaxLength)
        errors.push_back(too_long(kMaxLength));

    if (!pw.empty() && common_.contains(pw)) errors.emplace_back(core::N_("This password is too common."));

    if (settings_.composition) {
        const auto has = [&](auto pred) { return std::any_of(cps.begin(), cps.end(), pred); };
        if (!has([&](char32_t c) { return iswupper_l(static_cast<wint_t>(c), utf8_.get()) != 0; }))
            errors.emplace_back(core::N_("This password must contain at least one uppercase letter."));
        if (!has([&](char32_t c) { return iswlower_l(static_cast<wint_t>(c), utf8_.get()) != 0; }))
            errors.emplace_back(core::N_("This password must contain at least one lowercase letter."));
        if (!has([](char32_t c) { return c >= U'0' && c <= U'9'; }))
            errors.emplace_back(core::N_("This password must contain at least one digit."));
    }
    return errors;
}

}  // namespace gatehouse::accounts
