#pragma once
// Administration of users through the API (README: *Staff*, /api/users/): the list with DRF's search and
// page-number pagination, creation by staff, edits of the profile and of the flags, deletion — and
// who may do which. Staff (is_staff, as DRF's IsAdminUser) may do everything to every user; anyone
// else only reads, edits or deletes itself, and never changes its own flags.
//
// Every staff action is audited (store/audit.hpp) in the same transaction as the change: creation,
// each flag that changes, the deletion of another user. `ip` is the actor's address, for the record.
// The detail says what changed ("is_active: true → false") and never holds a password or token.
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/store/audit.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::accounts {

using AuditEntry = store::AuditEntry;

// Refusals of these rules: Forbidden (not staff), ForbiddenFlag (a non-staff caller changing a flag;
// Refusal::subject names it), NotFound (no such user, or another user's id asked by a non-staff
// caller), InvalidPage, Invalid (the caller's mistakes, in Refusal::errors).

// --- who counts as staff -----------------------------------------------------------------------
// The one gate of everything staff-only (the list, creation, others' accounts, the audit trail, the
// admin pages, /auth/check?staff=1): Forbidden for a user who is not staff; MfaEnrollmentRequired for
// staff without an authenticator app while GATEHOUSE_STAFF_REQUIRE_MFA=1; nullopt when the actor may.
std::optional<Refusal> staff_refusal(Services& services, const User& actor);

// --- the list ------------------------------------------------------------------------------------
// DRF's PageNumberPagination with page_size_query_param and max_page_size.
inline constexpr std::int64_t kDefaultPageSize = 25;
inline constexpr std::int64_t kMaxPageSize = 100;

// `page_size`: a positive integer, capped at kMaxPageSize; absent or anything else → kDefaultPageSize.
std::int64_t page_size_from(std::optional<std::string_view> text);
// How many pages `count` items fill: at least 1 (an empty first page is allowed, as in Django).
std::int64_t page_count(std::int64_t count, std::int64_t page_size);
// `page`: absent → 1; "last" → the last page; otherwise digits naming a page in 1..last; nullopt
// when it is none of these (DRF's "Invalid page.").
std::optional<std::int64_t> page_number_from(std::optional<std::string_view> text, std::int64_t last);
// DRF's SearchFilter terms: the text split at whitespace and commas; a user matches when every term
// is a substring (ignoring case) of its email, name, first name, last name or phone.
std::vector<std::string> search_terms(std::string_view search);

struct UserQuery {
    std::string search;
    std::optional<std::string> page;
    std::optional<std::string> page_size;
};
struct UserPage {
    std::int64_t count = 0;   // users matching the search, on every page
    std::int64_t number = 1;  // this page, from 1
    std::int64_t size = kDefaultPageSize;
    std::int64_t last = 1;    // the number of the last page
    std::vector<User> users;  // this page's, by id
    bool has_next() const { return number < last; }
    bool has_previous() const { return number > 1; }
};
// Staff only (Forbidden otherwise), then InvalidPage for a bad page.
std::expected<UserPage, Refusal> list_users(Services& services, const User& actor, const UserQuery& query);

// --- creation ------------------------------------------------------------------------------------
// DRF BooleanField's inputs: true/false, 1/0, yes/no, on/off, t/f, y/n in any case; nullopt otherwise.
std::optional<bool> parse_boolean(std::string_view text);

struct FlagInput {  // as sent (JSON true/false arrive as "true"/"false"); absent: unchanged / default
    std::optional<std::string> is_staff, is_active, is_verified;
};
struct StaffCreateInput {
    SignupInput fields;  // the register fields, checked by the signup rules
    FlagInput flags;     // is_staff and is_verified (is_active is not taken: a new user is active)
};
// Staff only. The register rules and messages (the password's under "password1"/"password2", as from
// check_signup) plus "Must be a valid boolean." for a bad flag; no registration throttle. The
// verification mail goes out unless the user is created verified.
std::expected<User, Refusal> create_user_as_staff(Services& services, const User& actor,
                                                              const StaffCreateInput& input, std::string_view ip = {});

// Saves a checked new user with its "create" audit row in one transaction, then mails the verification
// unless the user is verified. Invalid when its email, name or phone was taken since the check.
std::expected<User, Refusal> save_created_user(Services& services, const Actor& actor, User user);

// --- one user ------------------------------------------------------------------------------------
// The user with this id, when the actor may see it (staff, or itself); NotFound otherwise.
std::expected<User, Refusal> find_user_as(Services& services, const User& actor, std::int64_t id);

struct UserChanges {
    ProfileInput profile;  // absent fields unchanged, empty ones cleared (as PATCH /api/me/)
    FlagInput flags;
};
// Permission first: NotFound as find_user_as; a non-staff caller sending a flag with a value other
// than the current one is ForbiddenFlag (naming the flag; the same value is accepted and changes nothing).
// Then every field error at once. The profile and the flags are written in one transaction; a user
// made inactive loses every login (sessions, JWT families, API tokens) at once. Each flag that changes
// is audited in that transaction ("activate", "deactivate", "mark_verified", "mark_unverified",
// "make_staff", "remove_staff"); a refused or failed change records nothing.
std::expected<User, Refusal> update_user_as(Services& services, const User& actor, std::int64_t id,
                                                        const UserChanges& changes, std::string_view ip = {});

// Writes a target's checked changes (profile and flags) in one transaction with an audit row per flag
// that changed; a user made inactive loses every login at once. The staff's and the operator's path.
std::expected<User, Refusal> save_user_changes(Services& services, const Actor& actor, const User& target, User changed);

// Ends every login of the user, then deletes it. Deleting oneself (staff or not) needs one's password,
// exactly as DELETE /api/me/ does ("password": required / not correct); staff delete others without,
// and that deletion is audited ("delete", with the email) in the transaction that removes the user.
// A user without a usable password (phone login) confirms with `code`, a fresh SMS code
// (check_sms_code) instead: "code" required / CodeInvalid / CodeExpired.
std::expected<void, Refusal> delete_user_as(Services& services, const User& actor, std::int64_t id,
                                                 std::optional<std::string_view> password, std::string_view ip = {},
                                                 std::optional<std::string_view> code = std::nullopt);

// --- the audit trail -----------------------------------------------------------------------------
// Staff only (Forbidden otherwise): the newest `limit` audit rows, newest first.
std::expected<std::vector<AuditEntry>, Refusal> recent_audit(Services& services, const User& actor,
                                                                         int limit);

// --- the operator (gatehouse users|sessions|audit) ------------------------------------------------
// The command line is trusted as staff is, with no user behind it: the writes and audit rows below
// are the ones the staff's paths above make, the actor being operator_actor(…).

// Every user matching `search` as the list's SearchFilter matches (search_terms; "" is everyone), by id.
std::vector<User> find_users(Services& services, std::string_view search);
// Ends every login of the target, then deletes it, audited ("delete", with the email) in that transaction.
void delete_user(Services& services, const Actor& actor, const User& target);
// Ends the target's live logins as "log out everywhere" does — or only login_id, as the devices page's
// "log out" — with an audit row ("end_logins") saying which. NotFound when login_id is not a live login
// of the target. Returns how many ended (none ended: no row).
std::expected<int, Refusal> end_logins(Services& services, const Actor& actor, const User& target,
                                       std::optional<std::int64_t> login_id = std::nullopt);

struct AuditQuery {
    std::optional<std::int64_t> user_id;  // rows naming this user as actor or target
    std::optional<std::int64_t> since;    // unix seconds: rows at or after it
    int limit = 50;
};
// Newest first.
std::vector<AuditEntry> audit_trail(Services& services, const AuditQuery& query);

}  // namespace gatehouse::accounts
