#pragma once
// The language of a request, as Django's LocaleMiddleware chooses it: the django_language cookie (set
// by the footer's switch, /i18n/setlang/), else the best of Accept-Language, else GATEHOUSE_LANGUAGE;
// always one of the languages the site has a catalogue for.
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"

#include <string>
#include <string_view>

namespace gatehouse::web {

inline constexpr const char* kLanguageCookie = "django_language";

// The first language of an Accept-Language header ("fa-IR,fa;q=0.9,en;q=0.5") the site speaks, by
// q-value, then order; a region falls back to its language ("fa-IR" → "fa"). "" when none.
std::string accept_language_choice(const core::Translations& translations, std::string_view header);

// The language the request itself asks for, by the cookie or else Accept-Language; "" when neither
// names one the site speaks.
std::string stated_language(const core::Translations& translations, const http::Request& request);
// stated_language, else the fallback (GATEHOUSE_LANGUAGE), else English.
std::string choose_language(const core::Translations& translations, const http::Request& request,
                            const std::string& fallback);

// The language's own name ("English", "فارسی"), for the switch.
std::string language_name(const std::string& language);

// The cookie the switch sets: a year, Path=/, SameSite=Lax, as Django's LANGUAGE_COOKIE_*.
void set_language_cookie(http::Response& response, const std::string& language);

}  // namespace gatehouse::web
