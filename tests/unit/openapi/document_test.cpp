// SPDX-License-Identifier: Apache-2.0
#include "openapi/document.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "app/route_table.h"
#include "http/api_error.h"
#include "http/error_code.h"

using namespace restd;
using router::Route;

namespace {

void noop(router::Context&) {}

Route documented() {
    return {
        .method = http::Method::Get,
        .path = "/x/{id}",
        .handle = noop,
        .doc = {
            .summary = "X", .tag = "x", .ok = 200, .errors = {404}, .data = &openapi::kDeleted}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(openapi_document)

BOOST_AUTO_TEST_CASE(the_route_table_is_fully_documented_and_every_route_appears) {
    std::string text;
    BOOST_REQUIRE_NO_THROW(text = openapi::buildDocument(app::routeTable()));
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    BOOST_REQUIRE(!doc.HasParseError());
    for (const Route& r : app::routeTable()) {
        std::string method(http::methodName(r.method));
        for (char& c : method) c = static_cast<char>(std::tolower(c));
        BOOST_TEST_CONTEXT(method << " " << r.path) {
            std::string path(r.path);
            BOOST_REQUIRE(doc["paths"].HasMember(path.c_str()));
            BOOST_REQUIRE(doc["paths"][path.c_str()].HasMember(method.c_str()));
            const auto& op = doc["paths"][path.c_str()][method.c_str()];
            BOOST_TEST(op.HasMember("security"));
            BOOST_TEST(op["security"].Size() == (r.auth == router::Auth::None ? 0u : 1u));
            BOOST_TEST(op.HasMember("requestBody") == (r.body != nullptr));
            BOOST_TEST(op["responses"].HasMember(std::to_string(r.doc.ok).c_str()));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_document_names_the_license_of_the_project) {
    rapidjson::Document doc;
    doc.Parse(openapi::buildDocument(app::routeTable()).c_str());
    BOOST_REQUIRE(!doc.HasParseError());
    BOOST_REQUIRE(doc["info"].HasMember("license"));
    BOOST_TEST(doc["info"]["license"]["identifier"].GetString() == std::string("Apache-2.0"));
    BOOST_TEST(doc["info"]["license"]["name"].GetString() == std::string("Apache 2.0"));
}

BOOST_AUTO_TEST_CASE(the_document_names_its_server_relative_to_where_it_was_fetched) {
    rapidjson::Document doc;
    doc.Parse(openapi::buildDocument(app::routeTable()).c_str());
    BOOST_REQUIRE(!doc.HasParseError());
    BOOST_REQUIRE(doc.HasMember("servers") && doc["servers"].IsArray());
    BOOST_REQUIRE_EQUAL(doc["servers"].Size(), 1u);
    BOOST_TEST(doc["servers"][0]["url"].GetString() == std::string("/"));
}

BOOST_AUTO_TEST_CASE(the_error_schema_lists_every_error_code_once) {
    rapidjson::Document doc;
    doc.Parse(openapi::buildDocument(app::routeTable()).c_str());
    BOOST_REQUIRE(!doc.HasParseError());
    const auto& code = doc["components"]["schemas"]["Error"]["properties"]["code"];
    BOOST_REQUIRE(code.HasMember("enum") && code["enum"].IsArray());
    std::set<std::string> listed;
    for (const auto& v : code["enum"].GetArray()) listed.insert(v.GetString());
    BOOST_TEST(listed.size() == code["enum"].Size(), "a code is listed twice");
    BOOST_TEST(listed.size() == http::kErrorCodes.size());
    for (const auto& c : http::kErrorCodes) {
        BOOST_TEST(listed.contains(std::string(c.name)), c.name << " is not in the enum");
    }
    // What ApiError writes is what the enum lists.
    BOOST_TEST(http::ApiError::conflict("x").code() == "CONFLICT");
    BOOST_TEST(http::ApiError::conflict("x").status() == 409);
    BOOST_TEST(http::ApiError(http::ErrorCode::TokenExpired, "x").status() == 401);
}

BOOST_AUTO_TEST_CASE(a_deprecated_route_is_marked_and_names_its_successor) {
    Route old = documented();
    old.deprecation = {.since = 1767225600, .sunset = 1798761600, .successor = "/x2/{id}"};
    rapidjson::Document doc;
    doc.Parse(openapi::buildDocument(std::span<const Route>(&old, 1)).c_str());
    BOOST_REQUIRE(!doc.HasParseError());
    const auto& op = doc["paths"]["/x/{id}"]["get"];
    BOOST_REQUIRE(op.HasMember("deprecated"));
    BOOST_TEST(op["deprecated"].GetBool());
    BOOST_TEST(std::string(op["description"].GetString()).find("`/x2/{id}`") != std::string::npos);

    rapidjson::Document current;
    current.Parse(openapi::buildDocument(app::routeTable()).c_str());
    for (const auto& path : current["paths"].GetObject())
        for (const auto& operation : path.value.GetObject())
            BOOST_TEST(!operation.value.HasMember("deprecated"), path.name.GetString());
}

BOOST_AUTO_TEST_CASE(an_undocumented_route_stops_the_build_of_the_document) {
    Route ok = documented();
    BOOST_CHECK_NO_THROW(openapi::buildDocument(std::span<const Route>(&ok, 1)));

    Route noSummary = documented();
    noSummary.doc.summary = {};
    BOOST_CHECK_THROW(openapi::buildDocument(std::span<const Route>(&noSummary, 1)),
                      std::logic_error);
    Route noData = documented();
    noData.doc.data = nullptr;
    BOOST_CHECK_THROW(openapi::buildDocument(std::span<const Route>(&noData, 1)), std::logic_error);
    Route oddStatus = documented();
    oddStatus.doc.errors = {418};
    BOOST_CHECK_THROW(openapi::buildDocument(std::span<const Route>(&oddStatus, 1)),
                      std::logic_error);
}

BOOST_AUTO_TEST_CASE(named_schemas_become_components_referenced_by_ref) {
    Route r = documented();
    std::string text = openapi::buildDocument(std::span<const Route>(&r, 1));
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    BOOST_TEST(doc["components"]["schemas"].HasMember("Deleted"));
    const auto& data = doc["paths"]["/x/{id}"]["get"]["responses"]["200"]["content"]
                          ["application/json"]["schema"]["properties"]["data"];
    BOOST_TEST(std::string(data["$ref"].GetString()) == "#/components/schemas/Deleted");
    BOOST_TEST(doc["paths"]["/x/{id}"]["get"]["parameters"][0]["in"].GetString() ==
               std::string("path"));
}

BOOST_AUTO_TEST_SUITE_END()
