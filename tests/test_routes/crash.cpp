// SPDX-License-Identifier: Apache-2.0
// Test-only routes, linked into $(BIN)/restd-test and never into bin/restd
// (Makefile): faults that no request to the product can cause, for the fault
// tests (tests/integration/z_faults_test.cpp).
//
// POST /__test/crash aborts the worker that serves it, as a bug would: the
// master must replace it and the other workers' requests must not notice. A
// POST, because nginx never passes a POST that reached restd to another
// worker (a GET would crash one worker per retry).
#include <sys/resource.h>

#include <cstdlib>
#include <span>

#include "router/context.h"
#include "router/route.h"
#include "routes.h"

namespace restd::test_routes {

using router::Method;
using router::Route;

namespace {

// No core file: the crash is the test's, and a core of every run would pile
// up wherever the system puts them.
[[noreturn]] void crash(router::Context&) {
    const rlimit none{0, 0};
    setrlimit(RLIMIT_CORE, &none);
    std::abort();
}

}  // namespace

std::span<const Route> crashRoutes() {
    static const Route kRoutes[] = {
        testRoute(Method::Post, "/__test/crash", crash, "Test only: aborts the worker"),
    };
    return kRoutes;
}

}  // namespace restd::test_routes
