// SPDX-License-Identifier: Apache-2.0
#include "db/error.h"

#include <boost/test/unit_test.hpp>

using namespace restd::db;

BOOST_AUTO_TEST_SUITE(db_error)

BOOST_AUTO_TEST_CASE(classifies_mariadb_error_numbers) {
    BOOST_TEST((classify(1062) == ErrorKind::Duplicate));
    BOOST_TEST((classify(1452) == ErrorKind::ForeignKey));
    BOOST_TEST((classify(1213) == ErrorKind::Deadlock));
    BOOST_TEST((classify(1205) == ErrorKind::Deadlock));
    BOOST_TEST((classify(2006) == ErrorKind::Unavailable));
    BOOST_TEST((classify(2013) == ErrorKind::Unavailable));
    BOOST_TEST((classify(2002) == ErrorKind::Unavailable));
    BOOST_TEST((classify(1040) == ErrorKind::Unavailable));
    BOOST_TEST((classify(1290) == ErrorKind::ReadOnly));
    BOOST_TEST((classify(1836) == ErrorKind::ReadOnly));
    BOOST_TEST((classify(1969) == ErrorKind::Timeout));
    BOOST_TEST((classify(1064) == ErrorKind::Other));
}

// A read-only server refuses writes on a connection that still serves reads:
// dropping it would make every refused write cost a reconnect.
BOOST_AUTO_TEST_CASE(a_read_only_server_leaves_the_connection_usable) {
    BOOST_TEST(!Error(classify(1290), 1290, "read-only").connectionLost());
    BOOST_TEST((classify(1290) != ErrorKind::Unavailable));
}

BOOST_AUTO_TEST_SUITE_END()
