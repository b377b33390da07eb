// SPDX-License-Identifier: Apache-2.0
#include "http/etag.h"

#include <boost/test/unit_test.hpp>

#include "http/response.h"

using namespace restd::http;

BOOST_AUTO_TEST_SUITE(http_etag)

BOOST_AUTO_TEST_CASE(tag_is_a_quoted_hash_that_changes_with_the_body) {
    std::string tag = etagOf(R"({"success":true,"data":1})");
    BOOST_TEST(tag.size() == 34u);
    BOOST_TEST(tag.front() == '"');
    BOOST_TEST(tag.back() == '"');
    BOOST_TEST(tag == etagOf(R"({"success":true,"data":1})"));
    BOOST_TEST(tag != etagOf(R"({"success":true,"data":2})"));
    // SHA-256("") starts e3b0c442 98fc1c14 9afbf4c8 996fb924.
    BOOST_TEST(etagOf("") == "\"e3b0c44298fc1c149afbf4c8996fb924\"");
}

BOOST_AUTO_TEST_CASE(if_none_match_compares_weakly_over_a_list) {
    const std::string tag = "\"abc\"";
    BOOST_TEST(noneMatchHits("\"abc\"", tag));
    BOOST_TEST(noneMatchHits("W/\"abc\"", tag));
    BOOST_TEST(noneMatchHits("\"x\", \"abc\"", tag));
    BOOST_TEST(noneMatchHits("\"a,b\",\"abc\"", tag));  // a comma inside a tag
    BOOST_TEST(noneMatchHits(" * ", tag));
    BOOST_TEST(!noneMatchHits("\"abd\"", tag));
    BOOST_TEST(!noneMatchHits("abc", tag));  // unquoted: not a tag
    BOOST_TEST(!noneMatchHits("", tag));
    BOOST_TEST(!noneMatchHits("\"abc", tag));  // unterminated
}

BOOST_AUTO_TEST_CASE(if_match_compares_strongly) {
    const std::string tag = "\"abc\"";
    BOOST_TEST(ifMatchHolds("\"abc\"", tag));
    BOOST_TEST(ifMatchHolds("\"x\" ,\"abc\"", tag));
    BOOST_TEST(ifMatchHolds("*", tag));
    BOOST_TEST(!ifMatchHolds("W/\"abc\"", tag));
    BOOST_TEST(!ifMatchHolds("\"ABC\"", tag));
    BOOST_TEST(!ifMatchHolds("", tag));
}

BOOST_AUTO_TEST_CASE(render_data_equals_the_body_send_data_writes) {
    auto write = [](JsonWriter& w) {
        w.StartObject();
        w.Key("id");
        w.Int(7);
        w.EndObject();
    };
    Response res;
    res.sendData(200, write);
    BOOST_TEST(renderData(write) == std::string(res.body()));
    BOOST_TEST(etagOf(renderData(write)) == etagOf(res.body()));
}

BOOST_AUTO_TEST_SUITE_END()
