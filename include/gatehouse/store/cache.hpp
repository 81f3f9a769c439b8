#pragma once
// memcached through libmemcached: binary protocol, consistent (ketama) hashing across the servers,
// short timeouts. With replicas, each key is also kept on the next `replicas` servers of the list
// (libmemcached's own layout), written and read by this class itself: libmemcached 1.1 replicates
// only set and delete, and only when the key's first server answers. A key none of whose servers
// can be reached makes calls throw core::Unavailable.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct memcached_st;

namespace gatehouse::store {

class Cache {
public:
    // servers: "host:port,host:port" or a unix socket path ("/…/memcached.sock"), or a mix.
    // replicas: extra copies of each key, < the number of servers.
    explicit Cache(const std::string& servers, int replicas = 0, int timeout_ms = 300);
    ~Cache();
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    std::optional<std::string> get(std::string_view key);
    void set(std::string_view key, std::string_view value, std::int64_t ttl_seconds);
    bool add(std::string_view key, std::string_view value, std::int64_t ttl_seconds);  // false: exists
    bool remove(std::string_view key);                                               // false: absent
    // Atomically adds `by`; a missing key starts at `by` and lives ttl_seconds. Returns the new value
    // (with replicas: the highest of the copies, so a count never goes back when a server dies).
    std::uint64_t increment(std::string_view key, std::uint64_t by, std::int64_t ttl_seconds);
    // Compare-and-swap: read a value with its version, then store only if nobody changed it since.
    struct Versioned {
        std::string value;
        std::uint64_t version;
        std::uint32_t server = 0;  // the server the version belongs to
    };
    std::optional<Versioned> gets(std::string_view key);
    // false: changed or gone since `read` (read again and retry).
    bool cas(std::string_view key, std::string_view value, std::int64_t ttl_seconds, const Versioned& read);
    bool ping();                  // true when every server of the list answers
    bool every_key_has_a_copy();  // true when no key has lost all its servers (/healthz)

    std::size_t servers() const { return nodes_.size(); }
    // The servers holding `key`, first its own (ketama), then its replicas.
    std::vector<std::uint32_t> servers_of(std::string_view key) const;

private:
    struct Free {
        void operator()(memcached_st* mc) const;
    };
    using Handle = std::unique_ptr<memcached_st, Free>;
    Handle ring_;                // every server: only picks a key's first server
    std::vector<Handle> nodes_;  // nodes_[i]: a handle to server i alone
    std::uint32_t replicas_ = 0;
    std::vector<bool> answering();
};

}  // namespace gatehouse::store
