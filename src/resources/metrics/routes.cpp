// SPDX-License-Identifier: Apache-2.0
#include "resources/metrics/routes.h"

#include "resources/metrics/handlers.h"

namespace restd::metrics_endpoint {

using router::Auth;
using router::Cache;
using router::Method;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Get,
         .path = "/metrics",
         .auth = Auth::None,  // nginx allows loopback clients only
         .cache = Cache::NoStore,
         .handle = getMetrics,
         .doc = {.summary = "Prometheus metrics, summed over all workers (loopback only)",
                 .tag = "operations",
                 .ok = 200,
                 .errors = {503},
                 .raw = "text/plain"}},
    };
    return kRoutes;
}

}  // namespace restd::metrics_endpoint
