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

#include <charconv>

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
std::string who(const accounts::User& user) {
    if (user.email) return *user.email;
    return user.phone.value_or("user " + std::to_string(user.id));
}
std::string who(std::optional<std::int64_t> id, const std::optional<std::string>& email) {
    if (email) return *email;
    return id ? "#" + std::to_string(*id) : "—";
}

std::optional<std::int64_t> parse_id(const std::string& text) {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

http::Response error_page(Context& ctx, Browser& browser, int status, const std::string& message) {
    ctemplate::TemplateDictionary dict("error");
    dict.SetIntValue("STATUS", status);
    dict.SetValue("REASON", std::string(http::reason_phrase(status)));
    dict.SetValue("MESSAGE", message);
    return browser_page(ctx, browser, status, std::string(http::reason_phrase(status)), "errors/error.html", dict);
}

// A refused action: back to the list with the reason (the answers table's page message).
http::Response refusal(Context& ctx, const accounts::Refusal& refused, const std::string& back) {
    return redirect_with_flash(ctx, back, page_message(ctx, refused), "error");
}

struct FlagAction {
    const char* action;
    accounts::FlagInput flags;
    const char* done;  // "<email> was <done>."
};
std::optional<FlagAction> flag_action(const std::string& action) {
    if (action == "activate") return FlagAction{"activate", {std::nullopt, "true", std::nullopt}, "activated"};
    if (action == "deactivate") return FlagAction{"deactivate", {std::nullopt, "false", std::nullopt}, "deactivated"};
    if (action == "verify") return FlagAction{"verify", {std::nullopt, std::nullopt, "true"}, "marked verified"};
    if (action == "make_staff") return FlagAction{"make_staff", {"true", std::nullopt, std::nullopt}, "made staff"};
    return std::nullopt;
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
        const std::string done = who(*updated) + " was " + flag->done + ".";  // the admin pages are not translated yet
        return redirect_with_flash(ctx, back, done);
    }
    if (action != "delete" && action != "delete_confirmed")
        return error_page(ctx, browser, 400, "Unknown action.");
    if (*id == actor.id)
        return redirect_with_flash(ctx, back, "You cannot delete your own account here.", "error");
    auto target = accounts::find_user_as(ctx.accounts, actor, *id);
    if (!target) return refusal(ctx, target.error(), back);
    if (action == "delete") {  // nothing is deleted before the confirmation
        ctemplate::TemplateDictionary dict("confirm_delete");
        dict.SetIntValue("ID", target->id);
        dict.SetValue("EMAIL", who(*target));
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
    const std::string done = who(*target) + " was deleted.";  // the admin pages are not translated yet
    return redirect_with_flash(ctx, landing, done);
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
        row->SetValue("EMAIL", who(user));
        row->SetValue("NAME", user.name.value_or(""));
        row->SetValue("VERIFIED", user.is_verified ? "yes" : "no");
        row->SetValue("ACTIVE", user.is_active ? "yes" : "no");
        row->SetValue("STAFF", user.is_staff ? "yes" : "no");
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
        row->SetValue("ACTION", entry.action);
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
        return error_page(ctx, browser, 403, "This page is for staff only.");
    }
    if (req.method == "POST") return act(ctx, req, browser, actor);
    return show(ctx, req, browser, actor);
}

}  // namespace gatehouse::web
