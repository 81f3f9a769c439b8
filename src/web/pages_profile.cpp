// The profile (view and edit) and devices (live logins, revoke) pages.
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/profile_image.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"
#include "gatehouse/web/reauth.hpp"

#include <charconv>

// The names the profile page sets, with their ctemplate ids made once (STS_INIT): a name
// given as a plain string is hashed and registered in ctemplate's global id map each time it is set,
// an eighth of a session page's instructions (callgrind).
static const ctemplate::StaticTemplateString kEmail = STS_INIT(kEmail, "EMAIL");
static const ctemplate::StaticTemplateString kName = STS_INIT(kName, "NAME");
static const ctemplate::StaticTemplateString kFirstName = STS_INIT(kFirstName, "FIRST_NAME");
static const ctemplate::StaticTemplateString kLastName = STS_INIT(kLastName, "LAST_NAME");
static const ctemplate::StaticTemplateString kPhone = STS_INIT(kPhone, "PHONE");
static const ctemplate::StaticTemplateString kDateOfBirth = STS_INIT(kDateOfBirth, "DATE_OF_BIRTH");
static const ctemplate::StaticTemplateString kDateJoined = STS_INIT(kDateJoined, "DATE_JOINED");
static const ctemplate::StaticTemplateString kVerified = STS_INIT(kVerified, "VERIFIED");
static const ctemplate::StaticTemplateString kUnverified = STS_INIT(kUnverified, "UNVERIFIED");
// The gender choices are written out in the template, each with its own "selected" marker: a
// section dictionary per option cost 11,500 instructions a page (ctemplate names each one with
// snprintf), 8% of a session page (callgrind).
static const ctemplate::StaticTemplateString kSelectedNone = STS_INIT(kSelectedNone, "SELECTED_NONE");
static const ctemplate::StaticTemplateString kSelectedFemale = STS_INIT(kSelectedFemale, "SELECTED_FEMALE");
static const ctemplate::StaticTemplateString kSelectedMale = STS_INIT(kSelectedMale, "SELECTED_MALE");
static const ctemplate::StaticTemplateString kSelectedOther = STS_INIT(kSelectedOther, "SELECTED_OTHER");
static const ctemplate::StaticTemplateString kSelectedUnspecified =
    STS_INIT(kSelectedUnspecified, "SELECTED_UNSPECIFIED");
static const ctemplate::StaticTemplateString kHasPassword = STS_INIT(kHasPassword, "HAS_PASSWORD");
static const ctemplate::StaticTemplateString kSetPassword = STS_INIT(kSetPassword, "SET_PASSWORD");
static const ctemplate::StaticTemplateString kImage = STS_INIT(kImage, "IMAGE");
static const ctemplate::StaticTemplateString kImageUrl = STS_INIT(kImageUrl, "IMAGE_URL");

namespace gatehouse::web {
namespace {

// "2026-11-21T11:13:39Z" → "2026-11-21 11:13 UTC", for people.
std::string readable(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

// What kind of login a device row is, in English (translated where shown).
const char* login_kind(std::string_view kind) {
    if (kind == "session") return core::N_("Browser");
    if (kind == "jwt") return core::N_("App (JWT)");
    return core::N_("API token");
}

void fill_profile(const Context& ctx, ctemplate::TemplateDictionary& dict, const accounts::User& user) {
    dict.SetValue(kEmail, user.email.value_or(""));
    dict.SetValue(kName, user.name.value_or(""));
    dict.SetValue(kFirstName, user.first_name);
    dict.SetValue(kLastName, user.last_name);
    dict.SetValue(kPhone, user.phone.value_or(""));
    dict.SetValue(kDateOfBirth, user.date_of_birth.value_or(""));
    dict.SetValue(kDateJoined, readable(user.date_joined));
    dict.SetValue(kVerified, std::string(ctx.tr(user.is_verified ? core::N_("yes") : core::N_("no"))));
    if (!user.is_verified) dict.ShowSection(kUnverified);
    // A user without a usable password (phone login) sets one here instead of changing it.
    dict.ShowSection(user.password_hash.starts_with('!') ? kSetPassword : kHasPassword);
    const std::string gender = user.gender.value_or("");
    static const std::pair<std::string_view, const ctemplate::StaticTemplateString*> kChoices[] = {
        {"", &kSelectedNone},
        {"female", &kSelectedFemale},
        {"male", &kSelectedMale},
        {"other", &kSelectedOther},
        {"unspecified", &kSelectedUnspecified}};
    for (const auto& [choice, marker] : kChoices)
        if (gender == choice) dict.SetValue(*marker, "selected");
    if (const auto url = accounts::image_url("", user)) dict.SetValueAndShowSection(kImageUrl, *url, kImage);
}

// The form's picture: a chosen file replaces it, "Remove" (Django's image-clear) removes it.
accounts::ImageChange page_image_change(const http::Request& req) {
    using Kind = accounts::ImageChange::Kind;
    if (const auto* file = req.file("image")) return {Kind::Replace, file->data};
    if (!form(req, "image-clear").empty()) return {Kind::Remove, {}};
    return {};
}

}  // namespace

http::Response profile_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    ctemplate::TemplateDictionary dict("profile");
    if (req.method == "POST") {
        accounts::ProfileInput input{form(req, "name"),  form(req, "first_name"),    form(req, "last_name"),
                                     form(req, "phone"), form(req, "date_of_birth"), form(req, "gender")};
        auto result = accounts::update_profile(ctx.accounts, *browser.user(), input, page_image_change(req));
        if (result) return redirect_with_flash(ctx, "/accounts/profile/", "Your profile was updated.");
        show_field_errors(ctx, dict, result.error());
        accounts::User typed = *browser.user();  // show what was typed, next to its errors
        typed.name = input.name;
        typed.first_name = *input.first_name;
        typed.last_name = *input.last_name;
        typed.phone = input.phone;
        typed.date_of_birth = input.date_of_birth;
        typed.gender = input.gender;
        fill_profile(ctx, dict, typed);
    } else {
        fill_profile(ctx, dict, *browser.user());
    }
    return browser_page(ctx, browser, 200, "Your profile", "accounts/profile.html", dict);
}

http::Response devices_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    const auto& user = *browser.user();
    const auto current = browser.session->login_id;
    if (req.method == "POST") {
        if (!form(req, "revoke_others").empty()) {
            if (auto ask = require_recent_login(ctx, req, browser)) return *ask;
            accounts::revoke_all_logins(ctx.accounts, user.id, current);
            return redirect_with_flash(ctx, "/accounts/devices/", "All your other devices were logged out.");
        }
        std::int64_t id = 0;
        const std::string text = form(req, "revoke");
        std::from_chars(text.data(), text.data() + text.size(), id);
        for (const auto& login : accounts::live_logins(ctx.accounts, user.id)) {
            if (login.id != id) continue;
            accounts::revoke_login(ctx.accounts, login);
            if (login.id == current) {
                auto response = redirect_with_flash(ctx, "/accounts/login/", "This device was logged out.");
                clear_session_cookie(response);
                return response;
            }
            return redirect_with_flash(ctx, "/accounts/devices/", "The device was logged out.");
        }
        return redirect_with_flash(ctx, "/accounts/devices/", "That device is no longer logged in.", "error");
    }
    ctemplate::TemplateDictionary dict("devices");
    for (const auto& login : accounts::live_logins(ctx.accounts, user.id)) {
        auto* row = dict.AddSectionDictionary("DEVICE");
        row->SetIntValue("ID", login.id);
        row->SetValue("KIND", std::string(ctx.tr(login_kind(login.kind))));
        row->SetValue("DEVICE_NAME", accounts::translated_device(ctx.catalog(), login.device));
        row->SetValue("IP", login.ip);
        row->SetValue("CREATED", readable(core::iso8601_utc(login.created_at)));
        row->SetValue("LAST_SEEN", readable(core::iso8601_utc(login.last_seen_at)));
        if (login.id == current) row->ShowSection("CURRENT");
    }
    return browser_page(ctx, browser, 200, "Your devices", "accounts/devices.html", dict);
}

}  // namespace gatehouse::web
