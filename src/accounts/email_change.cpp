#include "gatehouse/accounts/email_change.hpp"

#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/email_changes.hpp"

namespace gatehouse::accounts {
namespace {

using store::EmailChange;

std::string code_subject(std::int64_t user_id) { return "user:" + std::to_string(user_id); }

// What a link is signed over: the one request (or change) it names and its addresses, so it dies when
// that request is replaced, confirmed, or undone.
std::string confirm_state(const EmailChange& change) { return std::to_string(change.id) + "|" + change.new_email; }
std::string undo_state(const EmailChange& change) {
    return std::to_string(change.id) + "|" + change.new_email + "|" + change.old_email.value_or("");
}

bool taken_by_other(Services& s, std::string_view email, std::int64_t user_id) {
    auto holder = store::UserStore(s.db).find_by_email(email);
    return holder && holder->id != user_id;
}

// The confirmation itself, once the code or the link proved the new address.
std::expected<User, Refusal> apply_change(Services& s, const User& user, const EmailChange& change,
                                          const ClientInfo& client) {
    if (taken_by_other(s, change.new_email, user.id)) return std::unexpected(refuse(Outcome::EmailTaken));
    User changed = user;
    changed.email = change.new_email;
    changed.is_verified = true;
    try {
        store::Transaction tx(s.db);
        // First, and conditional: of two requests confirming at once (two hosts), one goes on.
        if (!store::EmailChangeStore(s.db).confirm(change.id, s.now()))
            return std::unexpected(refuse(Outcome::NoPendingEmailChange));
        store::UserStore(s.db).set_email(user.id, changed.email, true);
        if (change.old_email) {
            ctemplate::TemplateDictionary dict("email_changed");
            dict.SetValue("SITE_URL", s.site_url());
            dict.SetValue("NEW_EMAIL", change.new_email);
            const std::string token = s.signer.make("email-undo", user.id, kEmailUndoSeconds, undo_state(change));
            dict.SetValue("UNDO_URL", s.site_url() + "/accounts/email/undo/" + token + "/");
            Notifier(s.templates, s.db).email(*change.old_email, "email_changed", dict, s.now(), mail_language(user, s.config));
        }
        audit(s, user_actor(user, client.ip), user.id, "email_changed",
              "email: " + change.old_email.value_or("(none)") + " → " + change.new_email);
        tx.commit();
    } catch (const store::ConstraintError&) {
        return std::unexpected(refuse(Outcome::EmailTaken));  // taken between the check and the write
    }
    s.codes.revoke("email-change", code_subject(user.id));
    return changed;
}

}  // namespace

std::optional<PendingEmail> pending_email(Services& s, const User& user) {
    auto change = store::EmailChangeStore(s.db).pending(user.id);
    if (!change || change->expires_at <= s.now()) return std::nullopt;
    return PendingEmail{change->new_email, change->expires_at};
}

std::expected<PendingEmail, Refusal> request_email_change(Services& s, const User& user, std::string_view new_email,
                                                          const ClientInfo& client) {
    const auto email = normalize_email(new_email);
    FieldErrors errors;
    if (trim(new_email).empty()) errors["email"].push_back(core::N_("This field is required."));
    else if (!email) errors["email"].push_back(core::N_("Enter a valid email address."));
    else if (user.email && core::casefold(*email) == core::casefold(*user.email))
        errors["email"].push_back(core::N_("This is already your email address."));
    else if (taken_by_other(s, *email, user.id)) errors["email"].push_back(core::N_("A user with that email already exists."));
    if (!errors.empty()) return std::unexpected(refuse_fields(std::move(errors)));

    const auto sent = s.throttle.hit("otp-send", code_subject(user.id), Limits::kOtpSends);
    if (!sent.allowed) return std::unexpected(refuse_throttled(sent.retry_after));
    const auto now = s.now();
    const std::string code = s.codes.issue("email-change", code_subject(user.id), kEmailChangeCodeSeconds);
    store::Transaction tx(s.db);
    store::EmailChangeStore changes(s.db);
    const auto id = changes.request(user.id, user.email, *email, now, now + kEmailChangeLinkSeconds);
    const auto change = changes.find(id);
    ctemplate::TemplateDictionary dict("email_change");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("CODE", code);
    const std::string token = s.signer.make("email-change", user.id, kEmailChangeLinkSeconds, confirm_state(*change));
    dict.SetValue("CONFIRM_URL", s.site_url() + "/accounts/email/confirm/" + token + "/");
    Notifier(s.templates, s.db).email(*email, "email_change", dict, now, mail_language(user, s.config));
    audit(s, user_actor(user, client.ip), user.id, "email_change_requested", "new email: " + *email);
    tx.commit();
    return PendingEmail{*email, now + kEmailChangeLinkSeconds};
}

std::expected<User, Refusal> confirm_email_change(Services& s, const User& user, std::string_view code,
                                                  const ClientInfo& client) {
    auto change = store::EmailChangeStore(s.db).pending(user.id);
    if (!change || change->expires_at <= s.now()) return std::unexpected(refuse(Outcome::NoPendingEmailChange));
    if (auto refused = code_refusal(s.codes.check("email-change", code_subject(user.id), code)))
        return std::unexpected(*refused);
    return apply_change(s, user, *change, client);
}

std::expected<User, Refusal> confirm_email_change_link(Services& s, std::string_view token, const ClientInfo& client) {
    const auto claims = s.signer.read(token);
    if (!claims) return std::unexpected(refuse(Outcome::LinkInvalid));
    auto user = store::UserStore(s.db).find_by_id(claims->user_id);
    auto change = store::EmailChangeStore(s.db).pending(claims->user_id);
    if (!user || !user->is_active || !change) return std::unexpected(refuse(Outcome::LinkInvalid));
    switch (s.signer.verify(token, "email-change", confirm_state(*change))) {
        case TokenCheck::Valid: break;
        case TokenCheck::Invalid: return std::unexpected(refuse(Outcome::LinkInvalid));
        case TokenCheck::Expired: return std::unexpected(refuse(Outcome::LinkExpired));
    }
    return apply_change(s, *user, *change, client);
}

void cancel_email_change(Services& s, const User& user) {
    store::EmailChangeStore(s.db).drop_pending(user.id);
    s.codes.revoke("email-change", code_subject(user.id));
}

namespace {

// The confirmed change an undo link names, while it may still be undone.
std::optional<EmailChange> undo_target(Services& s, std::string_view token) {
    const auto claims = s.signer.read(token);
    if (!claims) return std::nullopt;
    for (const auto& change : store::EmailChangeStore(s.db).undoable(claims->user_id, s.now() - kEmailUndoSeconds))
        if (change.old_email && s.signer.verify(token, "email-undo", undo_state(change)) == TokenCheck::Valid)
            return change;
    return std::nullopt;
}

}  // namespace

std::optional<UndoableChange> check_undo_link(Services& s, std::string_view token) {
    auto change = undo_target(s, token);
    if (!change) return std::nullopt;
    return UndoableChange{change->user_id, *change->old_email, change->new_email};
}

std::expected<UndoableChange, Refusal> undo_email_change(Services& s, std::string_view token, const ClientInfo& client) {
    auto change = undo_target(s, token);
    if (!change) return std::unexpected(refuse(Outcome::UndoLinkInvalid));
    auto user = store::UserStore(s.db).find_by_id(change->user_id);
    if (!user) return std::unexpected(refuse(Outcome::UndoLinkInvalid));
    if (taken_by_other(s, *change->old_email, user->id)) return std::unexpected(refuse(Outcome::EmailTaken));
    try {
        store::Transaction tx(s.db);
        store::EmailChangeStore changes(s.db);
        if (!changes.undo(change->id, s.now())) return std::unexpected(refuse(Outcome::UndoLinkInvalid));
        store::UserStore(s.db).set_email(user->id, change->old_email, true);
        changes.drop_pending(user->id);
        Actor actor{user->id, "the old address's undo link", client.ip};
        audit(s, actor, user->id, "email_change_undone",
              "email: " + user->email.value_or("(none)") + " → " + *change->old_email + "; every login ended");
        tx.commit();
    } catch (const store::ConstraintError&) {
        return std::unexpected(refuse(Outcome::EmailTaken));
    }
    s.codes.revoke("email-change", code_subject(user->id));
    revoke_all_logins(s, user->id);
    return UndoableChange{user->id, *change->old_email, change->new_email};
}

}  // namespace gatehouse::accounts
