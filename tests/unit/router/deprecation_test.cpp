// SPDX-License-Identifier: Apache-2.0
#include "router/deprecation.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

using namespace restd::router;

namespace {

std::map<std::string, std::string> headersOf(const Deprecation& d) {
    std::map<std::string, std::string> out;
    for (auto& [name, value] : deprecationHeaders(d)) out[name] = value;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(deprecation)

BOOST_AUTO_TEST_CASE(a_route_that_is_not_deprecated_sends_none_of_the_headers) {
    BOOST_TEST(deprecationHeaders(Deprecation{}).empty());
}

BOOST_AUTO_TEST_CASE(a_deprecated_route_sends_the_date_the_sunset_and_its_successor) {
    auto h = headersOf({.since = 1767225600, .sunset = 1798761600, .successor = "/api/v2/users"});
    BOOST_TEST(h.size() == 3u);
    BOOST_TEST(h["Deprecation"] == "@1767225600");               // 2026-01-01T00:00:00Z
    BOOST_TEST(h["Sunset"] == "Fri, 01 Jan 2027 00:00:00 GMT");  // IMF-fixdate
    BOOST_TEST(h["Link"] ==
               "</api/v2/users>; rel=\"successor-version\", </docs/>; rel=\"deprecation\"");
}

BOOST_AUTO_TEST_CASE(without_a_sunset_or_successor_only_what_is_known_is_sent) {
    auto h = headersOf({.since = 86400});
    BOOST_TEST(h.size() == 2u);
    BOOST_TEST(h["Deprecation"] == "@86400");
    BOOST_TEST(!h.contains("Sunset"));
    BOOST_TEST(h["Link"] == "</docs/>; rel=\"deprecation\"");
}

BOOST_AUTO_TEST_SUITE_END()
