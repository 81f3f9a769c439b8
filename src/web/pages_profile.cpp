// The profile (view and edit) and devices (live logins, revoke) pages.
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"

#include <charconv>

namespace gatehouse::web {
namespace {

// "2026-11-21T11:13:39Z" → "2026-11-21 11:13 UTC", for people.
std::string readable(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

void fill_profile(ctemplate::TemplateDictionary& dict, const accounts::User& user) {
    dict.SetValue("EMAIL", user.email.value_or(""));
    dict.SetValue("NAME", user.name.value_or(""));
    dict.SetValue("FIRST_NAME", user.first_name);
    dict.SetValue("LAST_NAME", user.last_name);
    dict.SetValue("PHONE", user.phone.value_or(""));
    dict.SetValue("DATE_OF_BIRTH", user.date_of_birth.value_or(""));
    dict.SetValue("DATE_JOINED", readable(user.date_joined));
    dict.SetValue("VERIFIED", user.is_verified ? "yes" : "no");
    if (!user.is_verified) dict.ShowSection("UNVERIFIED");
    const std::string gender = user.gender.value_or("");
    for (const char* choice : {"", "female", "male", "other", "unspecified"}) {
        auto* option = dict.AddSectionDictionary("GENDER_OPTION");
        option->SetValue("VALUE", choice);
        option->SetValue("LABEL", *choice ? choice : "—");
        if (gender == choice) option->SetValue("SELECTED", "selected");
    }
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
        auto result = accounts::update_profile(ctx.accounts, *browser.user(), input);
        if (result) return redirect_with_flash(ctx, "/accounts/profile/", "Your profile was updated.");
        show_field_errors(dict, result.error());
        accounts::User typed = *browser.user();  // show what was typed, next to its errors
        typed.name = input.name;
        typed.first_name = *input.first_name;
        typed.last_name = *input.last_name;
        typed.phone = input.phone;
        typed.date_of_birth = input.date_of_birth;
        typed.gender = input.gender;
        fill_profile(dict, typed);
    } else {
        fill_profile(dict, *browser.user());
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
        row->SetValue("KIND", login.kind == "session" ? "Browser" : login.kind == "jwt" ? "App (JWT)" : "API token");
        row->SetValue("DEVICE_NAME", login.device);
        row->SetValue("IP", login.ip);
        row->SetValue("CREATED", readable(core::iso8601_utc(login.created_at)));
        row->SetValue("LAST_SEEN", readable(core::iso8601_utc(login.last_seen_at)));
        if (login.id == current) row->ShowSection("CURRENT");
    }
    return browser_page(ctx, browser, 200, "Your devices", "accounts/devices.html", dict);
}

}  // namespace gatehouse::web
