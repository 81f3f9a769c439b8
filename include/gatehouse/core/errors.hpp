#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gatehouse::core {

// What was unavailable, for the error counters of /metrics.
enum class Backend : std::uint8_t { Other, Sqlite, Memcached, Postgresql };

// An infrastructure failure (database or memcached unreachable, disk full…): the request is
// answered 503 with Retry-After at the top of the worker, and the worker lives on.
struct Unavailable : std::runtime_error {
    Unavailable(Backend backend_, const std::string& what) : std::runtime_error(what), backend(backend_) {}
    explicit Unavailable(const std::string& what) : Unavailable(Backend::Other, what) {}

    Backend backend;
};

}  // namespace gatehouse::core
