// The staff admin page (/admin/users/): the users list with search and pages of 25, per-user actions
// (activate/deactivate, mark verified, make staff, delete after a confirmation) and the latest audit
// rows. The rules — who may, what changes, what is audited — are accounts/staff.hpp's, shared with
// /api/users/; here: parse, call, render.
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/web/answers.hpp"
#include "gatehouse/web/app.hpp"
#include "gatehouse/web/handlers.hpp"
#include "gatehouse/web/pages.hpp"
#include "gatehouse/web/render.hpp"

#include <charconv>
#include <string_view>
#include <utility>

namespace gatehouse::web {
namespace {

constexpr const char* kPath = "/admin/users/";
constexpr int kAuditRows = 20;

// "2026-11-21T11:13:39Z" → "2026-11-21 11:13 UTC", for people.
std::string readable(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

// The list with this search on this page ("" or "1": the first page).
std::string list_url(const std::string& q, const std::string& page) {
    std::string query;
    if (!q.empty()) query = "q=" + http::percent_encode(q, false);
    if (!page.empty() && page != "1") query += (query.empty() ? "" : "&") + std::string("page=") + http::percent_encode(page, false);
    return query.empty() ? kPath : std::string(kPath) + "?" + query;
}

// How a user is named in the flash and the audit list.
std::string who(const Context& ctx, const accounts::User& user) {
    if (user.email) return *user.email;
    if (user.phone) return *user.phone;
    return core::fill_blank(std::string(ctx.tr("user {id}")), "{id}", std::to_string(user.id));
}
std::string who(std::optional<std::int64_t> id, const std::optional<std::string>& email) {
    if (email) return *email;
    return id ? "#" + std::to_string(*id) : "—";
}

// The audit trail's actions as the list names them, in the request's language; the code itself
// (the database's, the API's and `gatehouse audit`'s) is the cell's data-action. An action this
// table does not know shows its code.
std::string action_label(const Context& ctx, std::string_view action) {
    static constexpr std::pair<std::string_view, const char*> kLabels[] = {
        {"activate", core::N_("activated")},
        {"deactivate", core::N_("deactivated")},
        {"mark_verified", core::N_("marked verified")},
        {"mark_unverified", core::N_("marked unverified")},
        {"make_staff", core::N_("made staff")},
        {"remove_staff", core::N_("removed from staff")},
        {"create", core::N_("created")},
        {"delete", core::N_("deleted")},
        {"end_logins", core::N_("logins ended")},
        {"import", core::N_("imported from Django")},
        {"import_update", core::N_("updated from Django")},
        {"login", core::N_("logged in")},
        {"reauthenticate", core::N_("re-authenticated")},
        {"set_password", core::N_("password set")},
        {"email_change_requested", core::N_("email change requested")},
        {"email_changed", core::N_("email changed")},
        {"email_change_undone", core::N_("email change undone")},
        {"mfa_enable", core::N_("two-factor authentication turned on")},
        {"mfa_disable", core::N_("two-factor authentication turned off")},
        {"mfa_reset", core::N_("two-factor authentication reset")},
        {"mfa_recovery_codes", core::N_("new recovery codes")},
        {"mfa_recovery_code_used", core::N_("recovery code used")},
    };
    for (const auto& [code, label] : kLabels)
        if (code == action) return std::string(ctx.tr(label));
    return std::string(action);
}

const char* yes_no(bool value) { return value ? core::N_("yes") : core::N_("no"); }

std::optional<std::int64_t> parse_id(const std::string& text) {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

// The error page with a message marked where it is written (core::N_), in the request's language.
http::Response error_page(Context& ctx, Browser& browser, int status, const char* message) {
    ctemplate::TemplateDictionary dict("error");
    set_error(ctx, dict, status, std::string(ctx.tr(message)));
    return browser_page(ctx, browser, status, std::string(http::reason_phrase(status)), "errors/error.html", dict);
}

// A refused action: back to the list with the reason (the answers table's page message).
http::Response refusal(Context& ctx, const accounts::Refusal& refused, const std::string& back) {
    return redirect_with_flash(ctx, back, page_message(ctx, refused), "error");
}

struct FlagAction {
    const char* action;
    accounts::FlagInput flags;
    const char* done;  // the flash, one sentence with the user in {user}
};
std::optional<FlagAction> flag_action(const std::string& action) {
    if (action == "activate")
        return FlagAction{"activate", {std::nullopt, "true", std::nullopt}, core::N_("{user} was activated.")};
    if (action == "deactivate")
        return FlagAction{"deactivate", {std::nullopt, "false", std::nullopt}, core::N_("{user} was deactivated.")};
    if (action == "verify")
        return FlagAction{"verify", {std::nullopt, std::nullopt, "true"}, core::N_("{user} was marked verified.")};
    if (action == "make_staff")
        return FlagAction{"make_staff", {"true", std::nullopt, std::nullopt}, core::N_("{user} was made staff.")};
    return std::nullopt;
}

// A sentence with the user in its {user} blank, in the request's language.
std::string about(const Context& ctx, const char* sentence, const accounts::User& user) {
    return core::fill_blank(std::string(ctx.tr(sentence)), "{user}", who(ctx, user));
}

http::Response act(Context& ctx, http::Request& req, Browser& browser, const accounts::User& actor) {
    const std::string q = form(req, "q");
    const std::string page = form(req, "page");
    const std::string back = list_url(q, page);
    const std::string action = form(req, "action");
    const auto id = parse_id(form(req, "id"));
    if (!id) return redirect_with_flash(ctx, back, "That user no longer exists.", "error");

    if (action == "deactivate" && *id == actor.id)  // it would end this very login
        return redirect_with_flash(ctx, back, "You cannot deactivate your own account here.", "error");
    if (auto flag = flag_action(action)) {
        auto updated = accounts::update_user_as(ctx.accounts, actor, *id, {{}, flag->flags}, req.remote_addr);
        if (!updated) return refusal(ctx, updated.error(), back);
        return redirect_with_flash(ctx, back, about(ctx, flag->done, *updated));
    }
    if (action != "delete" && action != "delete_confirmed")
        return error_page(ctx, browser, 400, core::N_("Unknown action."));
    if (*id == actor.id)
        return redirect_with_flash(ctx, back, "You cannot delete your own account here.", "error");
    auto target = accounts::find_user_as(ctx.accounts, actor, *id);
    if (!target) return refusal(ctx, target.error(), back);
    if (action == "delete") {  // nothing is deleted before the confirmation
        ctemplate::TemplateDictionary dict("confirm_delete");
        dict.SetIntValue("ID", target->id);
        dict.SetValue("EMAIL", who(ctx, *target));
        dict.SetValue("Q", q);
        dict.SetValue("PAGE", page);
        dict.SetValue("BACK_URL", back);
        return browser_page(ctx, browser, 200, "Delete user", "admin/confirm_delete.html", dict);
    }
    auto deleted = accounts::delete_user_as(ctx.accounts, actor, *id, std::nullopt, req.remote_addr);
    if (!deleted) return refusal(ctx, deleted.error(), back);
    // The page the user was on may be gone now (it was the last one's only row): then the new last page.
    std::string landing = back;
    if (!accounts::list_users(ctx.accounts, actor, {q, page.empty() ? std::nullopt : std::optional(page), std::nullopt}))
        landing = list_url(q, "last");
    return redirect_with_flash(ctx, landing, about(ctx, core::N_("{user} was deleted."), *target));
}

http::Response show(Context& ctx, http::Request& req, Browser& browser, const accounts::User& actor) {
    const std::string q = req.query_param("q").value_or("");
    auto page = accounts::list_users(ctx.accounts, actor, {q, req.query_param("page"), std::nullopt});
    if (!page) return refusal_page(ctx, browser, page.error());
    auto audit = accounts::recent_audit(ctx.accounts, actor, kAuditRows);
    if (!audit) return refusal_page(ctx, browser, audit.error());

    ctemplate::TemplateDictionary dict("admin_users");
    const std::string number = std::to_string(page->number);
    dict.SetValue("Q", q);
    dict.SetValue("PAGE", number);
    dict.SetIntValue("COUNT", page->count);
    dict.SetIntValue("NUMBER", page->number);
    dict.SetIntValue("LAST", page->last);
    if (page->has_previous()) dict.SetValueAndShowSection("PREV_URL", list_url(q, std::to_string(page->number - 1)), "PREV");
    if (page->has_next()) dict.SetValueAndShowSection("NEXT_URL", list_url(q, std::to_string(page->number + 1)), "NEXT");
    if (page->users.empty()) dict.ShowSection("NO_USERS");
    for (const auto& user : page->users) {
        auto* row = dict.AddSectionDictionary("ROW");
        row->SetIntValue("ID", user.id);
        row->SetValue("EMAIL", who(ctx, user));
        row->SetValue("NAME", user.name.value_or(""));
        row->SetValue("VERIFIED", std::string(ctx.tr(yes_no(user.is_verified))));
        row->SetValue("ACTIVE", std::string(ctx.tr(yes_no(user.is_active))));
        row->SetValue("STAFF", std::string(ctx.tr(yes_no(user.is_staff))));
        row->SetValue("JOINED", readable(user.date_joined));
        if (!user.is_active) row->ShowSection("CAN_ACTIVATE");
        else if (user.id != actor.id) row->ShowSection("CAN_DEACTIVATE");
        if (!user.is_verified) row->ShowSection("CAN_VERIFY");
        if (!user.is_staff) row->ShowSection("CAN_MAKE_STAFF");
        if (user.id != actor.id) row->ShowSection("CAN_DELETE");
    }
    if (audit->empty()) dict.ShowSection("NO_AUDIT");
    for (const auto& entry : *audit) {
        auto* row = dict.AddSectionDictionary("AUDIT");
        row->SetValue("AT", readable(core::iso8601_utc(entry.at)));
        row->SetValue("ACTOR", entry.actor_label.empty() ? who(entry.actor_id, entry.actor_email) : entry.actor_label);
        row->SetValue("ACTION_CODE", entry.action);
        row->SetValue("ACTION", action_label(ctx, entry.action));
        row->SetValue("TARGET", who(entry.target_id, entry.target_email));
        row->SetValue("DETAIL", entry.detail);
        row->SetValue("IP", entry.ip);
    }
    return browser_page(ctx, browser, 200, "Users (admin)", "admin/users.html", dict);
}

}  // namespace

http::Response admin_users_page(Context& ctx, http::Request& req) {
    auto browser = load_browser(ctx, req);
    if (auto refused = csrf_failure(ctx, req, browser)) return *refused;
    if (!browser.user()) return redirect_to_login(req);
    const accounts::User actor = *browser.user();
    if (auto refused = accounts::staff_refusal(ctx.accounts, actor)) {  // the gate of every staff page
        if (refused->outcome == accounts::Outcome::MfaEnrollmentRequired)
            return redirect_with_flash(ctx, "/accounts/2fa/", page_message(ctx, *refused), "error");
        return error_page(ctx, browser, 403, core::N_("This page is for staff only."));
    }
    if (req.method == "POST") return act(ctx, req, browser, actor);
    return show(ctx, req, browser, actor);
}

}  // namespace gatehouse::web
