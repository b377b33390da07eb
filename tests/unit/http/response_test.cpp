// SPDX-License-Identifier: Apache-2.0
#include "http/response.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>

using namespace restd::http;

namespace {
rapidjson::Document parse(std::string_view body) {
    rapidjson::Document d;
    d.Parse(body.data(), body.size());
    BOOST_REQUIRE(!d.HasParseError());
    return d;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(http_response)

BOOST_AUTO_TEST_CASE(success_envelope_carries_data_and_message) {
    Response res;
    res.sendData(
        201,
        [](JsonWriter& w) {
            w.StartObject();
            w.Key("id");
            w.Int(5);
            w.EndObject();
        },
        "Created");
    BOOST_TEST(res.status() == 201);
    BOOST_TEST(res.contentType() == "application/json; charset=utf-8");
    auto d = parse(res.body());
    BOOST_TEST(d["success"].GetBool() == true);
    BOOST_TEST(d["data"]["id"].GetInt() == 5);
    BOOST_TEST(d["message"].GetString() == std::string("Created"));
}

BOOST_AUTO_TEST_CASE(list_envelope_carries_meta) {
    Response res;
    res.sendList(
        [](JsonWriter& w) {
            w.StartArray();
            w.EndArray();
        },
        [](JsonWriter& w) {
            w.StartObject();
            w.Key("total");
            w.Int(0);
            w.EndObject();
        });
    auto d = parse(res.body());
    BOOST_TEST(d["data"].IsArray());
    BOOST_TEST(d["meta"]["total"].GetInt() == 0);
}

BOOST_AUTO_TEST_CASE(error_envelope_lists_details_request_id_and_headers) {
    Response res;
    ApiError err = ApiError::validation(
        {{"email", "Please provide a valid email", "body"}, {"email", "Too long", "body"}});
    err.withHeader("X-Extra", "1");
    res.sendError(err, "req-1");
    BOOST_TEST(res.status() == 400);
    auto d = parse(res.body());
    BOOST_TEST(d["success"].GetBool() == false);
    BOOST_TEST(d["code"].GetString() == std::string("VALIDATION_ERROR"));
    BOOST_TEST(d["requestId"].GetString() == std::string("req-1"));
    BOOST_REQUIRE(d["details"].Size() == 2u);
    BOOST_TEST(d["details"][1]["message"].GetString() == std::string("Too long"));
    BOOST_TEST(d["details"][0]["location"].GetString() == std::string("body"));
    BOOST_TEST(res.header("x-extra").value_or("") == "1");
}

BOOST_AUTO_TEST_CASE(strings_are_escaped_by_the_writer) {
    Response res;
    res.sendError(ApiError::notFound("Cannot GET /\"</script>\n"), "id");
    auto d = parse(res.body());
    BOOST_TEST(d["error"].GetString() == std::string("Cannot GET /\"</script>\n"));
}

BOOST_AUTO_TEST_CASE(reset_and_reuse_leave_no_trace_of_the_previous_reply) {
    Response res;
    res.setHeader("Allow", "GET");
    res.sendError(ApiError::notFound("x"), "a");
    res.reset();
    res.sendData(200, [](JsonWriter& w) { w.Null(); });
    BOOST_TEST(!res.header("Allow"));
    BOOST_TEST(res.body() == R"({"success":true,"data":null})");
}

BOOST_AUTO_TEST_CASE(set_header_replaces_case_insensitively) {
    Response res;
    res.setHeader("Vary", "Origin");
    res.setHeader("vary", "Accept");
    BOOST_TEST(res.headers().size() == 1u);
    BOOST_TEST(res.header("VARY").value_or("") == "Accept");
}

BOOST_AUTO_TEST_SUITE_END()
