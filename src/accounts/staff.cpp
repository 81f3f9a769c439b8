#include "gatehouse/accounts/staff.hpp"

#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/profile_image.hpp"
#include "gatehouse/accounts/reauth.hpp"
#include "gatehouse/core/catalog.hpp"

#include "gatehouse/store/database.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <cctype>

namespace gatehouse::accounts {
namespace {

constexpr std::int64_t kHuge = std::int64_t{1} << 60;  // larger than any page number or size

Refusal forbidden_flag(std::string flag) {
    Refusal refusal = refuse(Outcome::ForbiddenFlag);
    refusal.subject = std::move(flag);
    return refusal;
}

// A non-negative integer as Python's int() reads one (surrounding spaces, an optional "+"), saturating
// at kHuge; nullopt for anything else (a sign "-" included: every caller refuses negatives anyway).
std::optional<std::int64_t> natural(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value >= kHuge / 10 ? kHuge : std::min(value * 10 + (c - '0'), kHuge);
    }
    return value;
}

// The flag as sent, parsed; a bad value adds DRF's message to errors.
std::optional<bool> flag_value(const std::optional<std::string>& text, const char* name, FieldErrors& errors) {
    if (!text) return std::nullopt;
    auto value = parse_boolean(*text);
    if (!value) errors[name].push_back(core::N_("Must be a valid boolean."));
    return value;
}

const char* yes_no(bool value) { return value ? "true" : "false"; }

// The audit action for a flag set to `value`.
const char* flag_action(std::string_view flag, bool value) {
    if (flag == "is_active") return value ? "activate" : "deactivate";
    if (flag == "is_verified") return value ? "mark_verified" : "mark_unverified";
    return value ? "make_staff" : "remove_staff";
}

void merge(FieldErrors& into, const FieldErrors& from) {
    for (const auto& [field, messages] : from) {
        auto& list = into[field];
        list.insert(list.end(), messages.begin(), messages.end());
    }
}

}  // namespace

std::int64_t page_size_from(std::optional<std::string_view> text) {
    const auto value = text ? natural(*text) : std::nullopt;
    if (!value || *value == 0) return kDefaultPageSize;
    return std::min(*value, kMaxPageSize);
}

std::int64_t page_count(std::int64_t count, std::int64_t page_size) {
    if (count <= 0 || page_size <= 0) return 1;
    return (count + page_size - 1) / page_size;
}

std::optional<std::int64_t> page_number_from(std::optional<std::string_view> text, std::int64_t last) {
    if (!text) return 1;
    if (*text == "last") return last;
    const auto value = natural(*text);
    if (!value || *value < 1 || *value > last) return std::nullopt;
    return *value;
}

std::vector<std::string> search_terms(std::string_view search) {
    std::vector<std::string> terms;
    std::string term;
    for (char c : search) {
        if (c == ',' || c == '\0' || std::isspace(static_cast<unsigned char>(c))) {
            if (!term.empty()) terms.push_back(std::move(term));
            term.clear();
        } else {
            term += c;
        }
    }
    if (!term.empty()) terms.push_back(std::move(term));
    return terms;
}

std::optional<Refusal> staff_refusal(Services& s, const User& actor) {
    if (!actor.is_staff) return refuse(Outcome::Forbidden);
    if (s.config.staff_require_mfa && !has_totp(s, actor.id)) return refuse(Outcome::MfaEnrollmentRequired);
    return std::nullopt;
}

std::expected<UserPage, Refusal> list_users(Services& s, const User& actor, const UserQuery& query) {
    if (auto refused = staff_refusal(s, actor)) return std::unexpected(*refused);
    const auto terms = search_terms(query.search);
    store::UserStore users(s.db);
    UserPage page;
    page.size = page_size_from(query.page_size);
    page.count = users.count_matching(terms);
    page.last = page_count(page.count, page.size);
    const auto number = page_number_from(query.page, page.last);
    if (!number) return std::unexpected(refuse(Outcome::InvalidPage));
    page.number = *number;
    page.users = users.page_matching(terms, page.size, (page.number - 1) * page.size);
    return page;
}

std::optional<bool> parse_boolean(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* yes : {"true", "1", "yes", "on", "t", "y"})
        if (lower == yes) return true;
    for (const char* no : {"false", "0", "no", "off", "f", "n"})
        if (lower == no) return false;
    return std::nullopt;
}

std::expected<User, Refusal> create_user_as_staff(Services& s, const User& actor, const StaffCreateInput& input,
                                                  std::string_view ip) {
    if (auto refused = staff_refusal(s, actor)) return std::unexpected(*refused);
    FieldErrors errors;
    const auto is_staff = flag_value(input.flags.is_staff, "is_staff", errors);
    const auto is_verified = flag_value(input.flags.is_verified, "is_verified", errors);
    auto user = check_signup(s, input.fields);
    if (!user) merge(errors, user.error());
    if (!errors.empty()) return std::unexpected(refuse_fields(std::move(errors)));
    user->is_staff = is_staff.value_or(false);
    user->is_verified = is_verified.value_or(false);
    return save_created_user(s, user_actor(actor, ip), std::move(*user));
}

std::expected<User, Refusal> save_created_user(Services& s, const Actor& actor, User user) {
    try {  // save_new_user's insert, with the audit row in the same transaction
        store::Transaction tx(s.db);
        user.id = store::UserStore(s.db).insert(user);
        audit(s, actor, user.id, "create",
              "email: " + user.email.value_or("") + ", is_staff: " + yes_no(user.is_staff) +
                  ", is_verified: " + yes_no(user.is_verified));
        tx.commit();
    } catch (const store::ConstraintError&) {
        return std::unexpected(refuse_fields({{"email", {core::N_("A user with that email, name or phone already exists.")}}}));
    }
    if (!user.is_verified) send_verification(s, user);
    return user;
}

std::expected<User, Refusal> find_user_as(Services& s, const User& actor, std::int64_t id) {
    // Another user's id is simply not there for a non-staff caller (no hint that it exists).
    if (actor.id != id)
        if (auto refused = staff_refusal(s, actor))
            return std::unexpected(refused->outcome == Outcome::Forbidden ? refuse(Outcome::NotFound) : *refused);
    auto user = store::UserStore(s.db).find_by_id(id);
    if (!user) return std::unexpected(refuse(Outcome::NotFound));
    return *user;
}

std::expected<User, Refusal> update_user_as(Services& s, const User& actor, std::int64_t id, const UserChanges& changes,
                                            std::string_view ip) {
    auto target = find_user_as(s, actor, id);
    if (!target) return target;
    FieldErrors errors;
    const auto is_staff = flag_value(changes.flags.is_staff, "is_staff", errors);
    const auto is_active = flag_value(changes.flags.is_active, "is_active", errors);
    const auto is_verified = flag_value(changes.flags.is_verified, "is_verified", errors);
    if (auto refused = staff_refusal(s, actor)) {  // not staff, or staff who must set up a second factor first
        const char* flag = is_staff && *is_staff != target->is_staff             ? "is_staff"
                           : is_active && *is_active != target->is_active         ? "is_active"
                           : is_verified && *is_verified != target->is_verified   ? "is_verified"
                                                                                  : nullptr;
        if (flag) return std::unexpected(refused->outcome == Outcome::Forbidden ? forbidden_flag(flag) : *refused);
    }
    auto changed = check_profile(s, *target, changes.profile);
    if (!changed) merge(errors, changed.error());
    if (!errors.empty()) return std::unexpected(refuse_fields(std::move(errors)));
    changed->is_staff = is_staff.value_or(target->is_staff);
    changed->is_active = is_active.value_or(target->is_active);
    changed->is_verified = is_verified.value_or(target->is_verified);
    return save_user_changes(s, user_actor(actor, ip), *target, std::move(*changed));
}

std::expected<User, Refusal> save_user_changes(Services& s, const Actor& actor, const User& target, User changed) {
    const std::array<std::tuple<const char*, bool, bool>, 3> flags = {{
        {"is_staff", target.is_staff, changed.is_staff},
        {"is_active", target.is_active, changed.is_active},
        {"is_verified", target.is_verified, changed.is_verified},
    }};
    try {
        store::Transaction tx(s.db);
        for (const auto& [name, before, after] : flags)
            if (before != after)
                audit(s, actor, target.id, flag_action(name, after), std::string(name) + ": " + yes_no(before) + " → " + yes_no(after));
        save_profile(s, target, changed);
        store::UserStore(s.db).set_flags(target.id, changed.is_active, changed.is_staff, changed.is_superuser,
                                         changed.is_verified);
        tx.commit();
    } catch (const store::ConstraintError&) {
        return std::unexpected(refuse_fields({{"non_field_errors", {core::N_("That name or phone number was just taken.")}}}));
    }
    if (target.is_active && !changed.is_active) revoke_all_logins(s, target.id);
    return changed;
}

std::expected<void, Refusal> delete_user_as(Services& s, const User& actor, std::int64_t id,
                                                 std::optional<std::string_view> password, std::string_view ip,
                                                 std::optional<std::string_view> code) {
    auto target = find_user_as(s, actor, id);
    if (!target) return std::unexpected(target.error());
    if (target->id == actor.id && reauth_method(*target) == ReauthMethod::PhoneCode) {
        if (!code || code->empty()) return std::unexpected(refuse_fields({{"code", {core::N_("This field is required.")}}}));
        if (auto checked = check_sms_code(s, *target, *code); !checked) return std::unexpected(checked.error());
    } else if (target->id == actor.id) {
        if (!password) return std::unexpected(refuse_fields({{"password", {core::N_("This field is required.")}}}));
        if (password->empty()) return std::unexpected(refuse_fields({{"password", {core::N_("This field may not be blank.")}}}));
        if (!s.hasher.verify(*password, target->password_hash))
            return std::unexpected(refuse_fields({{"password", {core::N_("The password is not correct.")}}}));
    }
    if (target->id != actor.id) {
        delete_user(s, user_actor(actor, ip), *target);
        return {};
    }
    revoke_all_logins(s, id);
    store::UserStore(s.db).remove(id);
    remove_image_file(s, *target);
    return {};
}

std::expected<std::vector<AuditEntry>, Refusal> recent_audit(Services& s, const User& actor,
                                                                         int limit) {
    if (auto refused = staff_refusal(s, actor)) return std::unexpected(*refused);
    return store::AuditStore(s.db).recent(limit);
}

std::vector<User> find_users(Services& s, std::string_view search) {
    const auto terms = search_terms(search);
    store::UserStore users(s.db);
    return users.page_matching(terms, users.count_matching(terms), 0);
}

void delete_user(Services& s, const Actor& actor, const User& target) {
    revoke_all_logins(s, target.id);
    store::Transaction tx(s.db);
    audit(s, actor, target.id, "delete", "email: " + target.email.value_or(""));
    store::UserStore(s.db).remove(target.id);
    tx.commit();
    remove_image_file(s, target);
}

std::expected<int, Refusal> end_logins(Services& s, const Actor& actor, const User& target,
                                       std::optional<std::int64_t> login_id) {
    const auto live = live_logins(s, target.id);
    if (login_id) {
        const auto login = std::find_if(live.begin(), live.end(), [&](const Login& l) { return l.id == *login_id; });
        if (login == live.end()) return std::unexpected(refuse(Outcome::NotFound));
        revoke_login(s, *login);
        store::Transaction tx(s.db);
        audit(s, actor, target.id, "end_logins",
              "login " + std::to_string(login->id) + " (" + login->kind + ", " + login->device + ") ended");
        tx.commit();
        return 1;
    }
    if (live.empty()) return 0;
    revoke_all_logins(s, target.id);
    store::Transaction tx(s.db);
    audit(s, actor, target.id, "end_logins", std::to_string(live.size()) + " login(s) ended");
    tx.commit();
    return static_cast<int>(live.size());
}

std::vector<AuditEntry> audit_trail(Services& s, const AuditQuery& query) {
    return store::AuditStore(s.db).matching(query.user_id, query.since, query.limit);
}

}  // namespace gatehouse::accounts
