// SPDX-License-Identifier: Apache-2.0
// Unit test module: pure code (parsers, router, config, envelope, error
// mapping), no database and no network.
#define BOOST_TEST_MODULE restd_unit
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
