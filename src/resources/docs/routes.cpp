// SPDX-License-Identifier: Apache-2.0
#include "resources/docs/routes.h"

#include "resources/docs/handlers.h"

namespace restd::docs {

using router::Auth;
using router::Cache;
using router::Method;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Get,
         .path = "/api/v1/openapi.json",
         .auth = Auth::None,
         .cache = Cache::Public,
         .handle = getOpenApi,
         .doc = {.summary = "This OpenAPI 3.1 document, generated from the route table",
                 .tag = "operations",
                 .ok = 200,
                 .errors = {},
                 .raw = "application/json"}},
    };
    return kRoutes;
}

}  // namespace restd::docs
