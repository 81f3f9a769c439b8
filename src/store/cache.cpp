#include "gatehouse/store/cache.hpp"

#include "gatehouse/core/errors.hpp"

#include <libmemcached/memcached.h>

#include <limits>
#include <sstream>
#include <stdexcept>

namespace gatehouse::store {
namespace {

[[noreturn]] void unavailable(memcached_st* mc, memcached_return_t rc, std::string_view what) {
    throw core::Unavailable(core::Backend::Memcached,
                            "memcached " + std::string(what) + ": " + memcached_strerror(mc, rc));
}

// A connection the server closed — memcached restarted while this worker made no call — fails the
// first call made on it ("SYSTEM ERROR", EPIPE), and libmemcached then drops it. Such a call is made
// once more, on a new connection, so a restart costs no request an error. A server that is really
// down fails the second try at once too (nothing listens: the connect is refused). A timeout is not
// retried: a slow server would only be asked twice as long.
bool connection_lost(memcached_return_t rc) {
    return rc == MEMCACHED_ERRNO || rc == MEMCACHED_CONNECTION_FAILURE || rc == MEMCACHED_WRITE_FAILURE ||
           rc == MEMCACHED_READ_FAILURE || rc == MEMCACHED_UNKNOWN_READ_FAILURE || rc == MEMCACHED_SERVER_MARKED_DEAD ||
           rc == MEMCACHED_SOME_ERRORS;  // mget's word for it
}

template <class Call>
memcached_return_t once_more_if_lost(Call call) {
    const memcached_return_t rc = call();
    return connection_lost(rc) ? call() : rc;
}

void check_key(std::string_view key) {
    if (key.empty() || key.size() > 250) throw std::invalid_argument("memcached key length");
    for (unsigned char ch : key)
        if (ch <= ' ' || ch == 0x7F) throw std::invalid_argument("memcached key has a space or control byte");
}

}  // namespace

Cache::Cache(const std::string& servers, int timeout_ms) {
    mc_ = memcached_create(nullptr);
    if (!mc_) throw std::runtime_error("memcached_create failed");
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, static_cast<uint64_t>(timeout_ms));
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, static_cast<uint64_t>(timeout_ms));
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_SND_TIMEOUT, static_cast<uint64_t>(timeout_ms) * 1000);
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, static_cast<uint64_t>(timeout_ms) * 1000);
    // A server found down is tried again at the next call, never marked dead for a while: a
    // restarted memcached (stack.sh brings it back in a fraction of a second) serves every worker at
    // once. A refused connection costs nothing; a host that does not answer costs one connect timeout
    // per call.
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0);
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, 0);
    // And never "in timeout" at all: once a server has failed server_timeout_limit times (default 0:
    // at the first failure) libmemcached refuses calls to it (SERVER HAS FAILED AND IS DISABLED UNTIL
    // TIMED RETRY) until the clock's whole second has moved past the failure's, whatever the retry
    // timeout — up to a second of 503s after memcached was back (seen in the fault test under load).
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_SERVER_TIMEOUT_LIMIT, std::numeric_limits<std::uint32_t>::max());
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, std::numeric_limits<std::uint32_t>::max());
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
    memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
    std::stringstream list(servers);
    std::string item;
    int count = 0;
    while (std::getline(list, item, ',')) {
        if (item.empty()) continue;
        memcached_return_t rc;
        if (item.front() == '/') {
            rc = memcached_server_add_unix_socket(mc_, item.c_str());
        } else {
            const auto colon = item.rfind(':');
            std::string host = colon == std::string::npos ? item : item.substr(0, colon);
            in_port_t port = 11211;
            if (colon != std::string::npos) {
                try {
                    port = static_cast<in_port_t>(std::stoi(item.substr(colon + 1)));
                } catch (...) {
                    memcached_free(mc_);
                    throw std::invalid_argument("GATEHOUSE_MEMCACHED: bad port in '" + item + "'");
                }
            }
            rc = memcached_server_add(mc_, host.c_str(), port);
        }
        if (rc != MEMCACHED_SUCCESS) {
            memcached_free(mc_);
            throw std::invalid_argument("GATEHOUSE_MEMCACHED: cannot use server '" + item + "'");
        }
        ++count;
    }
    if (count == 0) {
        memcached_free(mc_);
        throw std::invalid_argument("GATEHOUSE_MEMCACHED: no server given");
    }
    // One key per server for ping(): ketama spreads "gatehouse:ping:<n>" over all of them quickly.
    const std::uint32_t servers_in_list = memcached_server_count(mc_);
    probe_keys_.resize(servers_in_list);
    for (std::uint32_t n = 0, found = 0; found < servers_in_list && n < 1'000'000; ++n) {
        std::string key = "gatehouse:ping:" + std::to_string(n);
        const std::uint32_t server = memcached_generate_hash(mc_, key.data(), key.size());
        if (server < servers_in_list && probe_keys_[server].empty()) {
            probe_keys_[server] = std::move(key);
            ++found;
        }
    }
}

Cache::~Cache() { memcached_free(mc_); }

std::optional<std::string> Cache::get(std::string_view key) {
    check_key(key);
    size_t length = 0;
    uint32_t flags = 0;
    char* value = nullptr;
    const memcached_return_t rc = once_more_if_lost([&] {
        memcached_return_t got;
        value = memcached_get(mc_, key.data(), key.size(), &length, &flags, &got);
        return got;
    });
    if (value) {
        std::string out(value, length);
        free(value);  // libmemcached hands back malloc'd memory
        return out;
    }
    if (rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_SUCCESS) return std::nullopt;
    unavailable(mc_, rc, "get");
}

void Cache::set(std::string_view key, std::string_view value, std::int64_t ttl_seconds) {
    check_key(key);
    const memcached_return_t rc = once_more_if_lost([&] {
        return memcached_set(mc_, key.data(), key.size(), value.data(), value.size(), static_cast<time_t>(ttl_seconds), 0);
    });
    if (rc != MEMCACHED_SUCCESS) unavailable(mc_, rc, "set");
}

bool Cache::add(std::string_view key, std::string_view value, std::int64_t ttl_seconds) {
    check_key(key);
    const memcached_return_t rc = once_more_if_lost([&] {
        return memcached_add(mc_, key.data(), key.size(), value.data(), value.size(), static_cast<time_t>(ttl_seconds), 0);
    });
    if (rc == MEMCACHED_SUCCESS) return true;
    if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) return false;
    unavailable(mc_, rc, "add");
}

bool Cache::remove(std::string_view key) {
    check_key(key);
    const memcached_return_t rc = once_more_if_lost([&] { return memcached_delete(mc_, key.data(), key.size(), 0); });
    if (rc == MEMCACHED_SUCCESS) return true;
    if (rc == MEMCACHED_NOTFOUND) return false;
    unavailable(mc_, rc, "delete");
}

std::uint64_t Cache::increment(std::string_view key, std::uint64_t by, std::int64_t ttl_seconds) {
    check_key(key);
    uint64_t value = 0;
    memcached_return_t rc = MEMCACHED_SUCCESS;
    // Two workers creating the same counter at once: one stores it, the other is told NOT_STORED
    // and simply increments the counter that now exists.
    for (int attempt = 0; attempt < 3; ++attempt) {
        rc = once_more_if_lost([&] {
            return memcached_increment_with_initial(mc_, key.data(), key.size(), by, by,
                                                    static_cast<time_t>(ttl_seconds), &value);
        });
        if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) break;
    }
    if (rc != MEMCACHED_SUCCESS) unavailable(mc_, rc, "increment");
    return value;
}

std::optional<Cache::Versioned> Cache::gets(std::string_view key) {
    check_key(key);
    const char* keys[] = {key.data()};
    const size_t lengths[] = {key.size()};
    std::optional<Versioned> found;
    const memcached_return_t rc = once_more_if_lost([&] {
        found.reset();
        memcached_return_t got = memcached_mget(mc_, keys, lengths, 1);
        if (got != MEMCACHED_SUCCESS) return got;
        // Read to the end of the answer, so the connection is clean for the next call, into a result of
        // our own: given nullptr, libmemcached allocates a fresh result whenever the handle's own is in
        // use (after any get) and frees only the last, so every value found leaked 352 bytes
        // (LeakSanitizer saw it in the command line).
        memcached_result_st result;
        if (!memcached_result_create(mc_, &result)) return MEMCACHED_MEMORY_ALLOCATION_FAILURE;
        while (memcached_fetch_result(mc_, &result, &got)) {
            found = Versioned{std::string(memcached_result_value(&result), memcached_result_length(&result)),
                              memcached_result_cas(&result)};
        }
        memcached_result_free(&result);
        return got == MEMCACHED_END || got == MEMCACHED_NOTFOUND ? MEMCACHED_SUCCESS : got;
    });
    if (rc != MEMCACHED_SUCCESS) unavailable(mc_, rc, "gets");
    return found;
}

bool Cache::cas(std::string_view key, std::string_view value, std::int64_t ttl_seconds, std::uint64_t version) {
    check_key(key);
    const memcached_return_t rc = once_more_if_lost([&] {
        return memcached_cas(mc_, key.data(), key.size(), value.data(), value.size(), static_cast<time_t>(ttl_seconds),
                             0, version);
    });
    if (rc == MEMCACHED_SUCCESS) return true;
    if (rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_NOTSTORED) return false;
    unavailable(mc_, rc, "cas");
}

bool Cache::ping() {
    // A real round trip to every server, not just the one a key hashes to: with several, /healthz
    // names memcached down when any of them is (a share of the sessions and codes lives there).
    // Not memcached_version(): libmemcached asks each server its version once and then answers from
    // memory, so a server that died after the first ping would still look alive.
    try {
        for (const std::string& key : probe_keys_)
            if (!key.empty()) get(key);
        return true;
    } catch (const core::Unavailable&) {
        return false;
    }
}

}  // namespace gatehouse::store
