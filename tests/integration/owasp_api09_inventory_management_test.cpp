// SPDX-License-Identifier: Apache-2.0
// OWASP API9:2023 Improper Inventory Management, for restd.
//
// restd serves one API version, and its inventory is generated rather than
// kept by hand: the OpenAPI document comes from the route table, so it
// cannot drift from what is served. This suite proves:
// - the document describes what runs: its version is the running binary's
//   (GET /health), and every documented path answers a wrong method with
//   405 and an Allow header listing exactly the documented methods (plus
//   HEAD and OPTIONS), so nothing undocumented hides behind a documented
//   path;
// - no other version, prefix or leftover debug and admin path is served:
//   they are 404 envelopes "Cannot <METHOD> <path>", from restd (no static
//   file, directory listing or status page of nginx answers instead);
// - the interactive documentation is the document's own (the /docs page
//   loads /api/v1/openapi.json), so there is one inventory.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <sstream>
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

// "/api/v1/users/{id}" -> "/api/v1/users/1"
std::string concrete(std::string path) {
    size_t at = path.find("{id}");
    if (at != std::string::npos) path.replace(at, 4, "1");
    return path;
}

std::set<std::string> tokens(const std::string& list) {
    std::set<std::string> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) out.insert(item);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api09_inventory_management)

BOOST_AUTO_TEST_CASE(the_document_is_of_the_running_version) {
    rapidjson::Document health = checkSuccess(send("GET", "/health"), 200);
    rapidjson::Document doc = json(send("GET", "/api/v1/openapi.json").body);
    BOOST_REQUIRE(doc.IsObject());
    BOOST_CHECK_EQUAL(jsonString(doc, "info.version"), jsonString(health, "data.version"));
    BOOST_CHECK(jsonString(doc, "openapi").starts_with("3.1"));
}

BOOST_AUTO_TEST_CASE(every_documented_path_allows_exactly_its_documented_methods) {
    std::map<std::string, std::set<std::string>> methods;
    for (const auto& [method, path] : documentedRoutes()) methods[path].insert(method);
    BOOST_REQUIRE(!methods.empty());
    for (auto& [path, documented] : methods) {
        std::set<std::string> expected = documented;
        if (expected.count("GET")) expected.insert("HEAD");
        expected.insert("OPTIONS");
        // A method the path does not route, to get the 405 and its Allow.
        std::string wrong;
        for (const char* m : {"PUT", "POST", "DELETE", "PATCH"}) {
            if (wrong.empty() && documented.count(m) == 0) wrong = m;
        }
        BOOST_REQUIRE(!wrong.empty());
        HttpResponse response =
            send(wrong, concrete(path), admin().token, wrong == "DELETE" ? "" : "{}");
        BOOST_TEST_CONTEXT(wrong << " " << path) {
            checkError(response, 405, "METHOD_NOT_ALLOWED");
            std::set<std::string> allow = tokens(response.header("Allow").value_or(""));
            BOOST_CHECK_MESSAGE(allow == expected,
                                "Allow: " << response.header("Allow").value_or("<none>"));
        }
    }
}

BOOST_AUTO_TEST_CASE(no_other_version_prefix_or_leftover_path_is_served) {
    const std::vector<std::string> paths = {
        "/api/v2/users",
        "/api/v0/users",
        "/api/users",
        "/v1/users",
        "/api/v1/admin",
        "/api/v1/debug",
        "/debug",
        "/admin",
        "/status",
        "/server-status",
        "/nginx_status",
        "/.env",
        "/.git/config",
        "/api/v1/users.json",
        "/api/v1/swagger.json",
        "/swagger-ui",
        "/api/v1/internal",
        "/api/v1/auth/reset",
        "/api/v1/health",
        "/api/v1/metrics",
    };
    Account user = registerAccount("a9p");
    for (const std::string& path : paths) {
        for (const std::string& token : {std::string(), user.token}) {
            HttpResponse response = send("GET", path, token);
            BOOST_TEST_CONTEXT(path << (token.empty() ? " anonymous" : " as a user")) {
                rapidjson::Document body = checkError(response, 404, "NOT_FOUND");
                BOOST_CHECK_EQUAL(jsonString(body, "error"), "Cannot GET " + path);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_docs_page_documents_the_generated_document) {
    HttpResponse page = send("GET", "/docs/");
    checkStatus(page, 200);
    BOOST_CHECK(page.header("Content-Type").value_or("").starts_with("text/html"));
    bool referencesDocument = page.body.find("/api/v1/openapi.json") != std::string::npos;
    if (!referencesDocument) {
        // The page may load the URL from a script of its own.
        for (const std::string script : {"/docs/swagger-initializer.js", "/docs/init.js"}) {
            HttpResponse js = send("GET", script);
            if (js.status == 200 && js.body.find("/api/v1/openapi.json") != std::string::npos) {
                referencesDocument = true;
            }
        }
    }
    BOOST_CHECK_MESSAGE(referencesDocument, "the docs page does not load /api/v1/openapi.json");
}

BOOST_AUTO_TEST_SUITE_END()
