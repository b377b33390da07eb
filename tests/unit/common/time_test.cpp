// SPDX-License-Identifier: Apache-2.0
#include "common/time.h"

#include <boost/test/unit_test.hpp>

using namespace restd::common;

BOOST_AUTO_TEST_SUITE(common_time)

BOOST_AUTO_TEST_CASE(formats_utc_with_milliseconds) {
    std::chrono::system_clock::time_point t{std::chrono::milliseconds(1795390485123LL)};
    BOOST_TEST(isoTime(t) == "2026-11-22T23:34:45.123Z");
    BOOST_TEST(isoTime(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(a_thread_reformats_when_the_second_changes) {
    using std::chrono::milliseconds;
    std::chrono::system_clock::time_point t{milliseconds(1795390485999LL)};
    BOOST_TEST(isoTime(t) == "2026-11-22T23:34:45.999Z");
    BOOST_TEST(isoTime(t + milliseconds(1)) == "2026-11-22T23:34:46.000Z");
    BOOST_TEST(isoTime(t - milliseconds(999)) == "2026-11-22T23:34:45.000Z");
    BOOST_TEST(isoTime(t + milliseconds(86400000)) == "2026-11-23T23:34:45.999Z");
    BOOST_TEST(isoTime(std::chrono::system_clock::time_point{} - milliseconds(1)) ==
               "1969-12-31T23:59:59.999Z");
    char out[kIsoTimeSize];
    formatIsoTime(t, out);
    BOOST_TEST(std::string(out, sizeof out) == "2026-11-22T23:34:45.999Z");
}

BOOST_AUTO_TEST_CASE(converts_mariadb_datetime) {
    BOOST_TEST(isoFromSql("2026-11-22 23:34:45.123") == "2026-11-22T23:34:45.123Z");
    BOOST_TEST(isoFromSql("2026-11-22 23:34:45") == "2026-11-22T23:34:45.000Z");
    BOOST_TEST(isoFromSql("2026-11-22 23:34:45.1") == "2026-11-22T23:34:45.100Z");
    // DATE_FORMAT's %f: microseconds, cut to milliseconds.
    BOOST_TEST(isoFromSql("2026-11-22 23:34:45.123999") == "2026-11-22T23:34:45.123Z");
}

BOOST_AUTO_TEST_SUITE_END()
