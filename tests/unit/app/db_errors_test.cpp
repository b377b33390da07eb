// SPDX-License-Identifier: Apache-2.0
// How a database failure reaches the client: the HTTP contract of each kind.
#include "app/db_errors.h"

#include <boost/test/unit_test.hpp>
#include <string>

using namespace restd::db;
using restd::app::apiErrorOf;

BOOST_AUTO_TEST_SUITE(app_db_errors)

BOOST_AUTO_TEST_CASE(maps_kinds_to_the_http_contract) {
    BOOST_TEST(apiErrorOf(Error(ErrorKind::Duplicate, 1062, "dup")).status() == 409);
    BOOST_TEST(apiErrorOf(Error(ErrorKind::Duplicate, 1062, "dup")).code() == "CONFLICT");
    BOOST_TEST(apiErrorOf(Error(ErrorKind::ForeignKey, 1452, "fk")).status() == 409);
    auto unavailable = apiErrorOf(Error(ErrorKind::Unavailable, 2006, "gone"));
    BOOST_TEST(unavailable.status() == 503);
    BOOST_TEST(unavailable.code() == "SERVICE_UNAVAILABLE");
    BOOST_REQUIRE(!unavailable.headers().empty());
    BOOST_TEST(unavailable.headers()[0].first == "Retry-After");
    BOOST_TEST(apiErrorOf(Error(ErrorKind::Deadlock, 1213, "dl")).status() == 503);
    auto readOnly = apiErrorOf(Error(ErrorKind::ReadOnly, 1290, "read-only"));
    BOOST_TEST(readOnly.status() == 503);
    BOOST_TEST(readOnly.code() == "SERVICE_UNAVAILABLE");
    BOOST_TEST(std::string(readOnly.what()).find("read-only") != std::string::npos);
    BOOST_REQUIRE(!readOnly.headers().empty());
    BOOST_TEST(readOnly.headers()[0].first == "Retry-After");
    BOOST_TEST(apiErrorOf(Error(ErrorKind::Other, 1064, "syntax")).status() == 500);
}

BOOST_AUTO_TEST_CASE(never_leaks_the_server_message) {
    auto e = apiErrorOf(Error(ErrorKind::Other, 1064, "You have an error in your SQL syntax"));
    BOOST_TEST(std::string(e.what()).find("SQL") == std::string::npos);
    auto d = apiErrorOf(Error(ErrorKind::Duplicate, 1062, "Duplicate entry 'a@b' for key 'uq'"));
    BOOST_TEST(std::string(d.what()).find("a@b") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_session_loss_makes_a_connection_unusable) {
    BOOST_TEST(Error(ErrorKind::Unavailable, 2006, "").connectionLost());
    BOOST_TEST(Error(ErrorKind::Unavailable, 2013, "").connectionLost());
    BOOST_TEST(!Error(ErrorKind::Duplicate, 1062, "").connectionLost());
    BOOST_TEST(!Error(ErrorKind::Unavailable, 0, "pool exhausted").connectionLost());
}

BOOST_AUTO_TEST_CASE(list_limits_and_cursors_are_the_clients_to_fix_or_retry) {
    auto search = apiErrorOf(Error(ErrorKind::SearchTimeout, 1969, "slow", 2000));
    BOOST_TEST(search.status() == 400);
    BOOST_REQUIRE(search.details().size() == 1u);
    BOOST_TEST(search.details()[0].field == "search");
    BOOST_TEST(search.details()[0].message.find("(2000 ms)") != std::string::npos);
    auto list = apiErrorOf(Error(ErrorKind::ListTimeout, 1969, "slow", 1500));
    BOOST_TEST(list.status() == 503);
    BOOST_TEST(std::string(list.what()) ==
               "The list took longer than a list may (1500 ms), retry shortly");
    auto cursor = apiErrorOf(Error(ErrorKind::BadCursor, 0, "bad"));
    BOOST_TEST(cursor.status() == 400);
    BOOST_REQUIRE(cursor.details().size() == 1u);
    BOOST_TEST(cursor.details()[0].field == "cursor");
    BOOST_TEST(cursor.details()[0].location == "query");
}

BOOST_AUTO_TEST_SUITE_END()
