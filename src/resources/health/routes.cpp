// SPDX-License-Identifier: Apache-2.0
#include "resources/health/routes.h"

#include "resources/health/handlers.h"

namespace restd::health {

using router::Auth;
using router::Method;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Get,
         .path = "/health",
         .auth = Auth::None,
         .handle = getHealth,
         .doc = {.summary = "Liveness: the process answers (never touches the database)",
                 .tag = "operations",
                 .ok = 200,
                 .errors = {},
                 .data = &kHealthSchema}},
        {.method = Method::Get,
         .path = "/ready",
         .auth = Auth::None,
         .handle = getReady,
         .doc = {.summary = "Readiness: a pooled database connection answers SELECT 1",
                 .tag = "operations",
                 .ok = 200,
                 .errors = {503},
                 .data = &kReadySchema}},
    };
    return kRoutes;
}

}  // namespace restd::health
