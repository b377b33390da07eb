// SPDX-License-Identifier: Apache-2.0
#include "resources/metrics/handlers.h"

namespace restd::metrics_endpoint {

namespace {
constexpr std::string_view kTextFormat = "text/plain; version=0.0.4; charset=utf-8";
}  // namespace

void getMetrics(router::Context& ctx) {
    std::string text = ctx.services.metrics ? ctx.services.metrics() : std::string();
    if (text.empty()) throw http::ApiError::unavailable("Metrics are not available");
    ctx.res.setRawBody(200, kTextFormat, text);
}

}  // namespace restd::metrics_endpoint
