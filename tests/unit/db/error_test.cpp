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
    BOOST_TEST((classify(1969) == ErrorKind::Timeout));
    BOOST_TEST((classify(1064) == ErrorKind::Other));
}

BOOST_AUTO_TEST_SUITE_END()
