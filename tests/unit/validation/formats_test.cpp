// SPDX-License-Identifier: Apache-2.0
// Text formats a resource owns (validation::TextFormat): the validator runs
// the resource's check and reports each rule it breaks, and the OpenAPI
// document states the format from the same declaration.
#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "http/api_error.h"
#include "http/body.h"
#include "openapi/document.h"
#include "router/route.h"
#include "validation/validator.h"

using namespace restd;
using validation::Kind;

namespace {

// A made-up format: 2-4 characters, no 'x', no 'y'; one message per broken rule.
void checkCode(std::string_view value, std::vector<std::string>& broken) {
    if (value.size() < 2 || value.size() > 4) broken.push_back("Code must be 2 to 4 characters");
    if (value.find('x') != std::string_view::npos) broken.push_back("Code must not contain x");
    if (value.find('y') != std::string_view::npos) broken.push_back("Code must not contain y");
}

const validation::TextFormat kCode{
    .check = checkCode, .minLength = 2, .maxLength = 4, .pattern = "^[^xy]{2,4}$"};
const validation::FieldRule kFields[] = {
    {.name = "code", .kind = Kind::Format, .required = true, .format = &kCode},
};
const validation::BodyRules kBody{kFields, validation::BodyMode::Create};

std::vector<http::FieldError> detailsOf(std::string_view json) {
    try {
        validation::validateBody(http::parseBody("application/json", json), kBody);
    } catch (const http::ApiError& e) {
        return e.details();
    }
    return {};
}

void noop(router::Context&) {}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation_formats)

BOOST_AUTO_TEST_CASE(a_value_in_the_format_passes_as_sent) {
    BOOST_TEST(detailsOf(R"({"code":"ab"})").empty());
    auto in =
        validation::validateBody(http::parseBody("application/json", R"({"code":" ab "})"), kBody);
    BOOST_TEST(*in.text("code") == " ab ");  // no trim unless the rule asks
}

BOOST_AUTO_TEST_CASE(each_rule_of_the_format_a_value_breaks_is_a_detail_naming_the_field) {
    auto details = detailsOf(R"({"code":"xyzzy"})");
    BOOST_REQUIRE(details.size() == 3u);
    BOOST_TEST(details[0].message == "Code must be 2 to 4 characters");
    BOOST_TEST(details[1].message == "Code must not contain x");
    BOOST_TEST(details[2].message == "Code must not contain y");
    for (const auto& d : details) {
        BOOST_TEST(d.field == "code");
        BOOST_TEST(d.location == "body");
    }
    // Still a text field: anything but a string is refused before the format.
    auto number = detailsOf(R"({"code":12})");
    BOOST_REQUIRE(number.size() == 1u);
    BOOST_TEST(number[0].message == "Must be a string");
}

BOOST_AUTO_TEST_CASE(the_openapi_document_states_the_format_from_the_same_declaration) {
    const router::Route route{.method = http::Method::Post,
                              .path = "/codes",
                              .body = &kBody,
                              .handle = noop,
                              .doc = {.summary = "Codes",
                                      .tag = "codes",
                                      .ok = 201,
                                      .errors = {400},
                                      .data = &openapi::kDeleted}};
    std::string text = openapi::buildDocument(std::span<const router::Route>(&route, 1));
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    BOOST_REQUIRE(!doc.HasParseError());
    const auto& code = doc["paths"]["/codes"]["post"]["requestBody"]["content"]["application/json"]
                          ["schema"]["properties"]["code"];
    BOOST_TEST(code["type"].GetString() == std::string("string"));
    BOOST_TEST(code["minLength"].GetInt64() == 2);
    BOOST_TEST(code["maxLength"].GetInt64() == 4);
    BOOST_TEST(code["pattern"].GetString() == std::string("^[^xy]{2,4}$"));
}

BOOST_AUTO_TEST_SUITE_END()
