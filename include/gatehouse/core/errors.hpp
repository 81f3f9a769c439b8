#pragma once
#include <stdexcept>

namespace gatehouse::core {

// An infrastructure failure (database or memcached unreachable, disk full…): the request is
// answered 503 with Retry-After at the top of the worker, and the worker lives on.
struct Unavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace gatehouse::core
