// SPDX-License-Identifier: Apache-2.0
// The OpenAPI document against the running API: it is served bare at
// /api/v1/openapi.json, equals `restd --openapi` (no database needed), and a
// real response of every documented operation, success and error alike,
// validates against the schema the document gives for its status. The
// validator is RapidJSON's JSON Schema implementation; the document keeps to
// the subset it shares with OpenAPI 3.1 (openapi/schema.h).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;

namespace {

rapidjson::Document fetchDocument() {
    HttpResponse response = send("GET", "/api/v1/openapi.json");
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    BOOST_REQUIRE_MESSAGE(!doc.HasParseError() && doc.IsObject(), "openapi.json is not JSON");
    return doc;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Checks `body` against the schema the document gives for (path, method,
// status); reports where it does not match.
void checkAgainstDocument(const rapidjson::Document& doc, const std::string& path,
                          const std::string& method, const HttpResponse& response) {
    BOOST_TEST_CONTEXT(method << " " << path << " -> " << response.status) {
        const rapidjson::Value* op = jsonAt(doc, "paths");
        BOOST_REQUIRE(op && op->HasMember(path.c_str()));
        op = &(*op)[path.c_str()];
        BOOST_REQUIRE(op->HasMember(lower(method).c_str()));
        const rapidjson::Value& responses = (*op)[lower(method).c_str()]["responses"];
        std::string status = std::to_string(response.status);
        BOOST_REQUIRE_MESSAGE(responses.HasMember(status.c_str()),
                              "status " << status << " is not documented");
        const rapidjson::Value& documented = responses[status.c_str()];
        if (!documented.HasMember("content")) {
            BOOST_CHECK_MESSAGE(response.body.empty(), "undocumented body");
            return;
        }
        const rapidjson::Value& content = documented["content"];
        BOOST_REQUIRE(content.MemberCount() == 1);
        std::string mediaType = content.MemberBegin()->name.GetString();
        BOOST_CHECK_MESSAGE(response.header("Content-Type").value_or("").starts_with(mediaType),
                            "Content-Type " << response.header("Content-Type").value_or("-")
                                            << " is not " << mediaType);
        if (mediaType != "application/json") return;

        // The response schema, with the document's components beside it so
        // that "#/components/schemas/..." references resolve.
        rapidjson::Document schemaDoc;
        schemaDoc.CopyFrom(content.MemberBegin()->value["schema"], schemaDoc.GetAllocator());
        rapidjson::Value components(doc["components"], schemaDoc.GetAllocator());
        schemaDoc.AddMember("components", components, schemaDoc.GetAllocator());
        rapidjson::SchemaDocument schema(schemaDoc);
        rapidjson::SchemaValidator validator(schema);

        rapidjson::Document body;
        body.Parse(response.body.c_str());
        BOOST_REQUIRE_MESSAGE(!body.HasParseError(), "body is not JSON: " << response.body);
        if (!body.Accept(validator)) {
            rapidjson::StringBuffer where;
            validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
            rapidjson::StringBuffer rule;
            validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
            BOOST_ERROR("body does not match the documented schema at "
                        << where.GetString() << " (schema " << rule.GetString() << ", keyword "
                        << validator.GetInvalidSchemaKeyword() << "): " << response.body);
        }
    }
}

std::string productBody(const std::string& sku) {
    return object({{"sku", str(sku)}, {"name", str("Doc product")}, {"priceCents", "250"}});
}

std::string freshSku() {
    std::string sku = "DOC-" + uniqueName("");
    for (char& c : sku) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return sku;
}

int64_t createdId(const HttpResponse& response) {
    rapidjson::Document body = json(response.body);
    auto id = intAt(body, "data.id");
    BOOST_REQUIRE_MESSAGE(id, "no data.id: " << response.summary());
    return *id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(document_is_served_bare_and_equals_restd_dash_dash_openapi) {
    HttpResponse response = send("GET", "/api/v1/openapi.json");
    checkStatus(response, 200);
    rapidjson::Document doc = fetchDocument();
    BOOST_CHECK_EQUAL(jsonString(doc, "openapi"), "3.1.0");
    BOOST_CHECK(!doc.HasMember("success"));
    BOOST_CHECK(jsonAt(doc, "components.securitySchemes.bearerAuth") != nullptr);

    // Without any configuration: no database, no JWT_SECRET.
    std::string command = "env -i " + stack().restdBin().string() + " --openapi";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    BOOST_REQUIRE(pipe);
    std::string printed;
    char buffer[65536];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) printed.append(buffer, n);
    BOOST_CHECK_EQUAL(pclose(pipe.release()), 0);
    while (!printed.empty() && printed.back() == '\n') printed.pop_back();
    BOOST_CHECK_MESSAGE(printed == response.body, "restd --openapi differs from the served one");
}

// nginx writes its own error envelopes from a map in restd-http.conf; every code
// there must be one the document promises clients, or a client's switch over
// the enum meets a code it was told cannot happen.
BOOST_AUTO_TEST_CASE(every_code_nginx_answers_with_is_in_the_error_enum) {
    rapidjson::Document doc = fetchDocument();
    const rapidjson::Value* codes = jsonAt(doc, "components.schemas.Error.properties.code.enum");
    BOOST_REQUIRE(codes && codes->IsArray());
    std::set<std::string> listed;
    for (const auto& c : codes->GetArray()) listed.insert(c.GetString());

    std::string conf = readFile(stack().repoRoot() / "nginx/restd-http.conf");
    size_t start = conf.find("map $status $restd_error_code {");
    BOOST_REQUIRE_MESSAGE(start != std::string::npos,
                          "no $restd_error_code map in restd-http.conf");
    size_t end = conf.find('}', start);
    std::istringstream map(conf.substr(start, end - start));
    std::string line;
    std::getline(map, line);  // the map line itself
    int seen = 0;
    while (std::getline(map, line)) {
        std::istringstream words(line);
        std::string status, code;
        if (!(words >> status >> code)) continue;
        if (!code.empty() && code.back() == ';') code.pop_back();
        ++seen;
        BOOST_CHECK_MESSAGE(listed.contains(code), "nginx answers " << status << " with " << code
                                                                    << ", which the enum lacks");
    }
    BOOST_CHECK_GE(seen, 10);
}

BOOST_AUTO_TEST_CASE(every_operation_has_a_summary_tag_and_declared_path_parameters) {
    rapidjson::Document doc = fetchDocument();
    for (const auto& path : doc["paths"].GetObject()) {
        for (const auto& op : path.value.GetObject()) {
            BOOST_TEST_CONTEXT(op.name.GetString() << " " << path.name.GetString()) {
                BOOST_CHECK(op.value.HasMember("summary") &&
                            op.value["summary"].GetStringLength() > 0);
                BOOST_CHECK(op.value.HasMember("tags") && op.value["tags"].Size() == 1);
                std::string p = path.name.GetString();
                size_t params = 0;
                for (const auto& param : op.value["parameters"].GetArray()) {
                    if (std::string(param["in"].GetString()) == "path") ++params;
                }
                BOOST_CHECK_EQUAL(params, static_cast<size_t>(std::count(p.begin(), p.end(), '{')));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_real_response_of_every_operation_matches_its_documented_schema) {
    rapidjson::Document doc = fetchDocument();
    Account user = registerAccount("doc");
    Account other = registerAccount("doc");
    const Account& adm = admin();
    int64_t postId = createPost(user, "Documented post");
    int64_t productId =
        createdId(send("POST", "/api/v1/products", adm.token, productBody(freshSku())));

    auto expect = [&](const std::string& path, const std::string& method,
                      const HttpResponse& response) {
        checkAgainstDocument(doc, path, method, response);
    };
    const std::string postPath = "/api/v1/posts/" + std::to_string(postId);
    const std::string productPath = "/api/v1/products/" + std::to_string(productId);
    const std::string userPath = "/api/v1/users/" + std::to_string(user.id);
    // One success and, where cheap, one error response per operation.
    std::map<std::pair<std::string, std::string>, std::function<void()>> fixtures = {
        {{"/health", "get"}, [&] { expect("/health", "GET", send("GET", "/health")); }},
        {{"/ready", "get"}, [&] { expect("/ready", "GET", send("GET", "/ready")); }},
        {{"/metrics", "get"}, [&] { expect("/metrics", "GET", send("GET", "/metrics")); }},
        {{"/api/v1/openapi.json", "get"},
         [&] { expect("/api/v1/openapi.json", "GET", send("GET", "/api/v1/openapi.json")); }},
        {{"/api/v1/auth/register", "post"},
         [&] {
             std::string body = object({{"email", str(uniqueEmail("docreg"))},
                                        {"username", str(uniqueName("docreg_"))},
                                        {"password", str("Password123")}});
             RequestOptions from{.sourceAddress = nextPoolAddress()};
             expect("/api/v1/auth/register", "POST",
                    send("POST", "/api/v1/auth/register", {}, body, {}, from));
             expect("/api/v1/auth/register", "POST",
                    send("POST", "/api/v1/auth/register", {}, "{}", {}, from));
         }},
        {{"/api/v1/auth/login", "post"},
         [&] {
             expect("/api/v1/auth/login", "POST", login(user.email, user.password));
             expect("/api/v1/auth/login", "POST", login(user.email, "Wrong-Password1"));
         }},
        {{"/api/v1/auth/refresh", "post"},
         [&] {
             Account a = registerAccount("docref");
             std::string body = object({{"refreshToken", str(a.refreshToken)}});
             expect("/api/v1/auth/refresh", "POST", send("POST", "/api/v1/auth/refresh", {}, body));
             expect("/api/v1/auth/refresh", "POST", send("POST", "/api/v1/auth/refresh", {}, body));
         }},
        {{"/api/v1/auth/logout", "post"},
         [&] {
             Account a = registerAccount("docout");
             expect("/api/v1/auth/logout", "POST",
                    send("POST", "/api/v1/auth/logout", {},
                         object({{"refreshToken", str(a.refreshToken)}})));
         }},
        {{"/api/v1/auth/logout-all", "post"},
         [&] {
             Account a = registerAccount("docall");
             expect("/api/v1/auth/logout-all", "POST",
                    send("POST", "/api/v1/auth/logout-all", a.token));
             expect("/api/v1/auth/logout-all", "POST",
                    send("POST", "/api/v1/auth/logout-all", a.token));
         }},
        {{"/api/v1/auth/me", "get"},
         [&] {
             expect("/api/v1/auth/me", "GET", send("GET", "/api/v1/auth/me", user.token));
             expect("/api/v1/auth/me", "GET", send("GET", "/api/v1/auth/me"));
         }},
        {{"/api/v1/users", "get"},
         [&] {
             expect("/api/v1/users", "GET", send("GET", "/api/v1/users?limit=3", user.token));
             expect("/api/v1/users", "GET", send("GET", "/api/v1/users?limit=3", adm.token));
             expect("/api/v1/users", "GET", send("GET", "/api/v1/users?limit=0", user.token));
         }},
        {{"/api/v1/users", "post"},
         [&] {
             std::string body = object({{"email", str(uniqueEmail("docnew"))},
                                        {"username", str(uniqueName("docnew_"))},
                                        {"password", str("Password123")}});
             expect("/api/v1/users", "POST", send("POST", "/api/v1/users", adm.token, body));
             expect("/api/v1/users", "POST", send("POST", "/api/v1/users", user.token, body));
         }},
        {{"/api/v1/users/{id}", "get"},
         [&] {
             expect("/api/v1/users/{id}", "GET", send("GET", userPath, other.token));
             expect("/api/v1/users/{id}", "GET", send("GET", "/api/v1/users/0", user.token));
         }},
        {{"/api/v1/users/{id}", "put"},
         [&] {
             expect("/api/v1/users/{id}", "PUT",
                    send("PUT", userPath, user.token,
                         object({{"email", str(user.email)}, {"username", str(user.username)}})));
             expect("/api/v1/users/{id}", "PUT",
                    send("PUT", userPath, other.token,
                         object({{"email", str(user.email)}, {"username", str(user.username)}})));
         }},
        {{"/api/v1/users/{id}", "patch"},
         [&] {
             expect("/api/v1/users/{id}", "PATCH",
                    send("PATCH", userPath, user.token, object({{"username", str(user.username)}}),
                         {"If-Match: \"stale\""}));
         }},
        {{"/api/v1/users/{id}", "delete"},
         [&] {
             Account doomed = registerAccount("docdel");
             std::string path = "/api/v1/users/" + std::to_string(doomed.id);
             expect("/api/v1/users/{id}", "DELETE", send("DELETE", path, adm.token));
             expect("/api/v1/users/{id}", "DELETE", send("DELETE", path, adm.token));
         }},
        {{"/api/v1/users/{id}/posts", "get"},
         [&] {
             expect("/api/v1/users/{id}/posts", "GET",
                    send("GET", userPath + "/posts", other.token));
         }},
        {{"/api/v1/posts", "get"},
         [&] {
             expect("/api/v1/posts", "GET", send("GET", "/api/v1/posts?limit=2", user.token));
             rapidjson::Document first =
                 json(send("GET", "/api/v1/posts?limit=1", user.token).body);
             std::string cursor = jsonString(first, "meta.nextCursor");
             expect("/api/v1/posts", "GET",
                    send("GET", "/api/v1/posts?limit=1&cursor=" + queryEscape(cursor), user.token));
         }},
        {{"/api/v1/posts", "post"},
         [&] {
             expect("/api/v1/posts", "POST",
                    send("POST", "/api/v1/posts", user.token,
                         object({{"title", str("Doc")}, {"body", str("B")}})));
             expect("/api/v1/posts", "POST",
                    sendRaw("POST", "/api/v1/posts", user.token, "text/plain", "x"));
         }},
        {{"/api/v1/posts/{id}", "get"},
         [&] {
             HttpResponse ok = send("GET", postPath, other.token);
             expect("/api/v1/posts/{id}", "GET", ok);
             expect(
                 "/api/v1/posts/{id}", "GET",
                 send("GET", postPath, other.token, {}, {"If-None-Match: " + *ok.header("ETag")}));
         }},
        {{"/api/v1/posts/{id}", "put"},
         [&] {
             expect("/api/v1/posts/{id}", "PUT",
                    send("PUT", postPath, user.token,
                         object({{"title", str("Doc 2")}, {"body", str("B")}})));
         }},
        {{"/api/v1/posts/{id}", "patch"},
         [&] {
             expect("/api/v1/posts/{id}", "PATCH",
                    send("PATCH", postPath, other.token, object({{"title", str("No")}})));
             expect("/api/v1/posts/{id}", "PATCH",
                    send("PATCH", postPath, user.token, object({{"title", str("Doc 3")}})));
         }},
        {{"/api/v1/posts/{id}", "delete"},
         [&] {
             std::string path = "/api/v1/posts/" + std::to_string(createPost(user, "Doomed"));
             expect("/api/v1/posts/{id}", "DELETE", send("DELETE", path, user.token));
             expect("/api/v1/posts/{id}", "DELETE", send("DELETE", path, user.token));
         }},
        {{"/api/v1/products", "get"},
         [&] {
             expect("/api/v1/products", "GET", send("GET", "/api/v1/products?limit=2"));
             expect("/api/v1/products", "GET", send("GET", "/api/v1/products?minPrice=x"));
         }},
        {{"/api/v1/products", "post"},
         [&] {
             std::string sku = freshSku();
             expect("/api/v1/products", "POST",
                    send("POST", "/api/v1/products", adm.token, productBody(sku)));
             expect("/api/v1/products", "POST",
                    send("POST", "/api/v1/products", adm.token, productBody(sku)));
         }},
        {{"/api/v1/products/{id}", "get"},
         [&] { expect("/api/v1/products/{id}", "GET", send("GET", productPath)); }},
        {{"/api/v1/products/{id}", "put"},
         [&] {
             expect("/api/v1/products/{id}", "PUT",
                    send("PUT", productPath, adm.token, productBody(freshSku())));
         }},
        {{"/api/v1/products/{id}", "patch"},
         [&] {
             expect("/api/v1/products/{id}", "PATCH",
                    send("PATCH", productPath, adm.token, object({{"stock", "7"}})));
             expect("/api/v1/products/{id}", "PATCH",
                    send("PATCH", productPath, user.token, object({{"stock", "7"}})));
         }},
        {{"/api/v1/products/{id}", "delete"},
         [&] {
             std::string path = "/api/v1/products/" +
                                std::to_string(createdId(send("POST", "/api/v1/products", adm.token,
                                                              productBody(freshSku()))));
             expect("/api/v1/products/{id}", "DELETE", send("DELETE", path, adm.token));
         }},
    };

    std::set<std::pair<std::string, std::string>> documented;
    for (const auto& path : doc["paths"].GetObject()) {
        for (const auto& op : path.value.GetObject()) {
            documented.insert({path.name.GetString(), op.name.GetString()});
        }
    }
    for (const auto& [operation, run] : fixtures) {
        BOOST_CHECK_MESSAGE(documented.count(operation),
                            operation.second << " " << operation.first << " is not documented");
    }
    for (const auto& operation : documented) {
        auto fixture = fixtures.find(operation);
        BOOST_CHECK_MESSAGE(fixture != fixtures.end(),
                            "no request exercises " << operation.second << " " << operation.first
                                                    << ": add one to this test");
        if (fixture != fixtures.end()) fixture->second();
    }
}

BOOST_AUTO_TEST_SUITE_END()
