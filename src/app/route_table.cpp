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

namespace restd::app {

using router::Route;

std::span<const Route> routeTable() {
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

const std::string& openapiDocument() {
    static const std::string kDocument = openapi::buildDocument(routeTable());
    return kDocument;
}

}  // namespace restd::app
