// SPDX-License-Identifier: Apache-2.0
#include "routes.h"

#include <vector>

namespace restd::test_routes {

std::span<const router::Route> routes() {
    static const std::vector<router::Route> kAll = [] {
        std::vector<router::Route> all;
        for (std::span<const router::Route> group :
             {crashRoutes(), injectableRoutes(), deprecatedRoutes()}) {
            all.insert(all.end(), group.begin(), group.end());
        }
        return all;
    }();
    return kAll;
}

}  // namespace restd::test_routes
