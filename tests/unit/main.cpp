#define BOOST_TEST_MODULE gatehouse_unit
#include <boost/test/unit_test.hpp>
