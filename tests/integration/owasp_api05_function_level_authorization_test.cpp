// SPDX-License-Identifier: Apache-2.0
// OWASP API5:2023 Broken Function Level Authorization, for restd.
//
// The route x role matrix (owasp_route_role_matrix_test.cpp) pins who may
// call every operation of the route table. This suite proves that the
// function-level decision cannot be steered around:
// - the role comes from the database on every request, not from the token:
//   a correctly signed token that says `admin` for a plain user grants
//   nothing, and a demoted admin loses admin functions at once, with the
//   token it already holds;
// - no method-override header turns a POST into a DELETE or PUT;
// - path spellings (trailing slash, upper case, doubled or dotted segments,
//   encoded characters) reach the same authorization or no route at all;
// - /metrics stays loopback-only whatever forwarding headers claim.
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

const Account& plainUser() {
    static Account user = registerAccount("a5u");
    return user;
}

// The product still exists with its name (read as admin: no micro-cache).
void checkProductIntact(int64_t id, const std::string& name) {
    rapidjson::Document body = checkSuccess(send("GET", productPath(id), admin().token), 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.name"), name);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api05_function_level_authorization)

BOOST_AUTO_TEST_CASE(a_signed_token_claiming_admin_for_a_plain_user_grants_nothing) {
    const Account& user = plainUser();
    const int64_t ver = intAt(tokenPayload(user.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string claimsAdmin = mintToken(user.id, "admin", ver, now, now + 600);
    const int64_t product = createProduct("A5 product");

    checkError(send("POST", "/api/v1/products", claimsAdmin, productBody("A5 forged")), 403,
               "FORBIDDEN");
    checkError(send("DELETE", productPath(product), claimsAdmin), 403, "FORBIDDEN");
    checkError(send("POST", "/api/v1/users", claimsAdmin,
                    object({{"email", str(uniqueEmail("a5f"))},
                            {"username", str(uniqueName("a5f"))},
                            {"password", str(kPassword)},
                            {"role", str("admin")}})),
               403, "FORBIDDEN");
    checkProductIntact(product, "A5 product");
    rapidjson::Document me = checkSuccess(send("GET", "/api/v1/auth/me", claimsAdmin), 200);
    BOOST_CHECK_EQUAL(jsonString(me, "data.role"), "user");
}

BOOST_AUTO_TEST_CASE(a_demoted_admin_loses_admin_functions_with_the_token_it_holds) {
    Account formerAdmin = createAccount("admin", "a5d");
    const int64_t product = createProduct("A5 kept");
    checkSuccess(send("POST", "/api/v1/products", formerAdmin.token, productBody("A5 while admin")),
                 201);

    checkSuccess(
        send("PATCH", userPath(formerAdmin.id), admin().token, object({{"role", str("user")}})),
        200);
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"DELETE", productPath(product)}, {"DELETE", userPath(plainUser().id)}}) {
        HttpResponse response = send(method, path, formerAdmin.token);
        BOOST_TEST_CONTEXT(method << " " << path) {
            BOOST_CHECK_MESSAGE(response.status == 403 || response.status == 401,
                                "a demoted admin still may: " << response.summary());
        }
    }
    checkProductIntact(product, "A5 kept");
    checkSuccess(send("GET", "/api/v1/auth/me", plainUser().token), 200);
}

BOOST_AUTO_TEST_CASE(method_override_headers_never_change_the_method) {
    const int64_t product = createProduct("A5 override");
    const std::vector<std::string> overrides = {
        "X-HTTP-Method-Override: DELETE", "X-HTTP-Method: DELETE", "X-Method-Override: DELETE"};
    for (const Account* caller : {&plainUser(), &admin()}) {
        for (const std::string& header : overrides) {
            BOOST_TEST_CONTEXT(caller->role << " with " << header) {
                HttpResponse response =
                    send("POST", productPath(product), caller->token, "{}", {header});
                checkError(response, 405, "METHOD_NOT_ALLOWED");
            }
        }
    }
    // A GET that claims to be a DELETE is a read.
    checkSuccess(send("GET", productPath(product), plainUser().token, {},
                      {"X-HTTP-Method-Override: DELETE"}),
                 200);
    checkProductIntact(product, "A5 override");
}

BOOST_AUTO_TEST_CASE(other_spellings_of_an_admin_path_get_the_same_refusal_or_no_route) {
    const int64_t product = createProduct("A5 spelled");
    const std::string id = std::to_string(product);
    const std::vector<std::string> spellings = {
        "/api/v1/products/" + id + "/",    "/api/v1/Products/" + id,
        "/API/V1/PRODUCTS/" + id,          "/api/v1//products/" + id,
        "/api/v1/./products/" + id,        "/api/v1/users/../products/" + id,
        "/api/v1/products/%2e/" + id,      "/api/v1/products/" + id + "%2F",
        "/api/v1/products/" + id + ";a=b", "/api/v1/products/0" + id,
    };
    for (const std::string& path : spellings) {
        HttpResponse response = send("DELETE", path, plainUser().token);
        BOOST_TEST_CONTEXT("DELETE " << path) {
            BOOST_CHECK_MESSAGE(response.status == 403 || response.status == 404 ||
                                    response.status == 400 || response.status == 405,
                                "a plain user's DELETE got " << response.summary());
        }
    }
    checkProductIntact(product, "A5 spelled");
}

BOOST_AUTO_TEST_CASE(metrics_ignore_forwarding_headers_that_claim_loopback) {
    RequestOptions outside;
    outside.sourceAddress = "127.0.0.43";
    for (const std::string header :
         {"X-Forwarded-For: 127.0.0.1", "X-Real-IP: 127.0.0.1", "Forwarded: for=127.0.0.1"}) {
        BOOST_TEST_CONTEXT(header) {
            HttpResponse response = send("GET", "/metrics", admin().token, {}, {header}, outside);
            checkError(response, 403, "FORBIDDEN");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
