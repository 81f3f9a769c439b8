#pragma once
// Changing the email address (and a phone-only user adding one). The new address gets a link and a
// 6-digit code; the change takes effect only when one of them is confirmed, and until then the old
// address stays the login. Uniqueness ignoring case (the casefold keys) is checked at the request and
// again at the confirmation. On confirmation the old address gets a notice with a link to undo the
// change for 7 days; undoing gives the old address back and ends every login of the user. Each step
// is audited (email_change_requested, email_changed, email_change_undone). The caller checks the
// re-authentication (reauth.hpp) before asking for a change.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <expected>
#include <optional>
#include <string>

namespace gatehouse::accounts {

inline constexpr int kEmailChangeCodeSeconds = 600;          // the code: 10 minutes
inline constexpr int kEmailChangeLinkSeconds = 3 * 86400;    // the link (and the request): 3 days
inline constexpr int kEmailUndoSeconds = 7 * 86400;          // the undo link: 7 days

struct PendingEmail {
    std::string email;
    std::int64_t expires_at = 0;
};

// The address waiting for confirmation, while its request lives.
std::optional<PendingEmail> pending_email(Services& services, const User& user);

// Records the request (replacing an earlier one) and mails the code and link to the new address.
// Refusals: Invalid ("email": required, not an address, the current one, taken), Throttled (the
// user's code sends, as verification mails count).
std::expected<PendingEmail, Refusal> request_email_change(Services& services, const User& user,
                                                          std::string_view new_email, const ClientInfo& client);
// Refusals: NoPendingEmailChange, CodeInvalid, CodeExpired, EmailTaken.
std::expected<User, Refusal> confirm_email_change(Services& services, const User& user, std::string_view code,
                                                  const ClientInfo& client);
// The mailed link: needs no login. Refusals: LinkInvalid, LinkExpired, EmailTaken.
std::expected<User, Refusal> confirm_email_change_link(Services& services, std::string_view token,
                                                       const ClientInfo& client);
// Drops a pending request (the profile page's "cancel").
void cancel_email_change(Services& services, const User& user);

struct UndoableChange {
    std::int64_t user_id = 0;
    std::string old_email, new_email;
};
// What an undo link would restore, while it is good (read only: the page's confirm step).
std::optional<UndoableChange> check_undo_link(Services& services, std::string_view token);
// Restores the old address (verified), drops any pending request, ends every login of the user.
// Refusals: UndoLinkInvalid; EmailTaken (another account took the old address since).
std::expected<UndoableChange, Refusal> undo_email_change(Services& services, std::string_view token,
                                                         const ClientInfo& client);

}  // namespace gatehouse::accounts
