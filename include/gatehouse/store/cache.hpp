#pragma once
// memcached through libmemcached: binary protocol, consistent hashing across the servers, short
// timeouts. A server that cannot be reached makes calls throw core::Unavailable; the handle retries
// it by itself a second later.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct memcached_st;

namespace gatehouse::store {

class Cache {
public:
    // servers: "host:port,host:port" or a unix socket path ("/…/memcached.sock"), or a mix.
    explicit Cache(const std::string& servers, int timeout_ms = 300);
    ~Cache();
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    std::optional<std::string> get(std::string_view key);
    void set(std::string_view key, std::string_view value, std::int64_t ttl_seconds);
    bool add(std::string_view key, std::string_view value, std::int64_t ttl_seconds);  // false: exists
    bool remove(std::string_view key);                                               // false: absent
    // Atomically adds `by`; a missing key starts at `by` and lives ttl_seconds. Returns the new value.
    std::uint64_t increment(std::string_view key, std::uint64_t by, std::int64_t ttl_seconds);
    // Compare-and-swap: read a value with its version, then store only if nobody changed it since.
    struct Versioned {
        std::string value;
        std::uint64_t version;
    };
    std::optional<Versioned> gets(std::string_view key);
    // false: changed or gone since `version` was read (read again and retry).
    bool cas(std::string_view key, std::string_view value, std::int64_t ttl_seconds, std::uint64_t version);
    bool ping();  // true when every server of the list answers

private:
    memcached_st* mc_ = nullptr;
    std::vector<std::string> probe_keys_;  // probe_keys_[i] hashes to server i (ping)
};

}  // namespace gatehouse::store
