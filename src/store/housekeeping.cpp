#include "gatehouse/store/housekeeping.hpp"

namespace gatehouse::store {

Swept sweep_expired(Database& db, std::int64_t now, std::int64_t keep_sent_seconds, std::int64_t keep_logins_seconds) {
    Swept swept;
    Transaction tx(db);
    db.query("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?").bind(1, now - keep_sent_seconds).run();
    swept.outbox = db.changes();
    db.query("DELETE FROM refresh_blacklist WHERE expires_at <= ?").bind(1, now).run();
    swept.blacklist = db.changes();
    const std::int64_t before = now - keep_logins_seconds;
    db.query("DELETE FROM logins WHERE (revoked_at IS NOT NULL AND revoked_at <= ?) OR expires_at <= ?")
        .bind(1, before)
        .bind(2, before)
        .run();
    swept.logins = db.changes();
    tx.commit();
    return swept;
}

}  // namespace gatehouse::store
