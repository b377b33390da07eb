// SPDX-License-Identifier: Apache-2.0
#include "owasp.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>

#include "checks.h"
#include "http_client.h"

namespace restd::test::owasp {

using namespace restd::test::api;

std::string userPath(int64_t id) { return "/api/v1/users/" + std::to_string(id); }
std::string postPath(int64_t id) { return "/api/v1/posts/" + std::to_string(id); }
std::string productPath(int64_t id) { return "/api/v1/products/" + std::to_string(id); }

std::string newSku() {
    std::string sku = uniqueName("OW");
    std::transform(sku.begin(), sku.end(), sku.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return sku;
}

std::string productBody(const std::string& name, int64_t priceCents) {
    return object(
        {{"sku", str(newSku())}, {"name", str(name)}, {"priceCents", std::to_string(priceCents)}});
}

int64_t createProduct(const std::string& name) {
    HttpResponse response = send("POST", "/api/v1/products", admin().token, productBody(name));
    BOOST_REQUIRE_MESSAGE(response.status == 201, "create product: " << response.summary());
    int64_t id = intAt(json(response.body), "data.id").value_or(0);
    BOOST_REQUIRE_GT(id, 0);
    return id;
}

Account createUserNoLogin(std::string_view role, std::string_view prefix) {
    Account account;
    account.username = uniqueName(prefix);
    account.email = account.username + "@example.com";
    account.password = std::string(kPassword);
    HttpResponse response = send("POST", "/api/v1/users", admin().token,
                                 object({{"email", str(account.email)},
                                         {"username", str(account.username)},
                                         {"password", str(kPassword)},
                                         {"role", str(role)}}));
    BOOST_REQUIRE_MESSAGE(response.status == 201, "create user: " << response.summary());
    rapidjson::Document body = json(response.body);
    account.id = intAt(body, "data.id").value_or(0);
    account.role = jsonString(body, "data.role");
    BOOST_REQUIRE_GT(account.id, 0);
    return account;
}

std::string etagOf(const std::string& path, const std::string& token) {
    HttpResponse response = send("GET", path, token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, "GET " << path << ": " << response.summary());
    auto tag = response.header("ETag");
    BOOST_REQUIRE_MESSAGE(tag.has_value(), "GET " << path << " has no ETag");
    return *tag;
}

std::string postTitle(int64_t id) {
    HttpResponse response = send("GET", postPath(id), admin().token);
    rapidjson::Document body = json(response.body);
    return response.status == 200 ? jsonString(body, "data.title") : "<missing>";
}

std::set<std::pair<std::string, std::string>> documentedRoutes() {
    HttpResponse response = send("GET", "/api/v1/openapi.json");
    BOOST_REQUIRE_MESSAGE(response.status == 200, "openapi.json: " << response.summary());
    rapidjson::Document doc = json(response.body);
    const rapidjson::Value* paths = doc.IsObject() ? jsonAt(doc, "paths") : nullptr;
    BOOST_REQUIRE_MESSAGE(paths != nullptr && paths->IsObject(), "openapi.json has no paths");
    static const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                                   "options", "head", "patch", "trace"};
    std::set<std::pair<std::string, std::string>> routes;
    for (const auto& path : paths->GetObject()) {
        if (!path.value.IsObject()) continue;
        for (const auto& operation : path.value.GetObject()) {
            std::string method = operation.name.GetString();
            if (kMethods.count(method) == 0) continue;  // "parameters", "summary", ...
            std::transform(method.begin(), method.end(), method.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            routes.emplace(method, path.name.GetString());
        }
    }
    return routes;
}

}  // namespace restd::test::owasp
