// The test-only routes of $(BIN)/restd-test, one group per file of this
// folder; src/app/route_table.cpp, compiled with RESTD_TEST_ROUTES, appends
// routes() to the product's table.
#pragma once

#include <span>

#include "router/route.h"

namespace restd::test_routes {

std::span<const router::Route> crashRoutes();       // crash.cpp
std::span<const router::Route> injectableRoutes();  // injectable.cpp

// Every group above.
std::span<const router::Route> routes();

}  // namespace restd::test_routes
