// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the OWASP API Security Top 10 suites
// (tests/integration/owasp_*_test.cpp), on top of api.h: resource paths,
// products and users made by the seeded admin, the ETag a caller sees, and
// the routes of the OpenAPI document restd generates from its route table.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "api.h"

namespace restd::test::owasp {

std::string userPath(int64_t id);
std::string postPath(int64_t id);
std::string productPath(int64_t id);

// A SKU unused in this run ([A-Z0-9] only).
std::string newSku();
// {"sku","name","priceCents"} of a new product.
std::string productBody(const std::string& name, int64_t priceCents = 100);
// A new product, created by the seeded admin; requires 201. Returns its id.
int64_t createProduct(const std::string& name = "Owasp product");

// A new account created by the seeded admin (POST /api/v1/users), without
// logging in (no request to nginx's auth zone); token stays empty.
api::Account createUserNoLogin(std::string_view role = "user", std::string_view prefix = "o");

// The ETag of GET path as the token's holder sees it; requires 200 and a tag.
std::string etagOf(const std::string& path, const std::string& token);

// The title of a post as the admin sees it ("<missing>" when it is gone).
std::string postTitle(int64_t id);

// (METHOD, path) of every operation in GET /api/v1/openapi.json, methods in
// upper case, paths as documented ("/api/v1/users/{id}"). Requires 200.
std::set<std::pair<std::string, std::string>> documentedRoutes();

}  // namespace restd::test::owasp
