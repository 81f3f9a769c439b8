#pragma once
// The email_changes table: a user's request for a new address (pending until confirmed), and the
// confirmed changes the old address may undo. SQL lives here; no policy.
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

struct EmailChange {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::optional<std::string> old_email;
    std::string new_email;
    std::int64_t requested_at = 0;
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> confirmed_at;
    std::optional<std::int64_t> undone_at;
};

class EmailChangeStore {
public:
    explicit EmailChangeStore(Database& db) : db_(db) {}

    // A new pending request; any earlier pending one of the user is dropped. Returns its id.
    std::int64_t request(std::int64_t user_id, const std::optional<std::string>& old_email, std::string_view new_email,
                         std::int64_t now, std::int64_t expires_at);
    // The user's pending (unconfirmed) request, whatever its expiry.
    std::optional<EmailChange> pending(std::int64_t user_id);
    std::optional<EmailChange> find(std::int64_t id);
    void drop_pending(std::int64_t user_id);
    bool confirm(std::int64_t id, std::int64_t now);  // false: confirmed already (by a concurrent request)
    // Confirmed, not undone, confirmed after `since`: newest first.
    std::vector<EmailChange> undoable(std::int64_t user_id, std::int64_t since);
    bool undo(std::int64_t id, std::int64_t now);  // false: undone already (by a concurrent request)
    // Deletes the rows no link or code can use any more: requests past their deadline, undone
    // changes, and changes confirmed more than undo_seconds ago (the audit log keeps their story).
    // Returns how many.
    int sweep(std::int64_t now, std::int64_t undo_seconds);

private:
    Database& db_;
};

}  // namespace gatehouse::store
