// SPDX-License-Identifier: Apache-2.0
// The route x role matrix (OWASP API1 and API5: object and function level
// authorization, checked everywhere at once). The expectation table below has
// one row per operation of restd's route table, read back from
// GET /api/v1/openapi.json (the document is generated from the route table),
// and one column per caller:
//
//   anonymous  no token
//   user       a plain user with no relation to the target (routes without
//              an owner concept)
//   owner      the owner of the target: the user itself for /users/{id}, the
//              author for posts (routes with an owner concept)
//   other      another plain user, not the owner (routes with an owner concept)
//   admin      an admin who does not own the target
//
// Each cell is the status a well-formed request gets (the OpenAPI document and README: "who may
// call each route"); kNa marks a column without meaning for that route. The suite fails when the
// document has an operation without a row, or a row names an operation the document no longer has,
// so no route can be added (or removed) without deciding who may call it. Cells that delete get a
// fresh target each, so no cell depends on another; HEAD is checked wherever GET is.
//
// /metrics has no token rule: nginx lets loopback clients only reach it. The
// tests run on loopback, so every caller from 127.0.0.1 gets 200; the same
// request from another address (127.0.0.2, still loopback to the kernel but
// not to nginx's allow list) gets 403.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <set>
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

constexpr int kNa = 0;

enum class Role { Anonymous, User, Owner, Other, Admin };
constexpr Role kRoles[] = {Role::Anonymous, Role::User, Role::Owner, Role::Other, Role::Admin};

const char* roleName(Role role) {
    switch (role) {
        case Role::Anonymous:
            return "anonymous";
        case Role::User:
            return "user";
        case Role::Owner:
            return "owner";
        case Role::Other:
            return "other user";
        case Role::Admin:
            return "admin";
    }
    return "?";
}

// The people of the matrix, made once for the suite.
struct Actors {
    Account user = registerAccount("mxu");
    Account owner = registerAccount("mxo");
    Account other = registerAccount("mxx");
    Account admin = createAccount("admin", "mxa");
    int64_t ownersPost = createPost(owner, "Matrix post of the owner");
    int64_t product = createProduct("Matrix product");

    // The token of a caller in a column; owner is the fixed owner account
    // unless a cell makes its own target.
    const std::string& token(Role role) const {
        static const std::string kNone;
        switch (role) {
            case Role::Anonymous:
                return kNone;
            case Role::User:
                return user.token;
            case Role::Owner:
                return owner.token;
            case Role::Other:
                return other.token;
            case Role::Admin:
                return admin.token;
        }
        return kNone;
    }
};

// One request of a cell.
struct Call {
    std::string path;
    std::string body;   // JSON, empty for none
    std::string token;  // bearer, empty for none
};

struct Row {
    std::string method;
    std::string path;  // as documented
    int expected[5];   // by Role, in kRoles order
    // Builds the request of one cell (fresh targets, fresh names).
    std::function<Call(Role)> call;
};

int expectedOf(const Row& row, Role role) { return row.expected[static_cast<int>(role)]; }

std::string codeFor(int status) {
    switch (status) {
        case 401:
            return "UNAUTHORIZED";
        case 403:
            return "FORBIDDEN";
        case 404:
            return "NOT_FOUND";
        default:
            return "";
    }
}

// The table. Fixed targets for reads and idempotent writes (PUT/PATCH send
// the values the target already has); DELETE and logout-all, which destroy
// the target or the caller's sessions, make fresh ones per cell.
std::vector<Row> table(const Actors& a) {
    auto fixed = [&a](std::string path, std::string body = {}) {
        return [&a, path, body](Role role) { return Call{path, body, a.token(role)}; };
    };
    // A write whose callers may only be the owner and admins: they send the
    // values the target already has, everyone else other values, so a
    // refused write that went through anyway shows (refused_writes_change_nothing).
    auto write = [&a](std::string path, std::string keep, std::string hijack) {
        return [&a, path, keep, hijack](Role role) {
            bool allowed = role == Role::Owner || role == Role::Admin;
            return Call{path, allowed ? keep : hijack, a.token(role)};
        };
    };
    const std::string hijackName = uniqueName("mxh");
    const std::string ownerPath = userPath(a.owner.id);
    const std::string postOfOwner = postPath(a.ownersPost);
    const std::string product = productPath(a.product);
    const std::string unknownRefresh = str(std::string(64, 'a'));

    return {
        // ---- operations ---------------------------------------------------
        {"GET", "/health", {200, 200, kNa, kNa, 200}, fixed("/health")},
        {"GET", "/ready", {200, 200, kNa, kNa, 200}, fixed("/ready")},
        {"GET", "/metrics", {200, 200, kNa, kNa, 200}, fixed("/metrics")},
        {"GET", "/api/v1/openapi.json", {200, 200, kNa, kNa, 200}, fixed("/api/v1/openapi.json")},

        // ---- auth -----------------------------------------------------------
        {"POST",
         "/api/v1/auth/register",
         {201, 201, kNa, kNa, 201},
         [&a](Role role) {
             std::string name = uniqueName("mxr");
             return Call{"/api/v1/auth/register",
                         object({{"email", str(name + "@example.com")},
                                 {"username", str(name)},
                                 {"password", str(kPassword)}}),
                         a.token(role)};
         }},
        {"POST",
         "/api/v1/auth/login",
         {200, 200, kNa, kNa, 200},
         [&a](Role role) {
             return Call{"/api/v1/auth/login",
                         object({{"email", str(a.user.email)}, {"password", str(kPassword)}}),
                         a.token(role)};
         }},
        {"POST",
         "/api/v1/auth/refresh",
         {200, 200, kNa, kNa, 200},
         [&a](Role role) {
             // A refresh token of its own per cell (a spent one would revoke the family).
             Account session = a.user;
             relogin(session);
             return Call{"/api/v1/auth/refresh",
                         object({{"refreshToken", str(session.refreshToken)}}), a.token(role)};
         }},
        {"POST",
         "/api/v1/auth/logout",
         {200, 200, kNa, kNa, 200},
         fixed("/api/v1/auth/logout", object({{"refreshToken", unknownRefresh}}))},
        {"POST",
         "/api/v1/auth/logout-all",
         {401, 200, kNa, kNa, 200},
         [](Role role) {
             // It revokes every token of the caller: a caller of its own.
             std::string token;
             if (role == Role::User) token = registerAccount("mxl").token;
             if (role == Role::Admin) token = createAccount("admin", "mxl").token;
             return Call{"/api/v1/auth/logout-all", {}, token};
         }},
        {"GET", "/api/v1/auth/me", {401, 200, kNa, kNa, 200}, fixed("/api/v1/auth/me")},

        // ---- users ----------------------------------------------------------
        {"GET", "/api/v1/users", {401, 200, kNa, kNa, 200}, fixed("/api/v1/users")},
        {"POST",
         "/api/v1/users",
         {401, 403, kNa, kNa, 201},
         [&a](Role role) {
             std::string name = uniqueName("mxn");
             return Call{"/api/v1/users",
                         object({{"email", str(name + "@example.com")},
                                 {"username", str(name)},
                                 {"password", str(kPassword)}}),
                         a.token(role)};
         }},
        {"GET", "/api/v1/users/{id}", {401, kNa, 200, 200, 200}, fixed(ownerPath)},
        {"PUT",
         "/api/v1/users/{id}",
         {401, kNa, 200, 403, 200},
         write(
             ownerPath,
             object({{"email", str(a.owner.email)}, {"username", str(a.owner.username)}}),
             object({{"email", str(hijackName + "@example.com")}, {"username", str(hijackName)}}))},
        {"PATCH",
         "/api/v1/users/{id}",
         {401, kNa, 200, 403, 200},
         write(ownerPath, object({{"username", str(a.owner.username)}}),
               object({{"username", str(hijackName)}}))},
        {"DELETE",
         "/api/v1/users/{id}",
         {401, kNa, 403, 403, 200},
         [&a](Role role) {
             if (role == Role::Owner) {
                 Account target = createAccount("user", "mxd");
                 return Call{userPath(target.id), {}, target.token};
             }
             return Call{userPath(createUserNoLogin("user", "mxd").id), {}, a.token(role)};
         }},
        {"GET", "/api/v1/users/{id}/posts", {401, kNa, 200, 200, 200}, fixed(ownerPath + "/posts")},

        // ---- posts ----------------------------------------------------------
        {"GET", "/api/v1/posts", {401, 200, kNa, kNa, 200}, fixed("/api/v1/posts")},
        {"POST",
         "/api/v1/posts",
         {401, 201, kNa, kNa, 201},
         fixed("/api/v1/posts", object({{"title", str("Matrix new post")}, {"body", str("B")}}))},
        {"GET", "/api/v1/posts/{id}", {401, kNa, 200, 200, 200}, fixed(postOfOwner)},
        {"PUT",
         "/api/v1/posts/{id}",
         {401, kNa, 200, 403, 200},
         write(postOfOwner,
               object({{"title", str("Matrix post of the owner")}, {"body", str("Body text")}}),
               object({{"title", str("Hijacked")}, {"body", str("Hijacked")}}))},
        {"PATCH",
         "/api/v1/posts/{id}",
         {401, kNa, 200, 403, 200},
         write(postOfOwner, object({{"title", str("Matrix post of the owner")}}),
               object({{"title", str("Hijacked")}}))},
        {"DELETE",
         "/api/v1/posts/{id}",
         {401, kNa, 200, 403, 200},
         [&a](Role role) {
             return Call{postPath(createPost(a.owner, "Matrix post to delete")), {}, a.token(role)};
         }},

        // ---- products -------------------------------------------------------
        {"GET", "/api/v1/products", {200, 200, kNa, kNa, 200}, fixed("/api/v1/products")},
        {"POST",
         "/api/v1/products",
         {401, 403, kNa, kNa, 201},
         [&a](Role role) {
             return Call{"/api/v1/products", productBody("Matrix new product"), a.token(role)};
         }},
        {"GET", "/api/v1/products/{id}", {200, 200, kNa, kNa, 200}, fixed(product)},
        {"PUT",
         "/api/v1/products/{id}",
         {401, 403, kNa, kNa, 200},
         [&a, product](Role role) {
             return Call{product, productBody(role == Role::Admin ? "Matrix product" : "Hijacked"),
                         a.token(role)};
         }},
        {"PATCH",
         "/api/v1/products/{id}",
         {401, 403, kNa, kNa, 200},
         [&a, product](Role role) {
             return Call{
                 product,
                 object({{"name", str(role == Role::Admin ? "Matrix product" : "Hijacked")}}),
                 a.token(role)};
         }},
        {"DELETE",
         "/api/v1/products/{id}",
         {401, 403, kNa, kNa, 200},
         [&a](Role role) {
             return Call{productPath(createProduct("Matrix product to delete")), {}, a.token(role)};
         }},
    };
}

// The single shared set of actors (registering costs auth-zone requests).
Actors& actors() {
    static Actors a;
    return a;
}

HttpResponse perform(const std::string& method, const Call& call) {
    return send(method, call.path, call.token, call.body);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_route_role_matrix)

BOOST_AUTO_TEST_CASE(every_documented_route_has_a_row_and_every_row_a_route) {
    std::set<std::pair<std::string, std::string>> documented = documentedRoutes();
    std::set<std::pair<std::string, std::string>> rows;
    for (const Row& row : table(actors())) {
        BOOST_CHECK_MESSAGE(rows.emplace(row.method, row.path).second,
                            "two rows for " << row.method << " " << row.path);
    }
    for (const auto& [method, path] : documented) {
        BOOST_CHECK_MESSAGE(rows.count({method, path}) == 1,
                            method << " " << path
                                   << " is in the route table but has no row in the matrix: "
                                      "decide who may call it");
    }
    for (const auto& [method, path] : rows) {
        BOOST_CHECK_MESSAGE(documented.count({method, path}) == 1,
                            "the matrix has a row for " << method << " " << path
                                                        << ", which the route table lacks");
    }
    BOOST_CHECK_GE(documented.size(), 28u);
}

BOOST_AUTO_TEST_CASE(every_cell_answers_the_status_of_the_table) {
    const Actors& a = actors();
    for (const Row& row : table(a)) {
        for (Role role : kRoles) {
            int expected = expectedOf(row, role);
            if (expected == kNa) continue;
            Call call = row.call(role);
            HttpResponse response = perform(row.method, call);
            BOOST_TEST_CONTEXT(row.method << " " << row.path << " as " << roleName(role) << " ("
                                          << call.path << ")") {
                BOOST_CHECK_MESSAGE(response.status == expected,
                                    "expected " << expected << ", got " << response.summary());
                std::string code = codeFor(expected);
                if (!code.empty() && response.status == expected)
                    checkError(response, expected, code);
                if (expected == 401) {
                    BOOST_CHECK_MESSAGE(response.hasHeader("WWW-Authenticate"),
                                        "401 without WWW-Authenticate");
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(head_answers_like_get_for_every_caller_without_a_body) {
    const Actors& a = actors();
    for (const Row& row : table(a)) {
        if (row.method != "GET") continue;
        for (Role role : kRoles) {
            int expected = expectedOf(row, role);
            if (expected == kNa) continue;
            Call call = row.call(role);
            HttpResponse response = perform("HEAD", call);
            BOOST_TEST_CONTEXT("HEAD " << row.path << " as " << roleName(role)) {
                BOOST_CHECK_MESSAGE(response.status == expected,
                                    "expected " << expected << ", got " << response.summary());
                BOOST_CHECK(response.body.empty());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(metrics_from_an_address_outside_the_allow_list_is_403_for_everyone) {
    const Actors& a = actors();
    for (Role role : {Role::Anonymous, Role::Admin}) {
        RequestOptions options;
        options.sourceAddress = "127.0.0.2";
        HttpResponse response = send("GET", "/metrics", a.token(role), {}, {}, options);
        BOOST_TEST_CONTEXT("GET /metrics from 127.0.0.2 as " << roleName(role)) {
            checkError(response, 403, "FORBIDDEN");
            BOOST_CHECK(response.body.find("restd_") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_docs_pages_nginx_serves_outside_the_route_table_are_public) {
    // /docs is static (nginx), so it has no row above: the same for everyone.
    const Actors& a = actors();
    for (Role role : {Role::Anonymous, Role::User, Role::Admin}) {
        BOOST_TEST_CONTEXT("/docs as " << roleName(role)) {
            BOOST_CHECK_EQUAL(send("GET", "/docs", a.token(role)).status, 301);
            BOOST_CHECK_EQUAL(send("GET", "/docs/", a.token(role)).status, 200);
            BOOST_CHECK_EQUAL(send("DELETE", "/docs/", a.token(role)).status, 405);
        }
    }
}

BOOST_AUTO_TEST_CASE(refused_writes_change_nothing) {
    // The 403 and 401 cells above must not have written: the owner's post
    // and account still hold what the owner gave them.
    const Actors& a = actors();
    BOOST_CHECK_EQUAL(postTitle(a.ownersPost), "Matrix post of the owner");
    HttpResponse self = send("GET", "/api/v1/auth/me", a.owner.token);
    rapidjson::Document body = checkSuccess(self, 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), a.owner.username);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), a.owner.email);
    BOOST_CHECK_EQUAL(jsonString(body, "data.role"), "user");
    HttpResponse product = send("GET", productPath(a.product), admin().token);
    rapidjson::Document productBodyDoc = checkSuccess(product, 200);
    BOOST_CHECK_EQUAL(jsonString(productBodyDoc, "data.name"), "Matrix product");
}

BOOST_AUTO_TEST_SUITE_END()
