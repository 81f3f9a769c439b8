#define BOOST_TEST_MODULE gatehouse_e2e
#include <boost/test/unit_test.hpp>

#include "stack.hpp"

// The shared stack (started by the first test that asks for it) stops when the run ends.
struct SharedStackTeardown {
    ~SharedStackTeardown() { gatehouse::e2e::stop_shared_stack(); }
};
BOOST_TEST_GLOBAL_FIXTURE(SharedStackTeardown);
