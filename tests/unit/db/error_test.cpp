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

BOOST_AUTO_TEST_CASE(maps_kinds_to_the_http_contract) {
    BOOST_TEST(toApiError(Error(ErrorKind::Duplicate, 1062, "dup")).status() == 409);
    BOOST_TEST(toApiError(Error(ErrorKind::Duplicate, 1062, "dup")).code() == "CONFLICT");
    BOOST_TEST(toApiError(Error(ErrorKind::ForeignKey, 1452, "fk")).status() == 409);
    auto unavailable = toApiError(Error(ErrorKind::Unavailable, 2006, "gone"));
    BOOST_TEST(unavailable.status() == 503);
    BOOST_TEST(unavailable.code() == "SERVICE_UNAVAILABLE");
    BOOST_REQUIRE(!unavailable.headers().empty());
    BOOST_TEST(unavailable.headers()[0].first == "Retry-After");
    BOOST_TEST(toApiError(Error(ErrorKind::Deadlock, 1213, "dl")).status() == 503);
    BOOST_TEST(toApiError(Error(ErrorKind::Other, 1064, "syntax")).status() == 500);
}

BOOST_AUTO_TEST_CASE(never_leaks_the_server_message) {
    auto e = toApiError(Error(ErrorKind::Other, 1064, "You have an error in your SQL syntax"));
    BOOST_TEST(std::string(e.what()).find("SQL") == std::string::npos);
    auto d = toApiError(Error(ErrorKind::Duplicate, 1062, "Duplicate entry 'a@b' for key 'uq'"));
    BOOST_TEST(std::string(d.what()).find("a@b") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_session_loss_makes_a_connection_unusable) {
    BOOST_TEST(Error(ErrorKind::Unavailable, 2006, "").connectionLost());
    BOOST_TEST(Error(ErrorKind::Unavailable, 2013, "").connectionLost());
    BOOST_TEST(!Error(ErrorKind::Duplicate, 1062, "").connectionLost());
    BOOST_TEST(!Error(ErrorKind::Unavailable, 0, "pool exhausted").connectionLost());
}

BOOST_AUTO_TEST_SUITE_END()
