// SPDX-License-Identifier: Apache-2.0
// OWASP API8:2023 Security Misconfiguration, for restd.
//
// What the deployment itself must get right, checked on the running stack:
// - the security headers of the contract are on every kind of response
//   (success, restd's errors, nginx's own errors, the docs page, metrics);
//   no server version; HSTS over HTTPS;
// - methods nobody routes (TRACE, CONNECT) are 405 envelopes with Allow;
//   nginx's own 400s (two Authorization headers, %00 in the path) are
//   envelopes whose code the OpenAPI document lists;
// - only the documented content types are parsed: a lookalike JSON type or
//   a charset other than UTF-8 is 415, never parsed as JSON;
// - errors leak no internals (no exception text, SQL, file paths or
//   library names) and CORS trusts only the configured origins.
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

// The error codes the OpenAPI document names (in its text, schemas or description).
bool documentedCode(const std::string& code) {
    static const std::string document = send("GET", "/api/v1/openapi.json").body;
    return !code.empty() && document.find(code) != std::string::npos;
}

void checkNoInternals(const HttpResponse& response) {
    for (const char* leak : {"rapidjson", "RapidJSON", "sql", "SQL", "mysql", "MariaDB", "/src/",
                             ".cpp", "exception", "std::", "what()"}) {
        BOOST_CHECK_MESSAGE(response.body.find(leak) == std::string::npos,
                            "the error mentions '" << leak << "': " << response.summary());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api08_security_misconfiguration)

BOOST_AUTO_TEST_CASE(security_headers_are_on_every_kind_of_response) {
    Account user = registerAccount("a8h");
    struct Case {
        std::string method;
        std::string path;
        std::string token;
        long status;
    };
    const std::vector<Case> cases = {
        {"GET", "/health", {}, 200},
        {"GET", "/metrics", {}, 200},
        {"GET", "/api/v1/openapi.json", {}, 200},
        {"GET", "/api/v1/posts", user.token, 200},
        {"GET", "/api/v1/posts", {}, 401},
        {"DELETE", "/api/v1/products/1", user.token, 403},
        {"GET", "/api/v1/nope", {}, 404},
        {"POST", "/health", {}, 405},
        {"GET", "/docs/", {}, 200},
    };
    for (const Case& c : cases) {
        HttpResponse response = send(c.method, c.path, c.token);
        BOOST_TEST_CONTEXT(c.method << " " << c.path) {
            checkStatus(response, c.status);
            if (c.path == "/docs/") {
                // The docs page has its own policy for its scripts and styles.
                BOOST_CHECK(response.hasHeader("Content-Security-Policy"));
                BOOST_CHECK_EQUAL(response.header("X-Frame-Options").value_or(""), "DENY");
                BOOST_CHECK_EQUAL(response.header("X-Content-Type-Options").value_or(""),
                                  "nosniff");
            } else {
                checkSecurityHeaders(response, false);
            }
        }
    }
    checkSecurityHeaders(request("GET", stack().httpsUrl("/health")), true);
}

BOOST_AUTO_TEST_CASE(trace_and_connect_are_405_envelopes_with_allow) {
    for (const std::string method : {"TRACE", "CONNECT"}) {
        HttpResponse response = request(method, stack().url("/api/v1/posts"));
        BOOST_TEST_CONTEXT(method) {
            checkError(response, 405, "METHOD_NOT_ALLOWED");
            BOOST_CHECK_MESSAGE(response.hasHeader("Allow"), "405 without Allow");
            BOOST_CHECK(!response.headerHasToken("Allow", method));
        }
    }
}

BOOST_AUTO_TEST_CASE(nginx_400s_are_envelopes_with_a_documented_code) {
    Account user = registerAccount("a8b");
    std::vector<HttpResponse> responses = {
        request("GET", stack().url("/api/v1/posts"),
                {bearer(user.token), "Authorization: Bearer other"}),
        request("GET", stack().url("/api/v1/posts%00")),
    };
    for (const HttpResponse& response : responses) {
        BOOST_TEST_CONTEXT(response.summary()) {
            checkStatus(response, 400);
            std::string code = jsonString(json(response.body), "code");
            BOOST_CHECK_MESSAGE(documentedCode(code), "code '" << code << "' is not documented");
            BOOST_CHECK_MESSAGE(response.body.find("\"success\":false") != std::string::npos,
                                "not an envelope");
        }
    }
}

BOOST_AUTO_TEST_CASE(only_the_documented_content_types_are_parsed) {
    const std::string json = object({{"refreshToken", str(std::string(64, 'c'))}});
    for (const std::string type :
         {"application/evil+json", "application/json-patch+json", "text/json",
          "application/json; charset=utf-16", "application/x-www-form-urlencoded; charset=utf-16",
          "text/plain"}) {
        HttpResponse response = sendRaw(
            "POST", "/api/v1/auth/logout", {}, type,
            type.find("form") != std::string::npos ? "refreshToken=" + std::string(64, 'c') : json);
        BOOST_TEST_CONTEXT(type) { checkError(response, 415, "UNSUPPORTED_MEDIA_TYPE"); }
    }
    // The documented ones are parsed (logout is 200 for an unknown token).
    checkSuccess(
        sendRaw("POST", "/api/v1/auth/logout", {}, "application/json; charset=utf-8", json), 200);
    checkSuccess(sendRaw("POST", "/api/v1/auth/logout", {}, "application/x-www-form-urlencoded",
                         "refreshToken=" + std::string(64, 'c')),
                 200);
}

BOOST_AUTO_TEST_CASE(errors_leak_no_internals) {
    Account user = registerAccount("a8e");
    std::vector<HttpResponse> responses = {
        sendRaw("POST", "/api/v1/posts", user.token, "application/json", "{\"title\": tru"),
        sendRaw("POST", "/api/v1/posts", user.token, "application/json", "[1,2"),
        send("GET", "/api/v1/posts?sort=passwordHash", user.token),
        send("GET", "/api/v1/posts/99999999999999999999999", user.token),
        send("GET", "/api/v1/users?search=%27%20OR%201%3D1%20--", user.token),
        send("POST", "/api/v1/posts", user.token, object({{"title", "[]"}, {"body", "{}"}})),
    };
    for (const HttpResponse& response : responses) {
        BOOST_TEST_CONTEXT(response.summary()) {
            BOOST_CHECK(response.status < 500);
            checkNoInternals(response);
        }
    }
}

BOOST_AUTO_TEST_CASE(cors_trusts_only_the_configured_origins) {
    for (const std::string origin :
         {"http://evil.example", "null", "http://localhost:3000.evil.example",
          "http://evil.localhost:3000"}) {
        HttpResponse response = request("GET", stack().url("/health"), {"Origin: " + origin});
        BOOST_TEST_CONTEXT(origin) {
            BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Origin"));
            BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Credentials"));
        }
    }
    HttpResponse allowed =
        request("GET", stack().url("/health"), {"Origin: http://localhost:3000"});
    BOOST_CHECK_EQUAL(allowed.header("Access-Control-Allow-Origin").value_or(""),
                      "http://localhost:3000");
}

BOOST_AUTO_TEST_SUITE_END()
