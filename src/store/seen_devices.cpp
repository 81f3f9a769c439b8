#include "gatehouse/store/seen_devices.hpp"

namespace gatehouse::store {

std::optional<std::int64_t> SeenDeviceStore::last_seen(std::int64_t user_id, std::string_view device_key) {
    auto q = db_.query("SELECT last_seen_at FROM seen_devices WHERE user_id = ? AND device_key = ?");
    q.bind(1, user_id).bind(2, device_key);
    if (!q.step()) return std::nullopt;
    return q.row().column_int(0);
}

bool SeenDeviceStore::any(std::int64_t user_id) {
    auto q = db_.query("SELECT 1 FROM seen_devices WHERE user_id = ? LIMIT 1");
    q.bind(1, user_id);
    return q.step();
}

void SeenDeviceStore::record(std::int64_t user_id, std::string_view device_key, std::int64_t now,
                             std::int64_t forget_before) {
    db_.query("DELETE FROM seen_devices WHERE user_id = ? AND last_seen_at < ?").bind(1, user_id).bind(2, forget_before).run();
    db_.query(
           "INSERT INTO seen_devices (user_id, device_key, last_seen_at) VALUES (?, ?, ?)"
           " ON CONFLICT (user_id, device_key) DO UPDATE SET last_seen_at = excluded.last_seen_at")
        .bind(1, user_id)
        .bind(2, device_key)
        .bind(3, now)
        .run();
}

}  // namespace gatehouse::store
