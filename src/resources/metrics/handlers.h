// SPDX-License-Identifier: Apache-2.0
// GET /metrics: the Prometheus text exposition of app/metrics.h, summed over
// all workers. nginx serves it to loopback clients only (nginx/restd.conf).
#pragma once

#include "router/context.h"

namespace restd::metrics_endpoint {

void getMetrics(router::Context& ctx);

}  // namespace restd::metrics_endpoint
