#define BOOST_TEST_MODULE gatehouse_e2e
#include <boost/test/unit_test.hpp>
