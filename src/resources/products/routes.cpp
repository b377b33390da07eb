// SPDX-License-Identifier: Apache-2.0
#include "resources/products/routes.h"

#include "resources/products/handlers.h"
#include "resources/products/model.h"
#include "resources/products/rules.h"

namespace restd::products {

using router::Auth;
using router::Cache;
using router::Method;
using router::Reads;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Get,
         .path = "/api/v1/products",
         .auth = Auth::None,
         .list = &rules::kListProducts,
         .cache = Cache::Public,
         .reads = Reads::Replica,
         .handle = listProducts,
         .doc = {.summary = "List products",
                 .tag = "products",
                 .ok = 200,
                 .errors = {400},
                 .data = &kProductSchema}},
        {.method = Method::Post,
         .path = "/api/v1/products",
         .auth = Auth::Admin,
         .body = &rules::kCreateProduct,
         .handle = createProduct,
         .doc = {.summary = "Create a product (admin)",
                 .tag = "products",
                 .ok = 201,
                 .errors = {400, 401, 403, 409, 415},
                 .data = &kProductSchema}},
        {.method = Method::Get,
         .path = "/api/v1/products/{id}",
         .auth = Auth::None,
         .cache = Cache::Public,
         .handle = getProduct,
         .doc = {.summary = "Get a product",
                 .tag = "products",
                 .ok = 200,
                 .errors = {400, 404},
                 .data = &kProductSchema}},
        {.method = Method::Put,
         .path = "/api/v1/products/{id}",
         .auth = Auth::Admin,
         .body = &rules::kReplaceProduct,
         .handle = replaceProduct,
         .doc = {.summary = "Replace a product (admin)",
                 .tag = "products",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 409, 412, 415},
                 .data = &kProductSchema}},
        {.method = Method::Patch,
         .path = "/api/v1/products/{id}",
         .auth = Auth::Admin,
         .body = &rules::kPatchProduct,
         .handle = patchProduct,
         .doc = {.summary = "Update fields of a product (admin)",
                 .tag = "products",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 409, 412, 415},
                 .data = &kProductSchema}},
        {.method = Method::Delete,
         .path = "/api/v1/products/{id}",
         .auth = Auth::Admin,
         .handle = deleteProduct,
         .doc = {.summary = "Delete a product (admin)",
                 .tag = "products",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 412},
                 .data = &openapi::kDeleted}},
    };
    return kRoutes;
}

}  // namespace restd::products
