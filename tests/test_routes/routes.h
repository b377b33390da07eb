// SPDX-License-Identifier: Apache-2.0
// The test-only routes of $(BIN)/restd-test, one group per file of this
// folder; src/app/route_table.cpp, compiled with RESTD_TEST_ROUTES, appends
// routes() to the product's table.
#pragma once

#include <span>
#include <string_view>

#include "router/route.h"

namespace restd::test_routes {

// A test-only route: anonymous, never keeping an Idempotency-Key record,
// tagged "test" (restd-test documents only the product's routes).
inline router::Route testRoute(router::Method method, std::string_view path, router::Handler handle,
                               std::string_view summary) {
    return {.method = method,
            .path = path,
            .auth = router::Auth::None,
            .idempotency = router::Idempotency::Ignored,
            .handle = handle,
            .doc = {.summary = summary, .tag = "test", .ok = 200, .errors = {}, .data = nullptr}};
}

std::span<const router::Route> crashRoutes();       // crash.cpp
std::span<const router::Route> injectableRoutes();  // injectable.cpp
std::span<const router::Route> deprecatedRoutes();  // deprecated.cpp

// Every group above.
std::span<const router::Route> routes();

}  // namespace restd::test_routes
