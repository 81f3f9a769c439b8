#pragma once
// The seen_devices table: which devices (a hashed user agent and network) each user logged in from,
// and when last. No policy: the new-device notice (accounts/device_notice.hpp) decides what is new.
#include "gatehouse/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace gatehouse::store {

class SeenDeviceStore {
public:
    explicit SeenDeviceStore(Database& db) : db_(db) {}

    // When this user last logged in from this device; nullopt when never (or forgotten).
    std::optional<std::int64_t> last_seen(std::int64_t user_id, std::string_view device_key);
    // Whether the user has any device on record.
    bool any(std::int64_t user_id);
    // Records a login from this device now, and forgets the user's devices last seen before `forget_before`.
    void record(std::int64_t user_id, std::string_view device_key, std::int64_t now, std::int64_t forget_before);

private:
    Database& db_;
};

}  // namespace gatehouse::store
