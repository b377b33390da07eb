// SPDX-License-Identifier: Apache-2.0
// OWASP API10:2023 Unsafe Consumption of APIs, for restd.
//
// restd consumes no third-party API. Its only upstream is MariaDB, and the
// item's risk is the same there: data that comes back from the upstream
// must not be trusted to be well-formed for the response it goes into.
// restd never splices a value into a response; every string it reads from
// the database goes through the JSON writer. This suite proves it with
// values the API would accept (quotes, backslashes, an envelope lookalike,
// HTML, SQL, U+2028) and with values written straight into the database
// behind the API's back, as a compromised or buggy upstream would (control
// characters, a NUL, text no validation rule allows): the response is valid
// JSON, its envelope keeps exactly its members, and the value comes back
// byte for byte, escaped.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/owasp.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace restd::test::owasp;

namespace {

const std::vector<std::string> kPostMembers = {"author", "authorId",  "body",  "createdAt",
                                               "id",     "published", "title", "updatedAt"};

// The body parses as JSON, and the envelope is exactly {success, data} with
// the post's documented members.
void checkIntactPostEnvelope(const HttpResponse& response) {
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_REQUIRE_MESSAGE(!body.HasParseError() && body.IsObject(),
                          "not JSON: " << response.summary());
    BOOST_CHECK(memberNames(&body) == (std::vector<std::string>{"data", "success"}));
    BOOST_CHECK(memberNames(jsonAt(body, "data")) == kPostMembers);
}

// A hex literal of the bytes, for SQL (no quoting of the value at all).
std::string hexLiteral(const std::string& bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "X'";
    for (unsigned char c : bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out + "'";
}

// Removes an account (and its posts) whose rows were written behind the API's
// back, so that no later suite meets values no validation rule allows.
void removeAccount(const Account& account) {
    checkSuccess(send("DELETE", userPath(account.id), admin().token), 200);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api10_unsafe_consumption)

BOOST_AUTO_TEST_CASE(hostile_strings_stored_through_the_api_come_back_escaped) {
    Account author = registerAccount("a10");
    const std::vector<std::string> values = {
        R"(","success":false,"code":"INTERNAL_ERROR","x":")",
        R"(\"}]}{"data":)",
        "</script><script>alert(1)</script>",
        "'; DROP TABLE posts; --",
        "line\nbreak\ttab \\ backslash",
        "line\xE2\x80\xA8separator",  // U+2028: valid JSON, breaks naive JavaScript
        "\xF0\x9F\x98\x80 \"quoted\" emoji",
    };
    for (const std::string& value : values) {
        BOOST_TEST_CONTEXT(value) {
            const int64_t id = createPost(author, value, true, value);
            HttpResponse response = send("GET", postPath(id), author.token);
            checkIntactPostEnvelope(response);
            rapidjson::Document body = json(response.body);
            BOOST_CHECK_EQUAL(jsonString(body, "data.title"), value);
            BOOST_CHECK_EQUAL(jsonString(body, "data.body"), value);
        }
    }
    checkSuccess(send("GET", "/health"), 200);
}

BOOST_AUTO_TEST_CASE(values_written_behind_the_apis_back_are_escaped_on_the_way_out) {
    Account author = registerAccount("a10d");
    const int64_t id = createPost(author, "to be overwritten");
    // Bytes no validation rule lets in: C0 controls, DEL, a NUL, and an
    // envelope lookalike with a raw quote.
    const std::string hostile = std::string("a\x01\x08\x0B\x0C\x1F\x7F") + std::string(1, '\0') +
                                "\"},\"success\":false,\"z\":{\"";
    BOOST_REQUIRE(sql("UPDATE posts SET title = " + hexLiteral(hostile) +
                      ", body = " + hexLiteral(hostile) + " WHERE id = " + std::to_string(id)));
    for (const std::string& path :
         {postPath(id), "/api/v1/posts?authorId=" + std::to_string(author.id)}) {
        HttpResponse response = send("GET", path, author.token);
        BOOST_TEST_CONTEXT(path) {
            rapidjson::Document body = checkSuccess(response, 200);
            BOOST_REQUIRE_MESSAGE(!body.HasParseError(), "not JSON: " << response.summary());
            BOOST_CHECK(memberNames(&body).front() == "data");
            const rapidjson::Value* title =
                jsonAt(body, path == postPath(id) ? "data.title" : "data.0.title");
            BOOST_REQUIRE(title != nullptr && title->IsString());
            BOOST_CHECK(std::string(title->GetString(), title->GetStringLength()) == hostile);
            // Raw control bytes never reach the wire: the writer escaped them.
            bool rawControl = std::any_of(response.body.begin(), response.body.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x20;
            });
            BOOST_CHECK_MESSAGE(!rawControl, "a raw control byte in the response");
        }
    }
    removeAccount(author);
}

BOOST_AUTO_TEST_CASE(a_username_written_behind_the_apis_back_cannot_break_the_author_object) {
    Account author = registerAccount("a10u");
    const int64_t id = createPost(author, "Authored");
    const std::string hostile = "x\",\"role\":\"admin\",\"y\":\"\x02";
    BOOST_REQUIRE(sql("UPDATE users SET username = " + hexLiteral(hostile) +
                      " WHERE id = " + std::to_string(author.id)));
    HttpResponse response = send("GET", postPath(id), author.token);
    checkIntactPostEnvelope(response);
    rapidjson::Document body = json(response.body);
    BOOST_CHECK(memberNames(jsonAt(body, "data.author")) ==
                (std::vector<std::string>{"id", "username"}));
    BOOST_CHECK_EQUAL(jsonString(body, "data.author.username"), hostile);
    rapidjson::Document me = checkSuccess(send("GET", "/api/v1/auth/me", author.token), 200);
    BOOST_CHECK_EQUAL(jsonString(me, "data.role"), "user");
    BOOST_CHECK_EQUAL(jsonString(me, "data.username"), hostile);
    removeAccount(author);
}

BOOST_AUTO_TEST_SUITE_END()
