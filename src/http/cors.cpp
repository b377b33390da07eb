// SPDX-License-Identifier: Apache-2.0
#include "http/cors.h"

#include <algorithm>

namespace restd::http {

namespace {
constexpr std::string_view kAllowHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, X-Request-ID, Idempotency-Key";
constexpr std::string_view kExposeHeaders =
    "ETag, Location, X-Request-ID, Retry-After, Idempotent-Replayed, Deprecation, Sunset, Link";
}  // namespace

Cors::Cors(std::vector<std::string> allowedOrigins) : origins_(std::move(allowedOrigins)) {}

bool Cors::allows(std::string_view origin) const {
    return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void Cors::apply(const Request& req, Response& res) const {
    // The answer depends on Origin whether or not it is allowed: caches must know.
    res.setHeader("Vary", "Origin");
    auto origin = req.header("origin");
    if (!origin || !allows(*origin)) return;
    res.setHeader("Access-Control-Allow-Origin", *origin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
    res.setHeader("Access-Control-Expose-Headers", kExposeHeaders);
}

void Cors::preflight(const Request& req, Response& res, const std::string& allowedMethods) const {
    res.setRawBody(204, {}, {});
    res.setHeader("Allow", allowedMethods);
    res.setHeader("Vary", "Origin");
    auto origin = req.header("origin");
    if (!origin || !allows(*origin)) return;
    res.setHeader("Access-Control-Allow-Origin", *origin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
    res.setHeader("Access-Control-Allow-Methods", allowedMethods);
    res.setHeader("Access-Control-Allow-Headers", kAllowHeaders);
    res.setHeader("Access-Control-Max-Age", "600");
}

}  // namespace restd::http
