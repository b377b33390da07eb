// SPDX-License-Identifier: Apache-2.0
// The route table: every resource's routes, one line per resource. Matching
// order is declaration order; the first route whose pattern and method match wins.
#include "app/route_table.h"

#include <vector>

#include "openapi/document.h"
#include "resources/auth/routes.h"
#include "resources/docs/routes.h"
#include "resources/health/routes.h"
#include "resources/metrics/routes.h"
#include "resources/posts/routes.h"
#include "resources/products/routes.h"
#include "resources/users/routes.h"

#ifdef RESTD_TEST_ROUTES
// Routes that exist only in $(BIN)/restd-test (tests/test_routes/), the binary
// the fault tests and make scan's positive control run: this file is compiled
// a second time with the macro for it. bin/restd has no such route.
namespace restd::test_routes {
std::span<const router::Route> routes();
}
#endif

namespace restd::app {

using router::Route;

namespace {

// Every route of the product: what bin/restd serves and documents.
std::span<const Route> productRoutes() {
    static const std::vector<Route> kTable = [] {
        std::vector<Route> all;
        for (std::span<const Route> group : {
                 health::routes(),
                 metrics_endpoint::routes(),
                 docs::routes(),
                 auth_tokens::routes(),
                 users::routes(),
                 posts::routes(),
                 products::routes(),
             }) {
            all.insert(all.end(), group.begin(), group.end());
        }
        return all;
    }();
    return kTable;
}

}  // namespace

std::span<const Route> routeTable() {
#ifdef RESTD_TEST_ROUTES
    static const std::vector<Route> kWithTestRoutes = [] {
        std::vector<Route> all(productRoutes().begin(), productRoutes().end());
        all.insert(all.end(), test_routes::routes().begin(), test_routes::routes().end());
        return all;
    }();
    return kWithTestRoutes;
#else
    return productRoutes();
#endif
}

// The test routes stay out of the document: restd-test documents the product.
const std::string& openapiDocument() {
    static const std::string kDocument = openapi::buildDocument(productRoutes());
    return kDocument;
}

}  // namespace restd::app
