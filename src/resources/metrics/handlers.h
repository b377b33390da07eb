// GET /metrics: the Prometheus text exposition of app/metrics.h, summed over
// all workers. nginx serves it to loopback clients only (nginx/restd.conf).
#pragma once

#include "app/context.h"

namespace restd::metrics_endpoint {

void getMetrics(app::Context& ctx);

}  // namespace restd::metrics_endpoint
