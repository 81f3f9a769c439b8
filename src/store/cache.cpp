#include "gatehouse/store/cache.hpp"

#include "gatehouse/core/errors.hpp"

#include <libmemcached/memcached.h>

#include <algorithm>
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

// The server answered (whatever it said); anything else means it could not be asked.
bool answered(memcached_return_t rc) {
    return rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_NOTSTORED ||
           rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_END;
}

void check_key(std::string_view key) {
    if (key.empty() || key.size() > 250) throw std::invalid_argument("memcached key length");
    for (unsigned char ch : key)
        if (ch <= ' ' || ch == 0x7F) throw std::invalid_argument("memcached key has a space or control byte");
}

std::vector<std::string> server_list(const std::string& servers) {
    std::vector<std::string> out;
    std::stringstream list(servers);
    std::string item;
    while (std::getline(list, item, ','))
        if (!item.empty()) out.push_back(item);
    if (out.empty()) throw std::invalid_argument("GATEHOUSE_MEMCACHED: no server given");
    return out;
}

void add_server(memcached_st* mc, const std::string& item) {
    memcached_return_t rc;
    if (item.front() == '/') {
        rc = memcached_server_add_unix_socket(mc, item.c_str());
    } else {
        const auto colon = item.rfind(':');
        std::string host = colon == std::string::npos ? item : item.substr(0, colon);
        in_port_t port = 11211;
        if (colon != std::string::npos) {
            try {
                port = static_cast<in_port_t>(std::stoi(item.substr(colon + 1)));
            } catch (...) {
                throw std::invalid_argument("GATEHOUSE_MEMCACHED: bad port in '" + item + "'");
            }
        }
        rc = memcached_server_add(mc, host.c_str(), port);
    }
    if (rc != MEMCACHED_SUCCESS) throw std::invalid_argument("GATEHOUSE_MEMCACHED: cannot use server '" + item + "'");
}

memcached_st* new_handle(int timeout_ms, bool one_of_several) {
    memcached_st* mc = memcached_create(nullptr);
    if (!mc) throw std::runtime_error("memcached_create failed");
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, static_cast<uint64_t>(timeout_ms));
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, static_cast<uint64_t>(timeout_ms));
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, static_cast<uint64_t>(timeout_ms) * 1000);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, static_cast<uint64_t>(timeout_ms) * 1000);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
    // Never ejected from the ring (auto-eject would move the dead server's keys to other servers,
    // away from their replicas) and never marked dead; DEAD_TIMEOUT only matters with ejection.
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, 0);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, std::numeric_limits<std::uint32_t>::max());
    if (!one_of_several) {
        // The only server: a server found down is tried again at the next call, never put "in timeout":
        // a restarted memcached (stack.sh brings it back in a fraction of a second) serves every worker
        // at once. Once a server has failed server_timeout_limit times (default 0: at the first failure)
        // libmemcached refuses calls to it (SERVER HAS FAILED AND IS DISABLED UNTIL TIMED RETRY) until
        // the clock's whole second has moved past the failure's, whatever the retry timeout — up to a
        // second of 503s after memcached was back (seen in the fault test under load). A refused
        // connection costs nothing; a host that does not answer costs one connect timeout per call.
        memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0);
        memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SERVER_TIMEOUT_LIMIT, std::numeric_limits<std::uint32_t>::max());
    } else {
        // One of a pool: a server whose connect failed is skipped without a try (TEMPORARILY_DISABLED,
        // the key's replica answers) until the whole second after the next one, 1 to 2 s later; then
        // one call tries it again. A host that does not answer costs a worker one connect timeout
        // every 1–2 s, not every call, and a server that is back is used again within 2 s.
        memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
        memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SERVER_TIMEOUT_LIMIT, 1);
    }
    return mc;
}

}  // namespace

void Cache::Free::operator()(memcached_st* mc) const { memcached_free(mc); }

Cache::Cache(const std::string& servers, int replicas, int timeout_ms) {
    const std::vector<std::string> list = server_list(servers);
    if (replicas < 0 || static_cast<std::size_t>(replicas) >= list.size())
        throw std::invalid_argument("GATEHOUSE_MEMCACHED_REPLICAS: must be less than the number of servers");
    replicas_ = static_cast<std::uint32_t>(replicas);
    ring_.reset(new_handle(timeout_ms, list.size() > 1));
    for (const std::string& item : list) {
        add_server(ring_.get(), item);
        nodes_.emplace_back(new_handle(timeout_ms, list.size() > 1));
        add_server(nodes_.back().get(), item);
    }
    // Server i of the ring must be nodes_[i]: libmemcached keeps the order of the list unless told
    // to sort it.
    if (memcached_server_count(ring_.get()) != nodes_.size())
        throw std::invalid_argument("GATEHOUSE_MEMCACHED: cannot use the server list '" + servers + "'");
}

Cache::~Cache() = default;

std::vector<std::uint32_t> Cache::servers_of(std::string_view key) const {
    const auto count = static_cast<std::uint32_t>(nodes_.size());
    const std::uint32_t first = count == 1 ? 0 : memcached_generate_hash(ring_.get(), key.data(), key.size()) % count;
    std::vector<std::uint32_t> out;
    for (std::uint32_t n = 0; n <= replicas_; ++n) out.push_back((first + n) % count);
    return out;
}

// Every call below asks the key's servers in order (its own first). A key's own server that is
// back from a restart is empty while its replica still holds what was written before or meanwhile,
// so a read that finds nothing there asks the replica too.

std::optional<std::string> Cache::get(std::string_view key) {
    check_key(key);
    memcached_st* failed = nullptr;
    memcached_return_t failure = MEMCACHED_SUCCESS;
    bool asked = false;
    for (const std::uint32_t n : servers_of(key)) {
        memcached_st* mc = nodes_[n].get();
        size_t length = 0;
        uint32_t flags = 0;
        char* value = nullptr;
        const memcached_return_t rc = once_more_if_lost([&] {
            memcached_return_t got;
            value = memcached_get(mc, key.data(), key.size(), &length, &flags, &got);
            return got;
        });
        if (value) {
            std::string out(value, length);
            free(value);  // libmemcached hands back malloc'd memory
            return out;
        }
        if (rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_SUCCESS) asked = true;
        else failed = mc, failure = rc;
    }
    if (asked) return std::nullopt;
    unavailable(failed, failure, "get");
}

void Cache::set(std::string_view key, std::string_view value, std::int64_t ttl_seconds) {
    check_key(key);
    memcached_st* failed = nullptr;
    memcached_return_t failure = MEMCACHED_SUCCESS;
    bool stored = false;
    for (const std::uint32_t n : servers_of(key)) {
        memcached_st* mc = nodes_[n].get();
        const memcached_return_t rc = once_more_if_lost([&] {
            return memcached_set(mc, key.data(), key.size(), value.data(), value.size(), static_cast<time_t>(ttl_seconds), 0);
        });
        if (rc == MEMCACHED_SUCCESS) stored = true;
        else failed = mc, failure = rc;
    }
    if (!stored) unavailable(failed, failure, "set");
}

// The first server that answers decides; the replicas then get the key too, unless they hold it
// already (a tries counter keeps its count on a replica when its own server came back empty).
bool Cache::add(std::string_view key, std::string_view value, std::int64_t ttl_seconds) {
    check_key(key);
    memcached_st* failed = nullptr;
    memcached_return_t failure = MEMCACHED_SUCCESS;
    bool decided = false;
    for (const std::uint32_t n : servers_of(key)) {
        memcached_st* mc = nodes_[n].get();
        const memcached_return_t rc = once_more_if_lost([&] {
            return memcached_add(mc, key.data(), key.size(), value.data(), value.size(), static_cast<time_t>(ttl_seconds), 0);
        });
        if (decided) continue;
        if (rc == MEMCACHED_SUCCESS) decided = true;
        else if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) return false;
        else failed = mc, failure = rc;
    }
    if (!decided) unavailable(failed, failure, "add");
    return true;
}

// Gone from every server that answers. (Two requests removing the same key at once can both be told
// true only when its copies were on two servers and each found one.)
bool Cache::remove(std::string_view key) {
    check_key(key);
    memcached_st* failed = nullptr;
    memcached_return_t failure = MEMCACHED_SUCCESS;
    bool asked = false, removed = false;
    for (const std::uint32_t n : servers_of(key)) {
        memcached_st* mc = nodes_[n].get();
        const memcached_return_t rc = once_more_if_lost([&] { return memcached_delete(mc, key.data(), key.size(), 0); });
        if (rc == MEMCACHED_SUCCESS) asked = removed = true;
        else if (rc == MEMCACHED_NOTFOUND) asked = true;
        else failed = mc, failure = rc;
    }
    if (!asked) unavailable(failed, failure, "delete");
    return removed;
}

std::uint64_t Cache::increment(std::string_view key, std::uint64_t by, std::int64_t ttl_seconds) {
    check_key(key);
    memcached_st* failed = nullptr;
    memcached_return_t failure = MEMCACHED_SUCCESS;
    std::optional<std::uint64_t> highest;
    for (const std::uint32_t n : servers_of(key)) {
        memcached_st* mc = nodes_[n].get();
        uint64_t value = 0;
        memcached_return_t rc = MEMCACHED_SUCCESS;
        // Two workers creating the same counter at once: one stores it, the other is told NOT_STORED
        // and simply increments the counter that now exists.
        for (int attempt = 0; attempt < 3; ++attempt) {
            rc = once_more_if_lost([&] {
                return memcached_increment_with_initial(mc, key.data(), key.size(), by, by,
                                                        static_cast<time_t>(ttl_seconds), &value);
            });
            if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) break;
        }
        if (rc == MEMCACHED_SUCCESS) highest = std::max(highest.value_or(0), static_cast<std::uint64_t>(value));
        else failed = mc, failure = rc;
    }
    if (!highest) unavailable(failed, failure, "increment");
    return *highest;
}

std::optional<Cache::Versioned> Cache::gets(std::string_view key) {
    check_key(key);
    const char* keys[] = {key.data()};
    const size_t lengths[] = {key.size()};
    memcached_st* failed = nullptr;
    memcached_return_t failure = MEMCACHED_SUCCESS;
    bool asked = false;
    for (const std::uint32_t n : servers_of(key)) {
        memcached_st* mc = nodes_[n].get();
        std::optional<Versioned> found;
        const memcached_return_t rc = once_more_if_lost([&] {
            found.reset();
            memcached_return_t got = memcached_mget(mc, keys, lengths, 1);
            if (got != MEMCACHED_SUCCESS) return got;
            // Read to the end of the answer, so the connection is clean for the next call, into a result
            // of our own: given nullptr, libmemcached allocates a fresh result whenever the handle's own
            // is in use (after any get) and frees only the last, so every value found leaked 352 bytes
            // (LeakSanitizer saw it in the command line).
            memcached_result_st result;
            if (!memcached_result_create(mc, &result)) return MEMCACHED_MEMORY_ALLOCATION_FAILURE;
            while (memcached_fetch_result(mc, &result, &got)) {
                found = Versioned{std::string(memcached_result_value(&result), memcached_result_length(&result)),
                                  memcached_result_cas(&result), n};
            }
            memcached_result_free(&result);
            return got == MEMCACHED_END || got == MEMCACHED_NOTFOUND ? MEMCACHED_SUCCESS : got;
        });
        if (found) return found;
        if (rc == MEMCACHED_SUCCESS) asked = true;
        else failed = mc, failure = rc;
    }
    if (asked) return std::nullopt;
    unavailable(failed, failure, "gets");
}

// On the server the version was read from; once it is swapped there, the other servers of the key get
// the new value too.
bool Cache::cas(std::string_view key, std::string_view value, std::int64_t ttl_seconds, const Versioned& read) {
    check_key(key);
    if (read.server >= nodes_.size()) throw std::invalid_argument("memcached cas: no such server");
    memcached_st* mc = nodes_[read.server].get();
    const memcached_return_t rc = once_more_if_lost([&] {
        return memcached_cas(mc, key.data(), key.size(), value.data(), value.size(), static_cast<time_t>(ttl_seconds),
                             0, read.version);
    });
    if (rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_NOTSTORED) return false;
    if (rc != MEMCACHED_SUCCESS) {
        if (replicas_ > 0) return false;  // gone meanwhile: read again, from a replica
        unavailable(mc, rc, "cas");
    }
    for (const std::uint32_t n : servers_of(key)) {
        if (n == read.server) continue;
        memcached_st* other = nodes_[n].get();
        once_more_if_lost([&] {
            return memcached_set(other, key.data(), key.size(), value.data(), value.size(),
                                 static_cast<time_t>(ttl_seconds), 0);
        });
    }
    return true;
}

// A real round trip to every server. Not memcached_version(): libmemcached asks each server its
// version once and then answers from memory, so a server that died after the first ping would
// still look alive.
std::vector<bool> Cache::answering() {
    static constexpr std::string_view kProbe = "gatehouse:ping";
    std::vector<bool> out;
    for (const Handle& node : nodes_) {
        memcached_st* mc = node.get();
        size_t length = 0;
        uint32_t flags = 0;
        char* value = nullptr;
        const memcached_return_t rc = once_more_if_lost([&] {
            memcached_return_t got;
            value = memcached_get(mc, kProbe.data(), kProbe.size(), &length, &flags, &got);
            return got;
        });
        free(value);
        out.push_back(answered(rc));
    }
    return out;
}

bool Cache::ping() {
    const auto up = answering();
    return std::all_of(up.begin(), up.end(), [](bool b) { return b; });
}

bool Cache::every_key_has_a_copy() {
    const auto up = answering();
    const std::size_t count = up.size();
    for (std::size_t first = 0; first < count; ++first) {
        bool copy = false;
        for (std::size_t n = 0; n <= replicas_; ++n) copy = copy || up[(first + n) % count];
        if (!copy) return false;
    }
    return true;
}

}  // namespace gatehouse::store
